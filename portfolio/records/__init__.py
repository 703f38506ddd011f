"""Learner records and destinations: date of birth and year group, UPN, EHC plan and review date, area
of need, leaving, consent to keep in touch, and where a leaver went at 1, 2 and 3 years.

May import: the base modules, web, media, symbols, people, speech, experiences, passport and plans.
"""
