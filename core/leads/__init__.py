"""Use cases over leads: search, detail, the agents ranked for a lead, assignment and lifecycle."""
