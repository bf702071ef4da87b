"""Points, badges, levels and agent performance (docs/design.md §6)."""
