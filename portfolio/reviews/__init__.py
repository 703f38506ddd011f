"""Annual review packs ("My views"): built from entries, passport and plan; edited, finalised as a
snapshot, printed and made into a PDF.

May import: every package below it (up to feedback), never sharing, portability or homes.
"""
