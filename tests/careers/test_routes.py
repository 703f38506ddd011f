"""The careers pages for staff, the careers leader, learners and families."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portfolio import db
from portfolio.models import (
    ActivityKind,
    ActivityParticipant,
    Attendance,
    CareersActivity,
    Employer,
    ExperienceKind,
    ExperienceStatus,
    NextStep,
    User,
)
from portfolio.plans import service as plans
from tests.conftest import sign_in_as
from tests.factories import World, make_experience
from tests.web.page_checks import names_in_public_speech

NAMES = ("Sam", "Patel", "Ruby", "Green", "Priya", "Shah", "Oak", "Lane", "Ann")


@pytest.fixture
def careers_world(app: Flask, world: World) -> dict[str, Any]:
    """An employer with an overdue risk assessment, and a placement today for Sam (planned by Priya)."""
    with app.app_context():
        session = db.session()
        employer = Employer(school_id=world.school.id, name="Oak Lane Farm Shop",
                            risk_review_due=date.today() - timedelta(days=1))
        session.add(employer)
        session.flush()
        placement = _activity(session, world, ActivityKind.PLACEMENT, [world.learner.id, world.other_learner.id],
                              employer_id=employer.id, days=1)
        session.commit()
        return {"employer_id": employer.id, "placement_id": placement.id}


def _activity(session: Any, world: World, kind: ActivityKind, learner_ids: list[int], **extra: Any) -> CareersActivity:
    activity = CareersActivity(school_id=world.school.id, kind=kind.value, title=kind.label, starts_on=date.today(),
                               benchmarks=kind.default_benchmarks, created_by_id=world.ta.id, **extra)
    activity.participants = [ActivityParticipant(school_id=world.school.id, learner_id=i) for i in learner_ids]
    session.add(activity)
    session.flush()
    return activity


def _page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    html = response.get_data(as_text=True)
    return html


def _no_names_published(app: Flask, html: str) -> None:
    assert names_in_public_speech(app, html, NAMES) == []


def _plan_form(world: World, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {"kind": "placement", "title": "Summer placement", "starts_on": "2027-06-07",
                            "ends_on": "2027-06-11", "learner": [str(world.learner.id)], "benchmarks_choice": "usual",
                            "repeat_weekly": "1"}
    form.update(changes)
    return form


def _count(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model)) or 0


def test_staff_see_their_learners_activities_and_the_admin_sees_all(
        app: Flask, client: FlaskClient, world: World, careers_world: dict, no_csrf: Flask) -> None:
    with app.app_context():
        rubys = _activity(db.session(), world, ActivityKind.VISIT, [world.other_learner.id])
        rubys.created_by_id = world.admin.id
        rubys.starts_on = date.today() - timedelta(days=3)
        db.session().commit()
        rubys_id = rubys.id
    sign_in_as(client, world.ta)
    html = _page(client, "/careers/")
    assert f'id="upcoming-activity-{careers_world["placement_id"]}"' in html
    assert f"activity-{rubys_id}" not in html
    sign_in_as(client, world.admin)
    html = _page(client, "/careers/")
    assert f'id="past-activity-{rubys_id}"' in html
    _no_names_published(app, html)


def test_the_plan_form_flags_overdue_risk_assessments(app: Flask, client: FlaskClient, world: World,
                                                        careers_world: dict) -> None:
    sign_in_as(client, world.ta)
    html = _page(client, "/careers/activities/new")
    assert "Oak Lane Farm Shop (⚠ risk assessment overdue)" in html
    assert 'id="overdue-employers"' in html and "symbols/warning.svg" in html
    assert 'value="placement" checked' in html  # a placement by default, with its benchmarks ticked
    assert 'id="benchmark-5" name="benchmark" value="5" checked' in html
    assert 'id="benchmark-8" name="benchmark" value="8">' in html
    assert "Ruby Green" not in html  # a TA ticks only their own learners
    _no_names_published(app, html)


def test_planning_creates_the_activity_and_opens_it(app: Flask, client: FlaskClient, world: World,
                                                     careers_world: dict, no_csrf: Flask) -> None:
    sign_in_as(client, world.ta)
    response = client.post("/careers/activities/new", data=_plan_form(
        world, employer_id=str(careers_world["employer_id"])))
    assert response.status_code == 302
    html = _page(client, response.headers["Location"])
    assert "The activity is planned." in html and "Summer placement" in html and "Oak Lane Farm Shop" in html
    assert "5 days at work." in html
    _no_names_published(app, html)


def test_a_double_submit_plans_once(app: Flask, client: FlaskClient, world: World, careers_world: dict,
                                    no_csrf: Flask) -> None:
    sign_in_as(client, world.ta)
    before = _count(app, CareersActivity)
    first = client.post("/careers/activities/new", data=_plan_form(world, repeat_weekly="3"))
    second = client.post("/careers/activities/new", data=_plan_form(world, repeat_weekly="3"))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(app, CareersActivity) == before + 3


def test_a_bad_date_keeps_the_form(client: FlaskClient, world: World, careers_world: dict, no_csrf: Flask) -> None:
    sign_in_as(client, world.ta)
    response = client.post("/careers/activities/new", data=_plan_form(
        world, starts_on="31/02/2027", title="Kept title", notes="Kept notes", kind="visit"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please choose the first day from the calendar" in html
    assert 'value="Kept title"' in html and "Kept notes</textarea>" in html
    assert 'value="31/02/2027"' in html
    assert f'id="learner-{world.learner.id}" name="learner" value="{world.learner.id}" checked' in html
    assert 'value="visit" checked' in html


def test_changed_benchmarks_without_a_reason_are_refused_and_kept(
        app: Flask, client: FlaskClient, world: World, careers_world: dict, no_csrf: Flask) -> None:
    sign_in_as(client, world.ta)
    before = _count(app, CareersActivity)
    response = client.post("/careers/activities/new", data=_plan_form(
        world, benchmarks_choice="chosen", benchmark=["6"]))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please say why" in html
    assert 'id="benchmark-6" name="benchmark" value="6" checked' in html
    assert 'id="benchmark-5" name="benchmark" value="5">' in html
    assert _count(app, CareersActivity) == before
    response = client.post("/careers/activities/new", data=_plan_form(
        world, benchmarks_choice="chosen", benchmark=["6"], benchmarks_reason="In the school's own café"))
    assert response.status_code == 302


def test_hostile_text_is_cleaned_and_escaped(app: Flask, client: FlaskClient, world: World, careers_world: dict,
                                             no_csrf: Flask) -> None:
    sign_in_as(client, world.ta)
    too_long = client.post("/careers/activities/new", data=_plan_form(world, title="x" * 201))
    assert too_long.status_code == 400  # refused with the limit named, never cut and kept
    assert "The name of the activity is too long. Please use 200 letters or fewer." in too_long.get_data(as_text=True)
    response = client.post("/careers/activities/new", data=_plan_form(
        world, title="<script>alert(1)</script>\x00" + "x" * 170, notes="\x00<img src=x onerror=alert(1)>",
        employer_id="not-a-number", group_id="'; DROP TABLE users;--", learner=[str(world.learner.id), "abc"]))
    assert response.status_code == 302
    html = _page(client, response.headers["Location"])
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    with app.app_context():
        saved = db.session().scalars(select(CareersActivity).order_by(CareersActivity.id.desc())).first()
        assert saved is not None and "\x00" not in saved.title + saved.notes and len(saved.title) == 196
        assert saved.employer_id is None


def test_another_schools_learner_or_a_strangers_group_gets_the_form_back(
        client: FlaskClient, world: World, careers_world: dict, no_csrf: Flask) -> None:
    sign_in_as(client, world.ta)
    response = client.post("/careers/activities/new", data=_plan_form(
        world, learner=[str(world.other_school_learner.id)]))
    assert response.status_code == 400 and "Please choose learners from this school." in response.get_data(as_text=True)
    response = client.post("/careers/activities/new", data=_plan_form(world, learner=[],
                                                                      group_id=str(world.other_group.id)))
    assert response.status_code == 400 and "your own groups" in response.get_data(as_text=True)


def test_marking_attendance_on_the_activity_page(app: Flask, client: FlaskClient, world: World,
                                                 careers_world: dict, no_csrf: Flask) -> None:
    url = f"/careers/activities/{careers_world['placement_id']}"
    sign_in_as(client, world.ta)
    html = _page(client, url)
    assert "Sam Patel" in html and "Ruby Green" not in html  # only the TA's own learner by name
    assert "1 other learner is going too." in html
    assert f'name="attendance-{world.learner.id}"' in html
    response = client.post(url + "/attendance", data={f"attendance-{world.learner.id}": "attended"})
    assert response.status_code == 302
    html = _page(client, url)
    assert "Who took part is saved." in html
    with app.app_context():
        participant = db.session().scalars(select(ActivityParticipant).where(
            ActivityParticipant.learner_id == world.learner.id)).one()
        assert participant.attendance == Attendance.ATTENDED.value
    response = client.post(url + "/attendance", data={f"attendance-{world.other_learner.id}": "absent"})
    assert response.status_code == 400
    assert "learners you support" in response.get_data(as_text=True)
    response = client.post(url + "/attendance", data={f"attendance-{world.learner.id}": "<b>"})
    assert response.status_code == 400


def test_the_learner_sees_only_themselves_with_big_targets(app: Flask, client: FlaskClient, world: World,
                                                          careers_world: dict) -> None:
    sign_in_as(client, world.learner)
    html = _page(client, f"/careers/activities/{careers_world['placement_id']}")
    assert "Ruby Green" not in html and "other learner" not in html
    assert "You are going." in html and "Sam Patel: Going." not in html
    assert 'action="/careers/activities' not in html  # nothing to change
    assert "button-learner" in html and "hear-learner" in html
    assert "button-standard" not in html.split('<main', 1)[1]
    _no_names_published(app, html)


def test_a_parent_sees_their_own_child_only(client: FlaskClient, world: World, careers_world: dict) -> None:
    sign_in_as(client, world.parent)
    html = _page(client, f"/careers/activities/{careers_world['placement_id']}")
    assert "Sam Patel: Going." in html and "Ruby Green" not in html


def test_guidance_notes_become_next_steps(app: Flask, client: FlaskClient, world: World, no_csrf: Flask) -> None:
    with app.app_context():
        session = db.session()
        meeting = _activity(session, world, ActivityKind.GUIDANCE, [world.learner.id], adviser_name="Ann Lee")
        learner = session.get(User, world.learner.id)
        assert learner is not None
        plans.start_year(session, learner, 10)
        session.commit()
        meeting_id, participant_id = meeting.id, meeting.participants[0].id
    sign_in_as(client, world.ta)
    html = _page(client, f"/careers/activities/{meeting_id}")
    assert f'id="guidance-{participant_id}"' in html and "Meeting with Sam Patel" in html
    _no_names_published(app, html)
    data = {"discussed": "Animals\x00 and plants", "who-1": "Sam", "what-1": "Go to the college open day",
            "by-when-1": "2027-03-01", "who-2": "", "what-2": "", "by-when-2": ""}
    url = f"/careers/participants/{participant_id}/guidance"
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 302  # a second press adds nothing more
    html = _page(client, f"/careers/activities/{meeting_id}")
    assert "The meeting notes are saved." in html and "Animals  and plants</textarea>" in html
    with app.app_context():
        steps = db.session().scalars(select(NextStep)).all()
        assert [(s.who, s.what, s.by_when) for s in steps] == [("Sam", "Go to the college open day", date(2027, 3, 1))]
    response = client.post(url, data={"who-1": "Sam", "what-1": "Something", "by-when-1": "next week"})
    assert response.status_code == 400 and "Please choose a date" in response.get_data(as_text=True)


def test_cancelling_an_activity(client: FlaskClient, world: World, careers_world: dict, no_csrf: Flask) -> None:
    url = f"/careers/activities/{careers_world['placement_id']}"
    sign_in_as(client, world.ta)
    assert client.post(url + "/cancel").status_code == 302
    html = _page(client, url)
    assert "This activity was cancelled." in html and 'id="attendance-form"' not in html
    assert client.post(url + "/cancel").status_code == 302  # twice is harmless
    response = client.post(url + "/attendance", data={f"attendance-{world.learner.id}": "attended"})
    assert response.status_code == 400


def _evidence_world(app: Flask, world: World) -> None:
    with app.app_context():
        session = db.session()
        talk = _activity(session, world, ActivityKind.EMPLOYER_TALK, [world.learner.id])
        talk.participants[0].attendance = Attendance.ATTENDED.value
        learner = session.get(User, world.learner.id)
        assert learner is not None
        make_experience(session, learner, learner, ExperienceStatus.WAITING, ExperienceKind.VISIT,
                        place="Riverside Vets", on=date.today())
        session.commit()


def test_the_learner_hears_their_evidence_in_plain_words(app: Flask, client: FlaskClient, world: World) -> None:
    _evidence_world(app, world)
    sign_in_as(client, world.learner)
    html = _page(client, f"/careers/learners/{world.learner.id}/evidence")
    assert "You have met 2 employers." in html and "You have been to a workplace once." in html
    assert "button-learner" in html and "No employer encounter" not in html
    _no_names_published(app, html)
    html = _page(client, f"/careers/learners/{world.learner.id}/evidence/5")
    assert "Workplace visit at Riverside Vets" in html and 'id="item-5-entry-' in html
    _no_names_published(app, html)
    _page(client, f"/careers/learners/{world.learner.id}/evidence/4", 404)


def test_the_family_sees_gaps_but_opens_only_shared_entries(app: Flask, client: FlaskClient, world: World) -> None:
    _evidence_world(app, world)
    sign_in_as(client, world.parent)
    html = _page(client, f"/careers/learners/{world.learner.id}/evidence")
    assert "Sam has met 2 employers." in html and "No personal guidance meeting yet." in html
    assert "Riverside Vets" in html and "(not shared yet)" in html and 'id="item-5-entry-' not in html
    assert 'id="item-5-activity-' in html
    _no_names_published(app, html)


def test_the_staff_learner_page_shows_the_evidence_summary(app: Flask, client: FlaskClient, world: World) -> None:
    _evidence_world(app, world)
    sign_in_as(client, world.ta)
    html = _page(client, f"/staff/learners/{world.learner.id}")
    assert 'id="evidence-summary"' in html and "Sam has met 2 employers." in html
    assert f'href="/careers/learners/{world.learner.id}/evidence/5"' in html
    assert "No personal guidance meeting yet." in html
    _no_names_published(app, html)
    html = _page(client, "/staff/")
    assert 'href="/careers/"' in html


def test_the_plan_form_needs_its_csrf_token(app: Flask, client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.ta)
    before = _count(app, CareersActivity)
    assert 'name="csrf_token"' in _page(client, "/careers/activities/new")
    assert client.post("/careers/activities/new", data=_plan_form(world)).status_code == 400
    assert _count(app, CareersActivity) == before
