"""The employers pages through the test client: who gets in, what they see, and what bad input meets."""
from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portfolio import db
from portfolio.employers import service as employers_service
from portfolio.media.storage import media_store
from portfolio.models import Employer, MediaFile
from tests.conftest import FIXTURES, sign_in_as
from tests.employers.helpers import make_activity, make_employer, real_pdf
from tests.factories import World
from tests.media_fixtures import fixture_bytes
from tests.web.page_checks import names_in_public_speech

FULL_FORM = {"name": "Zed Widgets", "kind": "employer", "sector": "warehouse", "address": "4 Mill Road",
             "contact_name": "Jo Bloggs", "phone": "01234 567890", "email": "jo@zed.example", "step_free": "on",
             "what_to_wear": "Steel toe-cap boots", "access_notes": "Buzz at the side door"}


def _client(app: Flask, who: object) -> FlaskClient:
    client = app.test_client()
    sign_in_as(client, who)  # type: ignore[arg-type]
    return client


def _html(response) -> str:  # type: ignore[no-untyped-def]
    html = response.get_data(as_text=True)
    return html


def _count(app: Flask) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Employer)) or 0


def _risk_form(pdf: bytes | None, name: str = "risk.pdf") -> dict[str, object]:
    today = date.today()
    form: dict[str, object] = {"risk_checked_on": today.isoformat(), "risk_checked_by": "Helen Carter",
                               "risk_review_due": (today + timedelta(days=365)).isoformat()}
    if pdf is not None:
        form["risk_pdf"] = (io.BytesIO(pdf), name)
    return form


def test_a_ta_adds_an_employer_and_finds_it_flagged_in_the_list(no_csrf: Flask, world: World) -> None:
    ta = _client(no_csrf, world.ta)
    assert 'href="/employers/"' in _html(ta.get("/staff/"))
    assert "Add an employer or provider" in _html(ta.get("/employers/new"))
    added = ta.post("/employers/new", data=FULL_FORM)
    assert added.status_code == 302
    page = _html(ta.get(added.headers["Location"]))
    assert "Zed Widgets is added to the directory." in page
    for typed in ("4 Mill Road", "Jo Bloggs", "01234 567890", "jo@zed.example", "Steel toe-cap boots",
                  "Buzz at the side door"):
        assert typed in page
    assert re.search(r'name="sector" value="warehouse" checked', page)
    assert re.search(r'name="step_free" value="on" checked', page)
    assert "Risk assessment overdue: none is recorded yet." in page
    listing = _html(ta.get("/employers/"))
    card = listing[listing.index("Zed Widgets"):]
    assert "Risk assessment overdue" in card and "warehouse" in card and "Jo Bloggs" in card
    # The employer's and contact's names are read aloud privately, never into the public audio folder.
    assert names_in_public_speech(no_csrf, page + listing, ("Zed", "Widgets", "Bloggs")) == []


def test_the_careers_leader_keeps_it_but_another_school_cannot_see_it(no_csrf: Flask, world: World) -> None:
    with no_csrf.app_context():
        employer = make_employer(db.session(), world.school.id, "Zed Widgets")
        db.session().commit()
        employer_id = employer.id
    admin = _client(no_csrf, world.admin)
    assert 'href="/employers/"' in _html(admin.get("/staff/"))
    assert admin.post(f"/employers/{employer_id}", data={**FULL_FORM, "phone": "07000 000000"}).status_code == 302
    assert "07000 000000" in _html(admin.get(f"/employers/{employer_id}"))
    elsewhere = _client(no_csrf, world.other_school_admin)
    assert elsewhere.get(f"/employers/{employer_id}").status_code == 404
    assert elsewhere.post(f"/employers/{employer_id}/switch-off").status_code == 404
    assert "Zed Widgets" not in _html(elsewhere.get("/employers/"))
    for outsider in (world.parent, world.learner):
        client = _client(no_csrf, outsider)
        assert client.get("/employers/").status_code == 403
        assert client.get(f"/employers/{employer_id}").status_code == 403
        assert client.post("/employers/new", data=FULL_FORM).status_code == 403
    assert _count(no_csrf) == 1


def test_bad_input_comes_back_with_what_was_typed(no_csrf: Flask, world: World) -> None:
    ta = _client(no_csrf, world.ta)
    refused = ta.post("/employers/new", data={**FULL_FORM, "email": "jo at zed"})
    assert refused.status_code == 400
    html = _html(refused)
    assert "That email address does not look right." in html
    assert 'value="jo at zed"' in html and 'value="Zed Widgets"' in html and "Buzz at the side door" in html
    assert re.search(r'name="step_free" value="on" checked', html)
    no_name = ta.post("/employers/new", data={**FULL_FORM, "name": "  "})
    assert no_name.status_code == 400 and "Please give the employer or provider a name." in _html(no_name)
    assert _count(no_csrf) == 0


def test_pressing_add_twice_makes_one_employer(no_csrf: Flask, world: World) -> None:
    ta = _client(no_csrf, world.ta)
    assert ta.post("/employers/new", data=FULL_FORM).status_code == 302
    again = ta.post("/employers/new", data=FULL_FORM)
    assert again.status_code == 400
    assert "There is already an employer called ‘Zed Widgets’" in _html(again)
    assert _count(no_csrf) == 1


def test_adding_needs_the_csrf_token(app: Flask, world: World) -> None:
    ta = _client(app, world.ta)
    assert ta.post("/employers/new", data=FULL_FORM).status_code == 400
    assert _count(app) == 0


def test_hostile_text_round_trips_escaped(no_csrf: Flask, world: World) -> None:
    hostile: dict[str, str] = json.loads((FIXTURES / "hostile_text.json").read_text(encoding="utf-8"))
    ta = _client(no_csrf, world.ta)
    for key, text in hostile.items():
        form = {**FULL_FORM, "name": f"{key} {text}", "contact_name": text, "address": text, "access_notes": text,
                "what_to_wear": text, "email": "", "phone": ""}
        added = ta.post("/employers/new", data=form)
        if len(text) > employers_service.MAX_ADDRESS:  # refused with the limit named, never cut and kept
            assert added.status_code == 400 and "Please use 200 letters or fewer." in _html(added), key
            continue
        assert added.status_code == 302, key
        page = _html(ta.get(added.headers["Location"]))
        listing = _html(ta.get("/employers/?q=" + key))
        for html in (page, listing):
            assert "<script>alert" not in html and 'onmouseover="alert' not in html and "test-secret" not in html
            assert "\x00" not in html
        if key in {"script", "emoji_and_accents", "right_to_left", "sql"}:
            assert text.replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;") in page, key
    assert _count(no_csrf) == len([text for text in hostile.values() if len(text) <= employers_service.MAX_ADDRESS])


def test_a_risk_pdf_is_served_privately_and_replaced(no_csrf: Flask, world: World) -> None:
    with no_csrf.app_context():
        employer_id = make_employer(db.session(), world.school.id, "Zed Widgets").id
        db.session().commit()
    ta = _client(no_csrf, world.ta)
    assert ta.post(f"/employers/{employer_id}/risk", data=_risk_form(real_pdf("first"))).status_code == 302
    html = _html(ta.get(f"/employers/{employer_id}"))
    assert "Risk assessment in date until" in html and "Open the risk assessment (PDF)" in html
    assert "Risk assessment overdue" not in html
    served = ta.get(f"/employers/{employer_id}/risk.pdf")
    assert served.status_code == 200 and served.mimetype == "application/pdf"
    assert served.get_data() == real_pdf("first")
    assert "private" in served.headers["Cache-Control"] and served.headers["X-Content-Type-Options"] == "nosniff"
    with no_csrf.app_context():
        first_key = db.session().get(Employer, employer_id).risk_pdf.key
    assert ta.post(f"/employers/{employer_id}/risk", data=_risk_form(real_pdf("second"))).status_code == 302
    assert ta.get(f"/employers/{employer_id}/risk.pdf").get_data() == real_pdf("second")
    with no_csrf.app_context():
        assert not media_store().exists(first_key)
        assert db.session().scalar(select(func.count()).select_from(MediaFile)) == 1
    assert _client(no_csrf, world.other_school_admin).get(f"/employers/{employer_id}/risk.pdf").status_code == 404
    assert _client(no_csrf, world.parent).get(f"/employers/{employer_id}/risk.pdf").status_code == 403


def test_a_file_that_is_not_a_pdf_is_refused_on_the_page(no_csrf: Flask, world: World) -> None:
    with no_csrf.app_context():
        employer_id = make_employer(db.session(), world.school.id, "Zed Widgets").id
        db.session().commit()
    ta = _client(no_csrf, world.ta)
    for name in ("not_an_image.jpg", "script.svg", "truncated.jpg"):
        refused = ta.post(f"/employers/{employer_id}/risk", data=_risk_form(fixture_bytes(name), name))
        assert refused.status_code == 400
        html = _html(refused)
        assert "That file is not a PDF" in html or "cut off" in html
        assert 'value="Helen Carter"' in html  # what was typed stays
    with no_csrf.app_context():
        assert db.session().scalar(select(func.count()).select_from(MediaFile)) == 0
        assert db.session().get(Employer, employer_id).risk_review_due is None
    assert ta.get(f"/employers/{employer_id}/risk.pdf").status_code == 404


def test_merging_a_duplicate_moves_its_activities(no_csrf: Flask, world: World) -> None:
    with no_csrf.app_context():
        session = db.session()
        kept = make_employer(session, world.school.id, "Zed Widgets Ltd")
        duplicate = make_employer(session, world.school.id, "Zed Widgets", contact_name="Jo Bloggs")
        make_activity(session, duplicate, date.today() + timedelta(days=3), title="Forklift safety talk")
        session.commit()
        kept_id, duplicate_id = kept.id, duplicate.id
    ta = _client(no_csrf, world.ta)
    page = _html(ta.get(f"/employers/{duplicate_id}"))
    assert f'<option value="{kept_id}">Zed Widgets Ltd</option>' in page and "Forklift safety talk" in page
    itself = ta.post(f"/employers/{duplicate_id}/merge", data={"into": str(duplicate_id)})
    assert itself.status_code == 400 and "cannot be merged into itself" in _html(itself)
    merged = ta.post(f"/employers/{duplicate_id}/merge", data={"into": str(kept_id)})
    assert merged.status_code == 302 and merged.headers["Location"] == f"/employers/{kept_id}"
    kept_page = _html(ta.get(f"/employers/{kept_id}"))
    assert "Forklift safety talk" in kept_page and "Jo Bloggs" in kept_page
    assert "Workplace visit" in kept_page
    listing = _html(ta.get("/employers/"))
    switched_off = listing[listing.index("Switched off (1)"):]
    assert "Zed Widgets" in switched_off and "Merged into Zed Widgets Ltd" in switched_off
    old_page = _html(ta.get(f"/employers/{duplicate_id}"))
    assert "It is merged into Zed Widgets Ltd." in old_page and 'id="merge-form"' not in old_page
    assert _count(no_csrf) == 2


def test_switching_off_and_on(no_csrf: Flask, world: World) -> None:
    with no_csrf.app_context():
        employer_id = make_employer(db.session(), world.school.id, "Zed Widgets").id
        db.session().commit()
    ta = _client(no_csrf, world.ta)
    assert ta.post(f"/employers/{employer_id}/switch-off").status_code == 302
    listing = _html(ta.get("/employers/"))
    assert "Zed Widgets" in listing[listing.index("Switched off (1)"):]
    assert 'id="switch-on"' in _html(ta.get(f"/employers/{employer_id}"))
    assert ta.post(f"/employers/{employer_id}/switch-on").status_code == 302
    assert "Switched off" not in _html(ta.get("/employers/"))


def test_there_is_no_delete(no_csrf: Flask, world: World) -> None:
    with no_csrf.app_context():
        employer_id = make_employer(db.session(), world.school.id, "Zed Widgets").id
        db.session().commit()
    ta = _client(no_csrf, world.ta)
    assert ta.delete(f"/employers/{employer_id}").status_code == 405
    assert ta.post(f"/employers/{employer_id}/delete").status_code == 404
    assert _count(no_csrf) == 1
