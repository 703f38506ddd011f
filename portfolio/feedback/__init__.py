"""Employer feedback: a secret link per learner and activity, a form with no account, checked by staff.

May import: the base modules (secret_links among them), web, media, symbols, people, speech,
experiences, passport, plans, employers and careers.
"""
