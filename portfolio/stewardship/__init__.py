"""Looking after a learner's data: their audit trail (filtered, paged, as CSV, with its chain checked)
and the subject access export of everything held about them. Only an admin of their school sees either.

May import: every package below it (audit, people, experiences, passport, plans, reviews, portability…);
never homes.
"""
