"""Reports for governors, Ofsted and Compass: a one-page school summary for a school year, on screen,
printed and as a PDF, with the rows behind it as CSV. Its figures come from the cohort grid's.

May import: every package below it, cohort among them; never homes.
"""
