"""Backups that restore: ``flask backup DEST`` and ``flask restore SRC``.

May import: db, models, errors, media (the store and its listing).
"""
