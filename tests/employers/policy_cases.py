"""Access-matrix cases for the employers and providers directory.

Staff and the careers leader of the school keep it; learners and parents are refused; another
school's careers leader gets 404 for this school's employers and sees only their own list.
Each case runs all nine people one after another against the same data, so a case that
changes something (a merge) says what the second and third person meet.
"""
from __future__ import annotations

import io
import itertools
from datetime import date, timedelta
from typing import Any

from flask import Flask

from portfolio import db
from portfolio.employers import service as employers
from portfolio.employers.service import RiskDetails
from portfolio.media.storage import media_store
from tests.employers.helpers import make_employer, real_pdf
from tests.factories import Entries, World
from tests.web.policy_matrix import STAFF_ONLY, Case, everyone

# Any adult in the school keeps the directory; another school's careers leader finds nothing.
MANAGE = everyone(403, anonymous=302, ta=200, other_ta=200, admin=200, other_school_admin=404)
_new_names = itertools.count(1)


def manage(status: int) -> dict[str, int]:
    return {k: (status if v == 200 else v) for k, v in MANAGE.items()}


def setup(app: Flask, world: World, entries: Entries) -> dict[str, Any]:
    with app.app_context():
        session = db.session()
        today = date.today()
        garden = make_employer(session, world.school.id, "Meadow Lane Nursery", sector="garden-centre")
        with_pdf = make_employer(session, world.school.id, "Millbrook Café", sector="cafe")
        employers.record_risk(session, media_store(), with_pdf,
                              RiskDetails(today.isoformat(), "Helen Carter", (today + timedelta(days=365)).isoformat()),
                              real_pdf(), today)
        duplicate = make_employer(session, world.school.id, "Meadow Lane")
        elsewhere = make_employer(session, world.other_school.id, "Hillview Farm")
        session.commit()
        return {"employer_id": garden.id, "pdf_employer_id": with_pdf.id, "duplicate_id": duplicate.id,
                "elsewhere_employer_id": elsewhere.id}


def _risk_form(pdf: bytes | None) -> dict[str, Any]:
    today = date.today()
    form: dict[str, Any] = {"risk_checked_on": today.isoformat(), "risk_checked_by": "Helen Carter",
                            "risk_review_due": (today + timedelta(days=365)).isoformat()}
    if pdf is not None:
        form["risk_pdf"] = (io.BytesIO(pdf), "risk.pdf")
    return form


def _page(rest: str = "") -> Any:
    return lambda w: f"/employers/{w.employer_id}{rest}"


CASES = [
    Case("employers.directory", "GET", lambda w: "/employers/", STAFF_ONLY),
    Case("employers.directory", "GET", lambda w: "/employers/?q=garden", STAFF_ONLY),
    Case("employers.new", "GET", lambda w: "/employers/new", STAFF_ONLY),
    Case("employers.new", "POST", lambda w: "/employers/new",
         {k: (302 if v == 200 else v) for k, v in STAFF_ONLY.items()},
         lambda w: {"name": f"Hill Top Farm {next(_new_names)}", "kind": "employer", "sector": "farm"}),
    Case("employers.new", "POST", lambda w: "/employers/new",
         {k: (400 if v == 200 else v) for k, v in STAFF_ONLY.items()}, lambda w: {"name": "", "kind": "employer"}),
    Case("employers.employer", "GET", _page(), MANAGE),
    Case("employers.employer", "GET", lambda w: f"/employers/{w.elsewhere_employer_id}",
         everyone(403, anonymous=302, ta=404, other_ta=404, admin=404, other_school_admin=200)),
    Case("employers.employer", "GET", lambda w: "/employers/999999", manage(404) | {"other_school_admin": 404}),
    Case("employers.employer", "POST", _page(), manage(302),
         lambda w: {"name": "Meadow Lane Nursery", "kind": "employer", "sector": "garden-centre",
                    "email": "jo@greenfingers.example"}),
    Case("employers.employer", "POST", _page(), manage(400),
         lambda w: {"name": "Meadow Lane Nursery", "kind": "employer", "email": "not an address"}),
    Case("employers.risk", "POST", _page("/risk"), manage(302), lambda w: _risk_form(real_pdf())),
    Case("employers.risk", "POST", _page("/risk"), manage(400), lambda w: _risk_form(b"<html><script>x</script>")),
    Case("employers.risk_pdf", "GET", lambda w: f"/employers/{w.pdf_employer_id}/risk.pdf", MANAGE),
    Case("employers.risk_pdf", "GET", _page("/risk.pdf"), manage(404)),
    # The duplicate can be merged once; the next two people are told it has already gone.
    Case("employers.merge", "POST", lambda w: f"/employers/{w.duplicate_id}/merge",
         everyone(403, anonymous=302, ta=302, other_ta=400, admin=400, other_school_admin=404),
         lambda w: {"into": str(w.employer_id)}),
    Case("employers.merge", "POST", _page("/merge"), manage(400), lambda w: {"into": str(w.employer_id)}),
    Case("employers.merge", "POST", _page("/merge"), manage(400), lambda w: {"into": str(w.elsewhere_employer_id)}),
    Case("employers.switch_off", "POST", _page("/switch-off"), manage(302)),
    Case("employers.switch_on", "POST", _page("/switch-on"), manage(302)),
]
