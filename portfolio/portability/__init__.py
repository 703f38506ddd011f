"""The portable portfolio: the zip format, its export and its import.

May import: every package below it (up to feedback), never sharing, reviews or homes.
"""
