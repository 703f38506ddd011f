"""Symbols: the careers vocabulary (words, search, captions), the OpenMoji library, a school's own
pictures, and where each picture is served from.

May import: the base modules, web and media.
"""
