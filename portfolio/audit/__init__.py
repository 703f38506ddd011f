"""The audit trail: who changed what in a learner's data, and who read what the school would want to know.

May import: db, models.
"""
