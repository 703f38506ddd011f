"""Entries (work experiences): the learner's steps, photos, voice, checking, family comments, the
short path for a planned careers activity, and a learner's own drafts (thrown away, or folded
into one "Unfinished" card after 14 days).

May import: the base modules, web, media, symbols, people and speech.
"""
