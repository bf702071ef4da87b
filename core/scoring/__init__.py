"""Scoring use cases: rescoring, weights versions with their what-if preview, the leaderboard."""
