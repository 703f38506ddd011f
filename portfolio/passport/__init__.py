"""The communication passport: statements in the learner's own words, symbols and voice,
parents' suggestions, evidence links, print and PDF.

May import: the base modules, web, media, symbols, people, speech and experiences.
"""
