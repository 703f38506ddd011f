"""Entries (work experiences): the learner's steps, photos, voice, checking, family comments, and
the short path for a planned careers activity.

May import: the base modules, web, media, symbols, people and speech.
"""
