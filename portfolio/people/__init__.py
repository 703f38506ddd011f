"""People and signing in: accounts, groups, sign-in sessions, login cards, school tablets, rate limits,
photo consent, and the sign-in and admin pages.

May import: the base modules, web, media and symbols.
"""
