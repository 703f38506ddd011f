"""Each person's first page: the learner's home, staff pages, the family's pages and the public pages.

May import: every area package; only create_app, templating, demo and cli sit above it.
"""
