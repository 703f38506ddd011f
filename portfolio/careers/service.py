"""Planned careers activities: who goes, whether they took part, and what a guidance meeting agreed.

Staff plan for the learners they support; the careers leader plans for the whole school. Taking
part is the evidence the Gatsby counts use, so attendance is kept per learner and per date.
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portfolio.employers import service as employers
from portfolio.errors import KindError
from portfolio.experiences.service import clean_line, clean_text
from portfolio.models import (
    ActivityKind,
    ActivityParticipant,
    Attendance,
    CareersActivity,
    Employer,
    Group,
    NextStep,
    Role,
    TransitionPlan,
    User,
    utcnow,
)
from portfolio.people import accounts
from portfolio.plans import service as plans
from portfolio.web.policy import can_view_activity, is_learner_of_staff

BENCHMARKS: tuple[int, ...] = (5, 6, 7, 8)
# Kinds whose length is counted in working days towards the aim of about ten days at work.
DAY_KINDS = frozenset({ActivityKind.PLACEMENT, ActivityKind.VIRTUAL_PLACEMENT, ActivityKind.INTERNSHIP})
MAX_WEEKS = 40
MAX_DAYS = 200.0
MAX_ACTIONS = 10
# A second press of "Plan it" within this time gives back the first plan instead of a copy.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class PlanningChoices:
    """What the planning form offers this person: the school's employers (with the overdue risk
    assessments flagged), the groups they may choose whole, and the learners they may tick."""

    employers: list[tuple[Employer, bool]]
    groups: list[Group]
    learners: list[User]

    @property
    def overdue_names(self) -> list[str]:
        return [employer.name for employer, overdue in self.employers if overdue]


@dataclass(frozen=True)
class ActivityLists:
    """What the careers page shows: what is coming (soonest first) and what has happened (latest first)."""

    upcoming: list[CareersActivity]
    past: list[CareersActivity]


def working_days(starts_on: date, ends_on: date | None) -> int:
    """Monday to Friday from the first to the last day, both included."""
    last = ends_on or starts_on
    return sum(1 for n in range((last - starts_on).days + 1) if (starts_on + timedelta(days=n)).weekday() < 5)


def parse_day(value: date | str | None, what: str, required: bool = False) -> date | None:
    """A date from a date box; a typed mistake becomes a kind sentence, not a crash."""
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        if required:
            raise KindError(f"Please choose the {what}.")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KindError(f"Please choose the {what} from the calendar, for example 2026-06-12.") from None


def _kind(value: str) -> ActivityKind:
    try:
        return ActivityKind(value)
    except ValueError:
        raise KindError("Please choose what kind of activity this is.") from None


def _days(value: float | str | None, kind: ActivityKind, starts_on: date, ends_on: date | None) -> float | None:
    if value is not None and str(value).strip():
        try:
            days = float(str(value).strip())
        except ValueError:
            raise KindError("Please give the number of days as a number, such as 5 or 2.5.") from None
        if not 0 < days <= MAX_DAYS or days * 2 != int(days * 2):
            raise KindError("Please give the days in whole or half days, up to 200.")
        return days
    if kind not in DAY_KINDS:
        return None
    counted = working_days(starts_on, ends_on)
    if counted == 0:
        raise KindError("A placement needs at least one working day. Please give the number of days.")
    return float(counted)


def _benchmarks(kind: ActivityKind, chosen: Sequence[int] | None, reason: str) -> tuple[list[int], str]:
    """The kind's benchmarks unless staff changed them, which needs a reason that an inspector can read."""
    defaults = sorted(kind.default_benchmarks)
    if chosen is None:
        return defaults, ""
    picked = sorted({int(b) for b in chosen})
    if any(b not in BENCHMARKS for b in picked):
        raise KindError("Please choose benchmarks 5, 6, 7 or 8.")
    reason = clean_text(reason, 1000, what="the reason")
    if picked == defaults:
        return picked, ""
    if not reason:
        raise KindError("You changed the benchmarks this activity counts for. Please say why.")
    return picked, reason


def _employer(session: Session, school_id: int, employer_id: int | None) -> Employer | None:
    if employer_id is None:
        return None
    employer = next((e for e in employers.choices(session, school_id) if e.id == employer_id), None)
    if employer is None:
        raise KindError("Please choose an employer or provider from the school's list.")
    return employer


def learners_for_group(session: Session, actor: User, group_id: int) -> list[User]:
    """The active learners of one group, if the actor may plan for that group."""
    group = session.get(Group, group_id)
    if group is None or group.school_id != actor.school_id:
        raise KindError("Please choose one of the school's groups.")
    if actor.role_enum is not Role.ADMIN and all(g.id != group.id for g in actor.staff_groups):
        raise KindError("You can only choose your own groups.")
    return sorted((p for p in group.learners if p.active and p.role_enum is Role.LEARNER),
                  key=lambda p: p.display_name)


def _learners(session: Session, actor: User, school_id: int, learner_ids: Sequence[int],
              group_id: int | None) -> list[User]:
    if actor.school_id != school_id or actor.role_enum not in {Role.STAFF, Role.ADMIN}:
        raise KindError("Only staff of this school can plan its activities.")
    chosen: dict[int, User] = {}
    if group_id is not None:
        chosen.update((p.id, p) for p in learners_for_group(session, actor, group_id))
    for learner_id in dict.fromkeys(learner_ids):
        person = session.get(User, learner_id)
        if person is None or person.school_id != school_id or person.role_enum is not Role.LEARNER:
            raise KindError("Please choose learners from this school.")
        if not is_learner_of_staff(actor, person):
            raise KindError("You can only plan for learners in your own groups.")
        chosen[person.id] = person
    if not chosen:
        raise KindError("Please choose who is going: a whole group or some learners.")
    return sorted(chosen.values(), key=lambda p: p.display_name)


def _same_plan_again(session: Session, actor: User, fields: dict, learner_ids: set[int]) -> list[CareersActivity]:
    """The activities of a plan this person has only just made with exactly these details."""
    first = session.scalars(
        select(CareersActivity).where(
            CareersActivity.school_id == fields["school_id"], CareersActivity.created_by_id == actor.id,
            CareersActivity.kind == fields["kind"], CareersActivity.title == fields["title"],
            CareersActivity.starts_on == fields["starts_on"], CareersActivity.cancelled_at.is_(None),
            CareersActivity.created_at >= utcnow() - DOUBLE_SUBMIT_WINDOW,
        ).order_by(CareersActivity.id.desc()).limit(1)
    ).first()
    if first is None or first.employer_id != fields["employer_id"]:
        return []
    if {p.learner_id for p in first.participants} != learner_ids:
        return []
    if first.series_id is None:
        return [first]
    return list(session.scalars(select(CareersActivity).where(CareersActivity.series_id == first.series_id)
                                .order_by(CareersActivity.starts_on)))


def plan_activity(session: Session, actor: User, school_id: int, kind: str, title: str, employer_id: int | None,
                  starts_on: date | str | None, ends_on: date | str | None, days: float | str | None,
                  learner_ids: Sequence[int], benchmarks: Sequence[int] | None, benchmarks_reason: str,
                  adviser_name: str, adviser_level: str, notes: str, repeat_weekly: int = 1,
                  group_id: int | None = None) -> list[CareersActivity]:
    """Plan one activity, or one per week for ``repeat_weekly`` weeks sharing a series, for the chosen learners.

    ``benchmarks=None`` takes the kind's defaults; ``group_id`` adds a whole group to ``learner_ids``.
    Pressing the button twice gives back the activities the first press made.
    """
    activity_kind = _kind(kind)
    first_day = parse_day(starts_on, "first day", required=True)
    last_day = parse_day(ends_on, "last day")
    assert first_day is not None
    if last_day is not None and last_day < first_day:
        raise KindError("The last day cannot be before the first day.")
    if not 1 <= repeat_weekly <= MAX_WEEKS:
        raise KindError(f"An activity can repeat every week for up to {MAX_WEEKS} weeks.")
    employer = _employer(session, school_id, employer_id)
    chosen, reason = _benchmarks(activity_kind, benchmarks, benchmarks_reason)
    guidance = activity_kind is ActivityKind.GUIDANCE
    fields = dict(
        school_id=school_id, kind=activity_kind.value, employer_id=employer.id if employer else None,
        title=clean_line(title, 200, what="the name of the activity") or _default_title(activity_kind, employer),
        starts_on=first_day,
        days=_days(days, activity_kind, first_day, last_day), benchmarks=chosen, benchmarks_reason=reason,
        adviser_name=clean_line(adviser_name, 120, what="the adviser's name") if guidance else "",
        adviser_level=clean_line(adviser_level, 60, what="the adviser's level") if guidance else "",
        notes=clean_text(notes, 4000, what="the note"),
    )
    learners = _learners(session, actor, school_id, learner_ids, group_id)
    again = _same_plan_again(session, actor, fields, {p.id for p in learners})
    if again:
        return again
    series = str(uuid.uuid4()) if repeat_weekly > 1 else None
    made = []
    for week in range(repeat_weekly):
        shift = timedelta(weeks=week)
        activity = CareersActivity(**fields, created_by_id=actor.id, series_id=series)
        activity.starts_on = first_day + shift
        activity.ends_on = last_day + shift if last_day else None
        activity.participants = [ActivityParticipant(school_id=school_id, learner_id=p.id) for p in learners]
        session.add(activity)
        made.append(activity)
    session.flush()
    return made


def _default_title(kind: ActivityKind, employer: Employer | None) -> str:
    return f"{kind.label} at {employer.name}"[:200] if employer else kind.label


def planning_choices(session: Session, actor: User, today: date) -> PlanningChoices:
    groups = (accounts.groups_in_school(session, actor.school_id) if actor.role_enum is Role.ADMIN
              else sorted(actor.staff_groups, key=lambda g: g.name))
    return PlanningChoices(
        employers=[(e, e.risk_overdue(today)) for e in employers.choices(session, actor.school_id)],
        groups=list(groups),
        learners=[p for p in accounts.learners_for(session, actor) if p.active],
    )


def activities_for(session: Session, actor: User, today: date) -> ActivityLists:
    """The activities this person may see: the admin all of the school's, staff those of their learners."""
    found = session.scalars(
        select(CareersActivity).where(CareersActivity.school_id == actor.school_id)
        .options(selectinload(CareersActivity.participants).selectinload(ActivityParticipant.learner),
                 selectinload(CareersActivity.employer))
        .order_by(CareersActivity.starts_on, CareersActivity.id)
    )
    visible = [a for a in found if can_view_activity(actor, a)]
    upcoming = [a for a in visible if a.last_day >= today]
    past = [a for a in reversed(visible) if a.last_day < today]
    return ActivityLists(upcoming, past)


def visible_participants(actor: User, activity: CareersActivity) -> list[ActivityParticipant]:
    """Whose names this person may see on an activity: staff their own learners, the admin everyone,
    a learner themselves and a parent their own child."""
    if actor.role_enum in {Role.STAFF, Role.ADMIN}:
        return [p for p in activity.participants if is_learner_of_staff(actor, p.learner)]
    if actor.role_enum is Role.PARENT:
        children = {c.id for c in actor.children}
        return [p for p in activity.participants if p.learner_id in children]
    return [p for p in activity.participants if p.learner_id == actor.id]


def mark_attendance(session: Session, actor: User, activity: CareersActivity,
                    marks: Mapping[int, Attendance | str], today: date | None = None) -> int:
    """Record who took part. Only the learners this person supports can be marked; returns how many changed."""
    if activity.cancelled_at is not None:
        raise KindError("This activity was cancelled, so nobody can be marked as taking part.")
    by_learner = {p.learner_id: p for p in activity.participants}
    changed = 0
    for learner_id, value in marks.items():
        participant = by_learner.get(learner_id)
        if participant is None or not is_learner_of_staff(actor, participant.learner):
            raise KindError("You can only mark the learners you support who are on this activity.")
        try:
            attendance = Attendance(value)
        except ValueError:
            raise KindError("Please choose Going, Took part or Did not take part.") from None
        if attendance is Attendance.ATTENDED and today is not None and activity.starts_on > today:
            raise KindError("This activity has not happened yet, so nobody can have taken part.")
        if participant.attendance != attendance.value:
            participant.attendance = attendance.value
            participant.marked_by_id = actor.id
            participant.marked_at = utcnow()
            changed += 1
    session.flush()
    return changed


def _plan_for_steps(session: Session, learner: User, year_group: int | None) -> TransitionPlan:
    """The learner's current transition plan year: the latest one, or the year staff choose to start."""
    if year_group:
        return plans.start_year(session, learner, year_group)
    existing = plans.plans_for(session, learner)
    if existing:
        return existing[-1]
    raise KindError("This learner has no transition plan yet. Please choose their school year to start one.")


def record_guidance(session: Session, actor: User, participant: ActivityParticipant, discussed: str,
                    actions: Sequence[tuple[str, str, str | date | None]],
                    year_group: int | None = None) -> list[NextStep]:
    """Keep what a personal guidance meeting talked about; each agreed action becomes a next step
    (who, what, by when) on the learner's transition plan, so it is followed up at the review.

    Recording the meeting means it happened, so a learner still marked "Going" is marked as taking part.
    A second press adds no action twice.
    """
    activity = participant.activity
    if activity.kind_enum is not ActivityKind.GUIDANCE:
        raise KindError("Only a personal guidance meeting has notes and actions.")
    if activity.cancelled_at is not None:
        raise KindError("This meeting was cancelled.")
    rows = [(clean_line(who, 120, what="who will do it"), clean_line(what, 300, what="what they will do"),
             _when_text(when)) for who, what, when in actions]
    rows = [row for row in rows if any(row)]
    if len(rows) > MAX_ACTIONS:
        raise KindError(f"Please agree at most {MAX_ACTIONS} actions at one meeting.")
    participant.discussed = clean_text(discussed, 4000, what="what was discussed")
    if participant.attendance == Attendance.PLANNED.value:
        participant.attendance = Attendance.ATTENDED.value
        participant.marked_by_id, participant.marked_at = actor.id, utcnow()
    added: list[NextStep] = []
    if rows:
        plan = _plan_for_steps(session, participant.learner, year_group)
        for who, what, when in rows:
            if any(s.who == who and s.what == what and _when_text(s.by_when) == when for s in plan.next_steps):
                continue
            added.append(plans.add_next_step(plan, who, what, when))
    session.flush()
    return added


def _when_text(value: str | date | None) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return (value or "").strip()


def upcoming_for_learner(session: Session, learner: User, today: date, days: int = 7) -> list[CareersActivity]:
    """The learner's activities from today to ``days`` ahead (one going on now included), soonest first.
    Cancelled ones and ones the learner is not taking part in are left out."""
    found = session.scalars(
        select(CareersActivity).join(ActivityParticipant)
        .where(ActivityParticipant.learner_id == learner.id,
               ActivityParticipant.attendance != Attendance.ABSENT.value,
               CareersActivity.cancelled_at.is_(None),
               CareersActivity.starts_on <= today + timedelta(days=days))
        .options(selectinload(CareersActivity.employer))
        .order_by(CareersActivity.starts_on, CareersActivity.id)
    )
    return [a for a in found if a.last_day >= today]


def cancel_activity(session: Session, actor: User, activity: CareersActivity, whole_series: bool = False,
                    ) -> list[CareersActivity]:
    """Cancel an activity (kept, so the record shows it was planned), or it and the later dates of its series."""
    chosen = [activity]
    if whole_series and activity.series_id:
        chosen = list(session.scalars(
            select(CareersActivity).where(CareersActivity.series_id == activity.series_id,
                                          CareersActivity.school_id == activity.school_id,
                                          CareersActivity.starts_on >= activity.starts_on)))
    if any(not can_view_activity(actor, a) for a in chosen) or actor.role_enum not in {Role.STAFF, Role.ADMIN}:
        raise KindError("You can only cancel activities for your own learners.")
    now = utcnow()
    for each in chosen:
        if each.cancelled_at is None:
            each.cancelled_at = now
    session.flush()
    return chosen
