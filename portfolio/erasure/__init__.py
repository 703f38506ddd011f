"""Erasure and retention: removing a learner, or one entry, with every row and file that holds them.

What is erased leaves one tombstone in the audit trail (ids and a fixed reason, never words or
pictures). May import any package of a lower line; routes here are for the careers leader only.
"""
