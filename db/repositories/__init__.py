"""Repositories: the SQL behind core's ports. Each takes the unit of work's session."""
