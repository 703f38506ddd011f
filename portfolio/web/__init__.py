"""Shared web plumbing: who may do what (policy), the one place that reads htmx headers (hx), security
headers and error pages (security), the Flask extensions, and the pages for secret links that stop working.

May import: the base modules (db, models, errors, tokens, secret_links). Nothing in web knows any area.
"""
