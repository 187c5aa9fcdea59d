"""Writes on entries: entries.py (create, edit, submit, withdraw, screen), files.py (the upload
protocol), verification.py (guardian codes)."""
