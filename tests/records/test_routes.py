"""The record, leaving and destinations pages: staff who support the learner keep them; refusals
are kind, keep what was typed and save nothing."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient

from portfolio import db
from portfolio.models import Destination, LearnerRecord, User
from portfolio.school_years import school_year, year_group_for
from tests.conftest import FIXTURES, sign_in_as
from tests.factories import Entries, World
from tests.web.page_checks import names_in_public_speech

NAMES = ("Sam", "Patel", "Ruby", "Green", "Riverside")
TODAY = date.today()


def _client(app: Flask, who: User) -> FlaskClient:
    client = app.test_client()
    sign_in_as(client, who)
    return client


def _leaving_data(**extra: str) -> dict[str, str]:
    data = {"left_on": TODAY.isoformat(), "reason": "End of Year 14", "keep_in_touch": "yes", "by": "family",
            "consent_on": TODAY.isoformat(), "category": "education", "level": "2", "provider": "Riverside College"}
    data.update(extra)
    return data


def test_a_ta_keeps_the_record_and_sees_the_year_worked_out(no_csrf: Flask, world: World) -> None:
    ta = _client(no_csrf, world.ta)
    url = f"/records/learners/{world.learner.id}"
    page = ta.get(url).get_data(as_text=True)
    assert 'id="field-date_of_birth"' in page and "Main area of need" in page
    born = date(TODAY.year - 15, 1, 10)
    response = ta.post(url, data={"date_of_birth": born.isoformat(), "upn": "A123456789012", "ehc_plan": "on",
                                  "annual_review_on": (TODAY + timedelta(days=60)).isoformat(),
                                  "need_area": "communication-interaction"})
    assert response.status_code == 302
    page = ta.get(url).get_data(as_text=True)
    assert "The record is saved." in page and "A123456789012" in page
    assert f"Year group now: Year {year_group_for(born, TODAY)}" in page
    assert 'value="communication-interaction" checked' in page and 'name="ehc_plan" value="on" checked' in page
    assert names_in_public_speech(no_csrf, page, NAMES) == []


def test_a_refused_record_is_shown_again_as_typed_with_nothing_saved(no_csrf: Flask, world: World) -> None:
    ta = _client(no_csrf, world.ta)
    url = f"/records/learners/{world.learner.id}"
    response = ta.post(url, data={"date_of_birth": "2011-05-05", "upn": "B 12/34", "year_override": "12"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "only letters and numbers" in page and 'value="B 12/34"' in page and 'value="12"' in page
    with no_csrf.app_context():
        assert db.session().get(LearnerRecord, world.learner.id) is None


def test_a_clash_names_the_other_learner_only_to_someone_who_works_with_them(no_csrf: Flask, world: World) -> None:
    admin = _client(no_csrf, world.admin)
    assert admin.post(f"/records/learners/{world.other_learner.id}", data={"upn": "C1"}).status_code == 302
    refused = _client(no_csrf, world.ta).post(f"/records/learners/{world.learner.id}", data={"upn": "c1"})
    assert refused.status_code == 400 and "Ruby" not in refused.get_data(as_text=True)
    refused = admin.post(f"/records/learners/{world.learner.id}", data={"upn": "C1"})
    assert refused.status_code == 400 and "Ruby Green" in refused.get_data(as_text=True)


def test_ruby_leaves_with_consent_keeps_her_portfolio_and_is_signed_out(no_csrf: Flask, world: World,
                                                                       entries: Entries) -> None:
    ruby = _client(no_csrf, world.other_learner)
    assert ruby.get("/me/").status_code == 200
    ta = _client(no_csrf, world.other_ta)
    response = ta.post(f"/records/learners/{world.other_learner.id}/leaving", data=_leaving_data())
    assert response.status_code == 302
    page = ta.get(response.headers["Location"]).get_data(as_text=True)
    assert "Leaving is recorded" in page and "Education: Level 2 at Riverside College" in page
    assert page.count("<p>Not due yet") == 3 and "Their family agreed to keep in touch" in page
    assert names_in_public_speech(no_csrf, page, NAMES) == []
    assert ruby.get("/me/").status_code == 302  # signed out everywhere
    # Staff still open the learner page and export the portfolio.
    learner_page = ta.get(f"/staff/learners/{world.other_learner.id}")
    assert learner_page.status_code == 200 and "switched off" in learner_page.get_data(as_text=True)
    assert ta.post(f"/portability/learners/{world.other_learner.id}/export").status_code == 200
    again = ta.post(f"/records/learners/{world.other_learner.id}/leaving", data=_leaving_data())
    assert again.status_code == 400 and "already recorded" in again.get_data(as_text=True)


def test_leaving_without_consent_shows_the_follow_ups_are_not_kept(no_csrf: Flask, world: World) -> None:
    ta = _client(no_csrf, world.ta)
    data = _leaving_data(keep_in_touch="no", by="", consent_on="", category="employment", hours="30-plus",
                         level="3")
    assert ta.post(f"/records/learners/{world.learner.id}/leaving", data=data).status_code == 302
    page = ta.get(f"/records/learners/{world.learner.id}/destinations").get_data(as_text=True)
    assert page.count("<p>Not kept: no consent to keep in touch.</p>") == 3
    assert "Paid employment: 30 hours a week or more" in page
    with no_csrf.app_context():
        assert db.session().query(Destination).count() == 1


def test_a_refused_leaving_keeps_what_was_typed_and_leaves_the_learner_signed_in(no_csrf: Flask, world: World) -> None:
    sam = _client(no_csrf, world.learner)
    ta = _client(no_csrf, world.ta)
    response = ta.post(f"/records/learners/{world.learner.id}/leaving",
                       data=_leaving_data(category="education", level="", reason="Moving to Leeds"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "level of the course" in page and 'value="Moving to Leeds"' in page and 'value="education" checked' in page
    assert sam.get("/me/").status_code == 200
    with no_csrf.app_context():
        assert db.session().query(Destination).count() == 0
        assert db.session().get(User, world.learner.id).active


def test_hostile_text_is_shown_inert(no_csrf: Flask, world: World) -> None:
    hostile: dict[str, str] = json.loads((FIXTURES / "hostile_text.json").read_text(encoding="utf-8"))
    ta = _client(no_csrf, world.ta)
    text = " ".join(hostile.values())
    refused = ta.post(f"/records/learners/{world.learner.id}", data={"upn": hostile["script"]})
    assert refused.status_code == 400 and "<script>alert" not in refused.get_data(as_text=True)
    too_long = ta.post(f"/records/learners/{world.learner.id}/leaving", data=_leaving_data(reason=text))
    assert too_long.status_code == 400  # refused with the limit named, never cut and kept
    assert "Why they left is too long. Please use 200 letters or fewer." in too_long.get_data(as_text=True)
    short = " ".join(value for value in hostile.values() if len(value) < 40)[:200]
    response = ta.post(f"/records/learners/{world.learner.id}/leaving",
                       data=_leaving_data(reason=short, provider=hostile["attribute"] + hostile["null_byte"]))
    assert response.status_code == 302
    page = ta.get(f"/records/learners/{world.learner.id}/destinations").get_data(as_text=True)
    assert "<script>alert" not in page and "test-secret" not in page and '" onmouseover' not in page
    assert "\x00" not in page


def test_follow_ups_are_listed_when_due_and_recorded_from_the_destinations_page(no_csrf: Flask,
                                                                                world: World) -> None:
    ta = _client(no_csrf, world.ta)
    left = TODAY - timedelta(days=370)
    assert ta.post(f"/records/learners/{world.learner.id}/leaving",
                   data=_leaving_data(left_on=left.isoformat(), consent_on=left.isoformat())).status_code == 302
    due = ta.get("/records/follow-ups").get_data(as_text=True)
    assert "Sam Patel: 1 year after leaving" in due and "Overdue since" in due
    assert "Sam" not in _client(no_csrf, world.other_ta).get("/records/follow-ups").get_data(as_text=True)
    with no_csrf.app_context():
        first = db.session().query(Destination).filter_by(checkpoint=1).one().id
    url = f"/records/learners/{world.learner.id}/destinations/{first}"
    refused = ta.post(url, data={f"d{first}-recorded_on": TODAY.isoformat(), f"d{first}-how_found": "family",
                                 f"d{first}-category": "employment", f"d{first}-provider": "Sunrise Café"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "hours a week" in page and 'value="Sunrise Café"' in page and " open>" in page
    saved = ta.post(url, data={f"d{first}-recorded_on": TODAY.isoformat(), f"d{first}-how_found": "family",
                               f"d{first}-category": "employment", f"d{first}-hours": "16-29",
                               f"d{first}-provider": "Sunrise Café"})
    assert saved.status_code == 302
    page = ta.get(f"/records/learners/{world.learner.id}/destinations").get_data(as_text=True)
    assert "Paid employment: 16 to 29 hours a week at Sunrise Café" in page and "Spoke to the family" in page
    assert "Sam Patel" not in ta.get("/records/follow-ups").get_data(as_text=True)


def test_learners_and_families_see_nothing_of_the_record(no_csrf: Flask, world: World) -> None:
    ta = _client(no_csrf, world.ta)
    ta.post(f"/records/learners/{world.learner.id}", data={"ehc_plan": "on", "need_area": "semh", "upn": "Z9"})
    staff_page = ta.get(f"/staff/learners/{world.learner.id}").get_data(as_text=True)
    assert 'id="record-link"' in staff_page
    for who, home in ((world.learner, "/me/"), (world.parent, "/family/")):
        html = _client(no_csrf, who).get(home).get_data(as_text=True)
        # The words on the page and what is read aloud, not the signed links (whose letters are random).
        words = re.sub(r"<[^>]*>", " ", html) + " ".join(re.findall(r'data-say="([^"]*)"', html))
        assert "EHC" not in words and "Social, emotional" not in words and "Z9" not in words


def test_the_transition_plan_opens_on_the_year_the_learner_is_in(no_csrf: Flask, world: World) -> None:
    ta = _client(no_csrf, world.ta)
    plan = f"/learners/{world.learner.id}/plan"
    for year in ("9", "10", "11"):
        assert ta.post(f"{plan}/years", data={"year_group": year}).status_code == 302

    def opened() -> str:
        found = re.search(r'id="year-(\d+)"[^>]*aria-current="page"', ta.get(plan).get_data(as_text=True))
        assert found
        return found.group(1)

    assert opened() == "11"  # no record yet: the latest year
    born = date(school_year(TODAY) - 15, 9, 1)  # Year 10 this school year
    assert ta.post(f"/records/learners/{world.learner.id}", data={"date_of_birth": born.isoformat()}).status_code == 302
    assert opened() == "10"
    assert ta.post(f"/records/learners/{world.learner.id}", data={"date_of_birth": born.isoformat(),
                                                                  "year_override": "12"}).status_code == 302
    assert opened() == "11"  # Year 12 has no plan yet: the latest
    found = re.search(r'id="year-(\d+)"[^>]*aria-current', ta.get(f"{plan}?year=9").get_data(as_text=True))
    assert found and found.group(1) == "9"
