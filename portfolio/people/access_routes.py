"""The learner's access page for staff, and the header that carries a learner's settings to the tablet."""
from __future__ import annotations

from flask import Blueprint, Response, g, render_template, request
from flask_login import current_user

from portfolio import db
from portfolio.errors import KindError
from portfolio.models import Role, ScanMode, SymbolMode, TextSize, User
from portfolio.people import access
from portfolio.web import policy

bp = Blueprint("access", __name__, url_prefix="/staff/learners")

HEADER = "X-Access-Settings"


def _page(learner: User, settings: access.AccessSettings, *, saved: bool = False, error: str | None = None,
          status: int = 200) -> tuple[str, int]:
    return render_template("staff/access.html", learner=learner, settings=settings, saved=saved, error=error,
                           text_sizes=list(TextSize), symbol_modes=list(SymbolMode), scan_modes=list(ScanMode),
                           scan_speeds=access.SCAN_SECONDS), status


@bp.get("/<int:learner_id>/access")
@policy.guard("access.manage", arg="learner_id")
def edit(learner: User):
    return _page(learner, access.settings_for(db.session(), learner))


@bp.post("/<int:learner_id>/access")
@policy.guard("access.manage", arg="learner_id")
def save(learner: User):
    dbs = db.session()
    try:
        settings = access.save_settings(dbs, learner, request.form)
    except KindError as refused:
        dbs.rollback()
        return _page(learner, access.settings_for(dbs, learner), error=refused.message, status=400)
    dbs.commit()
    return _page(learner, settings, saved=True)


def signed_in_learner_settings() -> access.AccessSettings | None:
    """The signed-in learner's settings, read once per request; None for anyone else."""
    if not current_user.is_authenticated or current_user.role_enum is not Role.LEARNER:
        return None
    if "access_settings" not in g:
        g.access_settings = access.settings_for(db.session(), current_user)
    return g.access_settings


@bp.after_app_request
def _send_settings(response: Response) -> Response:
    """Every answer to a learner's tablet says what their settings are now, so a page already open
    (an htmx swap, the offline shell's next fetch) can put a change staff just made into effect."""
    if request.endpoint in (None, "static") or response.status_code >= 500:
        return response
    settings = signed_in_learner_settings()
    if settings is not None:
        response.headers[HEADER] = settings.as_json()
        response.vary.add("Cookie")
    return response
