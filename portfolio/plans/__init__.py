"""The transition plan, year by year from Year 9: aspirations, Preparation for Adulthood, options and next steps.

May import: the base modules, web, media, symbols, people, speech and experiences.
"""
