"""Writes of judging: panel.py (judges, panels, conflicts), assignment.py (who scores what),
scoring.py (scorecards)."""
