"""Posture history: recording sessions to SQLite, statistics, export and deletion."""
