"""Read-aloud: the espeak-ng engine on its own thread, signed links to interface and private speech,
and the speech routes.

May import: the base modules, web, media, symbols and people.
"""
