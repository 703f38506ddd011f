"""The careers programme: planned activities, who took part, and the Gatsby evidence they add up to.

May import: the base modules, web, media, symbols, people, speech, experiences, plans and employers.
"""
