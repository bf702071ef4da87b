"""Points, badges, levels and agent performance (DESIGN.md §6)."""
