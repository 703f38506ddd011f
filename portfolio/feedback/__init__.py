"""Employer feedback: a secret link per learner and activity, a form with no account, checked by staff.

May import: the base modules, web, media, symbols, people, speech, experiences, sharing, employers and careers.
"""
