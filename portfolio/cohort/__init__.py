"""The careers leader's desk: the cohort grid of learners by benchmark with its gaps in words, and the
annual reviews coming up.

May import: every package below it: records, careers, reviews among them; never reports or homes.
"""
