"""Slow work outside the request: a review pack's PDF, a portfolio import, speech for new private words.

``service`` keeps each job's row (kind, owner, state, the result in words) and runs a job by the
dotted path its kind names, so this package never imports the areas whose work it runs.
``queue`` hands a job to RQ on Redis (``JOBS_REDIS_URL``) or, with none set, to a thread in this
process; ``routes`` shows a job's progress and its result.

May import: db, models, errors, plain_text, audit, web, media.
"""
