"""Email: the outbox every message is queued in, and the sender that delivers it after the commit.

``outbox.queue_message`` adds a row in the caller's transaction (so a change that is rolled back
sends nothing); ``sender`` delivers waiting rows from a background thread over SMTP, or prints them
when no mail server is configured. ``texts`` holds the words of the invitation and reset emails.

May import: ``portfolio.db``, ``portfolio.models``, ``portfolio.errors``, ``portfolio.tokens``.
"""
