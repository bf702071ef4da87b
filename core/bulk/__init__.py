"""Bulk runs: bulk assign (plan, commit), undo, bulk update, import, and their batches."""
