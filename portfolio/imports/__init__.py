"""Bringing learners, parents and groups in from the school's information system as a CSV, with a
preview that names every bad row before anything is saved; and login cards for a whole group.

May import: the base modules, web, media, symbols, people and records.
"""
