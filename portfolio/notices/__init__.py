"""Notices: telling families and staff about what matters, in the app and by email.

``kinds`` names the events and who hears of each; ``raising`` notices them where they happen (one
session listener, so no service has to remember); ``service`` keeps each person's choices, list and
count and the one-tap unsubscribe links; ``mailing`` writes the short easy-read emails, one at a time
or gathered into a daily or weekly digest, through ``portfolio.mail.outbox``.

May import: ``portfolio.db``, ``portfolio.models``, ``portfolio.errors``, ``portfolio.tokens``,
``portfolio.audit``, ``portfolio.web`` (paging), ``portfolio.mail`` and ``portfolio.cohort`` (reviews coming up).
"""
