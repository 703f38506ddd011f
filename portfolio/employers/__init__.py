"""Employers and providers: the school's directory, with access notes and risk assessments.

May import: the base modules, web, media and symbols.
"""
