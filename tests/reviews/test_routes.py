"""Annual review pack pages, the PDF and the QR audio link."""
from __future__ import annotations

import io
import json
import re

from flask import Flask
from pypdf import PdfReader

from portfolio import db
from portfolio.models import Experience
from tests.conftest import FIXTURES, sign_in_as
from tests.factories import Entries, World
from tests.jobs.helpers import download_from, finished_page


def _client(app: Flask, user) -> object:  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in_as(client, user)
    return client


def _shared_day(app: Flask, entries: Entries) -> str:
    with app.app_context():
        found = db.session().get(Experience, entries.shared.id)
        assert found is not None and found.start_date is not None
        return found.start_date.isoformat()


def test_staff_prepare_and_finalise_a_pack_that_prints_and_downloads(no_csrf: Flask, world: World,
                                                                    entries: Entries) -> None:
    ta = _client(no_csrf, world.ta)
    day = _shared_day(no_csrf, entries)
    base = f"/learners/{world.learner.id}/reviews"
    made = ta.post(base, data={"date_from": day, "date_to": day})
    assert made.status_code == 302
    pack_url = made.headers["Location"]
    draft = ta.get(pack_url).get_data(as_text=True)
    assert "Work placement at Green Fingers Garden Centre" in draft
    # the family cannot see a draft
    parent = _client(no_csrf, world.parent)
    assert parent.get(pack_url).status_code == 404
    assert ta.post(f"{pack_url}/edit", data={"questions": "Can I go to college?",
                                             "working": "Travelling to the placement"}).status_code == 302
    assert ta.post(f"{pack_url}/finalise").status_code == 302
    assert ta.post(f"{pack_url}/finalise").status_code == 302  # a second tap changes nothing
    final = parent.get(pack_url).get_data(as_text=True)
    assert "Can I go to college?" in final and "Final on" in final
    token = re.search(r'/review-audio/([^"\s]+)', final)
    assert token, "a final pack shows QR links to the recordings"
    anonymous = no_csrf.test_client()
    heard = anonymous.get(f"/review-audio/{token.group(1)}")
    assert heard.status_code == 200 and heard.mimetype == "audio/mp4"
    ready = finished_page(no_csrf, parent, parent.post(f"{pack_url}/pdf"))
    assert "Your PDF is ready." in ready.get_data(as_text=True)
    pdf = download_from(parent, ready)
    assert pdf.mimetype == "application/pdf" and "attachment" in pdf.headers["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_data())).pages)
    for words in ("My views", "Sam Patel", "Green Fingers Garden Centre", "Can I go to college?",
                  "Travelling to the placement", "I watered the plants"):
        assert words in text, words
    family = parent.get(f"/family/learners/{world.learner.id}").get_data(as_text=True)
    assert "My views," in family


def test_left_out_entries_stay_out_and_hostile_text_is_inert(no_csrf: Flask, world: World,
                                                            entries: Entries) -> None:
    ta = _client(no_csrf, world.ta)
    day = _shared_day(no_csrf, entries)
    pack_url = ta.post(f"/learners/{world.learner.id}/reviews",
                       data={"date_from": day, "date_to": day}).headers["Location"]
    hostile: dict[str, str] = json.loads((FIXTURES / "hostile_text.json").read_text(encoding="utf-8"))
    # Over 3000 letters is refused with the limit named, never cut and kept.
    refused = ta.post(f"{pack_url}/edit", data={"questions": "\n".join(hostile.values())})
    assert refused.status_code == 400 and "Please use 3000 letters or fewer." in refused.get_data(as_text=True)
    ordered = [text for name, text in hostile.items() if name != "long"] + [hostile["long"][:1000]]
    saved = ta.post(f"{pack_url}/edit", data={"questions": "\n".join(ordered), "left_out": str(entries.shared.id)})
    assert saved.status_code == 302
    html = ta.get(pack_url).get_data(as_text=True)
    assert "<script>alert" not in html and "test-secret" not in html
    assert f'id="review-entry-{entries.shared.id}"' not in html
    pdf = download_from(ta, finished_page(no_csrf, ta, ta.post(f"{pack_url}/pdf")))
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert "Robert'); DROP TABLE experiences;--" in text
    assert "Green Fingers" not in text


def test_forged_or_expired_audio_links_get_a_kind_page(no_csrf: Flask) -> None:
    response = no_csrf.test_client().get("/review-audio/not-a-token")
    assert response.status_code == 410
    assert "This recording has gone" in response.get_data(as_text=True)
