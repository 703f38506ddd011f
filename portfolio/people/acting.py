"""Who is acting in this request, for the audit trail.

Web glue: it reads the signed-in person once, at the start of each request, and hands them to the
trail through the request's database session, so no service needs to be told who is acting just
to have its changes recorded. Requests with no one signed in (a share link, the feedback form)
act as "visitor"; commands and background work set nothing and are recorded as "system".
"""
from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from portfolio import audit, db
from portfolio.audit.listener import VISITOR


def init_app(app: Flask) -> None:
    audit.install()
    app.before_request(_note_actor)


def _note_actor() -> None:
    if request.endpoint == "static":
        return
    if current_user.is_authenticated:
        audit.act_as(db.session(), current_user._get_current_object())
    else:
        audit.act_as(db.session(), None, VISITOR)
