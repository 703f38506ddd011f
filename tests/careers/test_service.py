"""Planning careers activities, marking who took part, and guidance meetings feeding the transition plan."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.careers import service as careers
from portfolio.errors import KindError
from portfolio.models import ActivityKind, Attendance, CareersActivity, Employer, NextStep, TransitionPlan, User
from portfolio.plans import service as plans
from tests.factories import World, make_learner

MONDAY = date(2026, 6, 8)


@pytest.fixture
def dbs(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session()


def _get(dbs: Session, person: User) -> User:
    found = dbs.get(User, person.id)
    assert found is not None
    return found


def _employer(dbs: Session, world: World, name: str = "Oak Lane Farm Shop", **extra: object) -> Employer:
    employer = Employer(school_id=world.school.id, name=name, risk_review_due=MONDAY + timedelta(days=100), **extra)
    dbs.add(employer)
    dbs.flush()
    return employer


def _plan(dbs: Session, actor: User, learner_ids: list[int], **changes: object) -> list[CareersActivity]:
    arguments: dict = dict(
        school_id=actor.school_id, kind="placement", title="Spring placement", employer_id=None, starts_on=MONDAY,
        ends_on=MONDAY + timedelta(days=4), days=None, learner_ids=learner_ids, benchmarks=None,
        benchmarks_reason="", adviser_name="", adviser_level="", notes="",
    )
    arguments.update(changes)
    return careers.plan_activity(dbs, actor, **arguments)


def test_a_placement_for_ticked_learners_takes_the_kinds_benchmarks_and_its_working_days(
        dbs: Session, world: World) -> None:
    ta = _get(dbs, world.ta)
    friend = make_learner(dbs, world.school, world.group, "cat", "Leo Khan")
    employer = _employer(dbs, world)
    [activity] = _plan(dbs, ta, [world.learner.id, friend.id], employer_id=employer.id,
                       ends_on=MONDAY + timedelta(days=6))  # Monday to the next Sunday: five working days
    assert activity.benchmarks == [5, 6]
    assert activity.benchmarks_reason == ""
    assert activity.days == 5.0
    assert activity.employer_id == employer.id
    assert sorted(p.learner_id for p in activity.participants) == sorted([world.learner.id, friend.id])
    assert all(p.attendance == Attendance.PLANNED.value for p in activity.participants)
    assert activity.created_by_id == ta.id and activity.series_id is None


def test_planning_for_a_whole_group_adds_everyone_in_it(dbs: Session, world: World) -> None:
    ta = _get(dbs, world.ta)
    friend = make_learner(dbs, world.school, world.group, "cat", "Leo Khan")
    [activity] = _plan(dbs, ta, [], group_id=world.group.id, kind="employer-talk", ends_on=None)
    assert {p.learner_id for p in activity.participants} == {world.learner.id, friend.id}
    assert activity.days is None
    with pytest.raises(KindError, match="your own groups"):
        _plan(dbs, ta, [], group_id=world.other_group.id)


def test_a_weekly_activity_is_one_row_per_date_in_one_series(dbs: Session, world: World) -> None:
    made = _plan(dbs, _get(dbs, world.ta), [world.learner.id], kind="enterprise", ends_on=None, repeat_weekly=4)
    assert [a.starts_on for a in made] == [MONDAY + timedelta(weeks=n) for n in range(4)]
    assert len({a.series_id for a in made}) == 1 and made[0].series_id is not None
    assert all(len(a.participants) == 1 for a in made)


def test_changing_the_benchmarks_needs_a_reason(dbs: Session, world: World) -> None:
    ta = _get(dbs, world.ta)
    with pytest.raises(KindError, match="Please say why"):
        _plan(dbs, ta, [world.learner.id], benchmarks=[6])
    [kept] = _plan(dbs, ta, [world.learner.id], benchmarks=[6, 5])  # the usual ones, in any order
    assert kept.benchmarks == [5, 6] and kept.benchmarks_reason == ""
    [changed] = _plan(dbs, ta, [world.learner.id], title="In the school kitchen", benchmarks=[6],
                      benchmarks_reason="No employer is there: the school's own kitchen.")
    assert changed.benchmarks == [6]
    assert changed.benchmarks_reason.startswith("No employer")
    with pytest.raises(KindError, match="5, 6, 7 or 8"):
        _plan(dbs, ta, [world.learner.id], benchmarks=[3], benchmarks_reason="why not")


def test_learners_must_be_the_schools_and_a_tas_own(dbs: Session, world: World) -> None:
    ta, admin = _get(dbs, world.ta), _get(dbs, world.admin)
    with pytest.raises(KindError, match="from this school"):
        _plan(dbs, ta, [world.other_school_learner.id])
    with pytest.raises(KindError, match="your own groups"):
        _plan(dbs, ta, [world.other_learner.id])
    with pytest.raises(KindError, match="from this school"):
        _plan(dbs, ta, [world.ta.id])  # a member of staff is not a learner
    [activity] = _plan(dbs, admin, [world.other_learner.id, world.learner.id])
    assert len(activity.participants) == 2
    with pytest.raises(KindError, match="Only staff of this school"):
        _plan(dbs, _get(dbs, world.other_school_admin), [world.learner.id], school_id=world.school.id)
    with pytest.raises(KindError, match="who is going"):
        _plan(dbs, ta, [])


def test_the_employer_must_be_the_schools_own_and_switched_on(dbs: Session, world: World) -> None:
    ta = _get(dbs, world.ta)
    off = _employer(dbs, world, "Closed Café", active=False)
    elsewhere = Employer(school_id=world.other_school.id, name="Hillview Bakery")
    dbs.add(elsewhere)
    dbs.flush()
    for employer in (off, elsewhere):
        with pytest.raises(KindError, match="school's list"):
            _plan(dbs, ta, [world.learner.id], employer_id=employer.id)


def test_dates_days_and_weeks_are_checked(dbs: Session, world: World) -> None:
    ta = _get(dbs, world.ta)
    with pytest.raises(KindError, match="first day"):
        _plan(dbs, ta, [world.learner.id], starts_on="")
    with pytest.raises(KindError, match="from the calendar"):
        _plan(dbs, ta, [world.learner.id], starts_on="31/02/2026")
    with pytest.raises(KindError, match="cannot be before"):
        _plan(dbs, ta, [world.learner.id], ends_on=MONDAY - timedelta(days=1))
    with pytest.raises(KindError, match="working day"):
        _plan(dbs, ta, [world.learner.id], starts_on=MONDAY + timedelta(days=5), ends_on=MONDAY + timedelta(days=6))
    with pytest.raises(KindError, match="half days"):
        _plan(dbs, ta, [world.learner.id], days="0.3")
    with pytest.raises(KindError, match="as a number"):
        _plan(dbs, ta, [world.learner.id], days="lots")
    with pytest.raises(KindError, match="up to 40 weeks"):
        _plan(dbs, ta, [world.learner.id], repeat_weekly=0)
    [weekend] = _plan(dbs, ta, [world.learner.id], starts_on=MONDAY + timedelta(days=5), ends_on=None, days="0.5")
    assert weekend.days == 0.5


def test_hostile_text_is_cleaned_and_over_long_text_refused(dbs: Session, world: World) -> None:
    [activity] = _plan(dbs, _get(dbs, world.ta), [world.learner.id], kind="guidance", title="Meet\x00ing\n" + "x" * 100,
                       adviser_name="Ann\x00 Lee", adviser_level="Level 6", notes="a\x00b" * 1000)
    assert "\x00" not in activity.title + activity.adviser_name + activity.notes
    assert activity.title == "Meet ing " + "x" * 100 and activity.notes == "a b" * 1000
    assert activity.adviser_name == "Ann  Lee"
    for field, limit, what in (("title", 200, "The name of the activity"), ("adviser_level", 60, "The adviser's level"),
                               ("notes", 4000, "The note")):
        with pytest.raises(KindError, match=f"{what} is too long. Please use {limit} letters or fewer."):
            _plan(dbs, _get(dbs, world.ta), [world.learner.id], kind="guidance", **{field: "x" * (limit + 1)})


def test_adviser_details_are_kept_only_for_guidance(dbs: Session, world: World) -> None:
    [visit] = _plan(dbs, _get(dbs, world.ta), [world.learner.id], kind="visit", adviser_name="Ann Lee")
    assert visit.adviser_name == ""


def test_pressing_plan_twice_gives_back_the_first_plan(dbs: Session, world: World) -> None:
    ta = _get(dbs, world.ta)
    first = _plan(dbs, ta, [world.learner.id], repeat_weekly=3)
    again = _plan(dbs, ta, [world.learner.id], repeat_weekly=3)
    assert [a.id for a in again] == [a.id for a in first]
    assert len(dbs.scalars(select(CareersActivity)).all()) == 3
    other = _plan(dbs, ta, [world.learner.id], title="Another placement")
    assert other[0].id not in {a.id for a in first}


def test_marking_attendance(dbs: Session, world: World) -> None:
    ta, admin, other_ta = _get(dbs, world.ta), _get(dbs, world.admin), _get(dbs, world.other_ta)
    [activity] = _plan(dbs, admin, [world.learner.id, world.other_learner.id])
    changed = careers.mark_attendance(dbs, ta, activity, {world.learner.id: Attendance.ATTENDED},
                                      today=MONDAY)
    assert changed == 1
    mine = next(p for p in activity.participants if p.learner_id == world.learner.id)
    assert mine.attendance == "attended" and mine.marked_by_id == ta.id and mine.marked_at is not None
    assert careers.mark_attendance(dbs, ta, activity, {world.learner.id: "attended"}) == 0
    with pytest.raises(KindError, match="learners you support"):
        careers.mark_attendance(dbs, other_ta, activity, {world.learner.id: "absent"})
    with pytest.raises(KindError, match="Going, Took part"):
        careers.mark_attendance(dbs, ta, activity, {world.learner.id: "maybe"})
    with pytest.raises(KindError, match="not happened yet"):
        careers.mark_attendance(dbs, ta, activity, {world.learner.id: "attended"}, today=MONDAY - timedelta(days=1))
    careers.cancel_activity(dbs, ta, activity)
    with pytest.raises(KindError, match="cancelled"):
        careers.mark_attendance(dbs, ta, activity, {world.learner.id: "absent"})


def _guidance(dbs: Session, world: World) -> CareersActivity:
    [meeting] = _plan(dbs, _get(dbs, world.ta), [world.learner.id], kind="guidance", ends_on=None,
                      adviser_name="Ann Lee", adviser_level="Level 6 in careers guidance")
    return meeting


def test_guidance_actions_become_next_steps_on_the_latest_plan(dbs: Session, world: World) -> None:
    learner, ta = _get(dbs, world.learner), _get(dbs, world.ta)
    plans.start_year(dbs, learner, 9)
    current = plans.start_year(dbs, learner, 10)
    participant = _guidance(dbs, world).participants[0]
    actions = [("Sam and Dad", "Visit the college open day", "2027-03-01"), ("", "", ""),
               ("Priya", "Find a placement with animals", date(2027, 1, 15))]
    added = careers.record_guidance(dbs, ta, participant, "Sam wants to work\x00 with animals.", actions)
    assert [(s.who, s.what, s.by_when) for s in added] == [
        ("Sam and Dad", "Visit the college open day", date(2027, 3, 1)),
        ("Priya", "Find a placement with animals", date(2027, 1, 15)),
    ]
    assert all(step.plan_id == current.id for step in added)
    assert participant.discussed == "Sam wants to work  with animals."
    assert participant.attendance == Attendance.ATTENDED.value  # recording the meeting means it happened
    assert careers.record_guidance(dbs, ta, participant, "Again", actions) == []  # a second press adds nothing
    assert len(dbs.scalars(select(NextStep)).all()) == 2


def test_guidance_without_a_plan_asks_for_the_year_then_starts_it(dbs: Session, world: World) -> None:
    ta = _get(dbs, world.ta)
    participant = _guidance(dbs, world).participants[0]
    action = [("Sam", "Try a taster day", "")]
    with pytest.raises(KindError, match="no transition plan"):
        careers.record_guidance(dbs, ta, participant, "", action)
    assert careers.record_guidance(dbs, ta, participant, "Only notes", []) == []  # notes alone need no plan
    [step] = careers.record_guidance(dbs, ta, participant, "", action, year_group=11)
    plan = dbs.get(TransitionPlan, step.plan_id)
    assert plan is not None and plan.year_group == 11 and step.by_when is None
    with pytest.raises(KindError, match="a date"):
        careers.record_guidance(dbs, ta, participant, "", [("Sam", "Something", "soon")])


def test_guidance_notes_only_for_a_guidance_meeting(dbs: Session, world: World) -> None:
    [visit] = _plan(dbs, _get(dbs, world.ta), [world.learner.id], kind="visit")
    with pytest.raises(KindError, match="guidance meeting"):
        careers.record_guidance(dbs, _get(dbs, world.ta), visit.participants[0], "notes", [])


def test_upcoming_for_learner_is_this_week_without_cancelled_or_absent(dbs: Session, world: World) -> None:
    ta, learner = _get(dbs, world.ta), _get(dbs, world.learner)
    today = MONDAY
    [going_on] = _plan(dbs, ta, [learner.id], title="Started last week", starts_on=today - timedelta(days=3),
                       ends_on=today + timedelta(days=1))
    [friday] = _plan(dbs, ta, [learner.id], kind="visit", title="Friday visit", starts_on=today + timedelta(days=4),
                     ends_on=None)
    [later] = _plan(dbs, ta, [learner.id], kind="visit", title="Next month", starts_on=today + timedelta(days=30),
                    ends_on=None)
    [cancelled] = _plan(dbs, ta, [learner.id], kind="visit", title="Cancelled", starts_on=today, ends_on=None)
    careers.cancel_activity(dbs, ta, cancelled)
    [missed] = _plan(dbs, ta, [learner.id], kind="visit", title="Off sick", starts_on=today, ends_on=None)
    careers.mark_attendance(dbs, ta, missed, {learner.id: "absent"})
    [over] = _plan(dbs, ta, [learner.id], kind="visit", title="Last week", starts_on=today - timedelta(days=7),
                   ends_on=None)
    [not_mine] = _plan(dbs, _get(dbs, world.admin), [world.other_learner.id], kind="visit", starts_on=today,
                       ends_on=None)
    found = careers.upcoming_for_learner(dbs, learner, today)
    assert [a.id for a in found] == [going_on.id, friday.id]
    assert later not in found and over not in found and not_mine not in found


def test_cancelling_one_date_or_the_rest_of_a_series(dbs: Session, world: World) -> None:
    ta = _get(dbs, world.ta)
    made = _plan(dbs, ta, [world.learner.id], kind="enterprise", ends_on=None, repeat_weekly=4)
    assert careers.cancel_activity(dbs, ta, made[0]) == [made[0]]
    stamp = made[0].cancelled_at
    careers.cancel_activity(dbs, ta, made[0])
    assert made[0].cancelled_at == stamp  # cancelling twice changes nothing
    rest = careers.cancel_activity(dbs, ta, made[2], whole_series=True)
    assert {a.id for a in rest} == {made[2].id, made[3].id}
    assert made[1].cancelled_at is None
    with pytest.raises(KindError, match="your own learners"):
        careers.cancel_activity(dbs, _get(dbs, world.other_ta), made[1])


def test_activities_for_staff_and_admin(dbs: Session, world: World) -> None:
    ta, admin, other_ta = _get(dbs, world.ta), _get(dbs, world.admin), _get(dbs, world.other_ta)
    [sams] = _plan(dbs, ta, [world.learner.id], starts_on=MONDAY + timedelta(days=7), ends_on=None)
    [rubys] = _plan(dbs, admin, [world.other_learner.id], starts_on=MONDAY - timedelta(days=7), ends_on=None)
    mine = careers.activities_for(dbs, ta, MONDAY)
    assert mine.upcoming == [sams] and mine.past == []
    everything = careers.activities_for(dbs, admin, MONDAY)
    assert everything.upcoming == [sams] and everything.past == [rubys]
    assert careers.activities_for(dbs, other_ta, MONDAY).past == [rubys]
    assert careers.visible_participants(other_ta, sams) == []


def test_working_days_counts_monday_to_friday() -> None:
    assert careers.working_days(MONDAY, None) == 1
    assert careers.working_days(MONDAY, MONDAY + timedelta(days=13)) == 10
    assert careers.working_days(MONDAY + timedelta(days=5), None) == 0


def test_planning_choices_flag_overdue_risk_assessments(dbs: Session, world: World) -> None:
    _employer(dbs, world, "Checked Garage")
    overdue = _employer(dbs, world, "Overdue Bakery")
    overdue.risk_review_due = MONDAY - timedelta(days=1)
    choices = careers.planning_choices(dbs, _get(dbs, world.ta), MONDAY)
    assert [(e.name, late) for e, late in choices.employers] == [("Checked Garage", False), ("Overdue Bakery", True)]
    assert choices.overdue_names == ["Overdue Bakery"]
    assert [g.id for g in choices.groups] == [world.group.id]
    assert [p.id for p in choices.learners] == [world.learner.id]
    assert len(careers.planning_choices(dbs, _get(dbs, world.admin), MONDAY).groups) == 2
    assert ActivityKind.GUIDANCE.default_benchmarks == [8]
