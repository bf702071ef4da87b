"""Use cases over agents: the capacity view and editing capacity and availability."""
