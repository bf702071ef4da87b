"""Read models for the pages: filtered, paginated SQL returning DataFrames."""
