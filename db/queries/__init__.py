"""Read models for the pages: filtered, paginated SQL returning plain values (core.domain)."""
