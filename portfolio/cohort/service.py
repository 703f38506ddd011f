"""The cohort grid: one row per current learner with their benchmark counts, review pack and gaps in words.

Everything is worked out for many learners at once in a fixed number of queries (learners with their
records and groups, packs, last entries, and the bulk evidence counts), so a school of 300 stays quick.
The reports package builds its figures from these same rows, so the grid and the report cannot differ.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portfolio.careers.evidence import LearnerEvidence, days_words, learners_evidence
from portfolio.models import (
    Experience,
    ExperienceStatus,
    Group,
    LearnerRecord,
    NeedArea,
    ReviewPack,
    ReviewStatus,
    Role,
    User,
)
from portfolio.reviews import service as annual_review
from portfolio.school_years import school_year, year_group

PACK_DUE_DAYS = 14
REVIEWS_AHEAD_DAYS = 56  # eight weeks
PAL_WINDOWS: tuple[tuple[int, int], ...] = ((8, 9), (10, 11), (12, 13))
PACK_WORDS = {"none": "No pack", "draft": "Draft", "final": "Final"}


@dataclass
class ReviewState:
    """The next annual review and where its "My views" pack is."""

    review_on: date | None
    pack: str = "none"  # none, draft or final
    pack_id: int | None = None
    due_on: date | None = None
    overdue: bool = False
    days_to_review: int | None = None

    @property
    def pack_words(self) -> str:
        return PACK_WORDS[self.pack]


@dataclass
class CohortRow:
    learner_id: int
    name: str
    group_id: int | None
    group: str
    year_group: int | None
    ehc_plan: bool
    need_area: str | None
    evidence: LearnerEvidence
    pal: int
    last_entry: date | None
    review: ReviewState
    gaps: list[str] = field(default_factory=list)

    @property
    def need_label(self) -> str:
        return NeedArea(self.need_area).label if self.need_area else "Not recorded"

    @property
    def year_label(self) -> str:
        return f"Year {self.year_group}" if self.year_group is not None else "Not known"

    def count(self, benchmark: int, this_year: bool = False) -> int:
        return self.evidence.count(benchmark, this_year=this_year)

    def has_gap(self, start: str) -> bool:
        return any(start in gap for gap in self.gaps)


@dataclass(frozen=True)
class GridFilters:
    group_id: int | None = None
    year_group: int | None = None
    ehc: bool | None = None
    need_area: str | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.group_id, self.year_group, self.ehc, self.need_area))


@dataclass
class Grid:
    rows: list[CohortRow]
    filters: GridFilters
    sort: str
    direction: str
    groups: list[Group]
    year_groups: list[int]
    today: date


def _none_last(value: Any) -> tuple[bool, Any]:
    return (value is None, value if value is not None else 0)


SORTS: dict[str, Callable[[CohortRow], Any]] = {
    "name": lambda r: r.name.lower(),
    "group": lambda r: r.group.lower(),
    "year": lambda r: _none_last(r.year_group),
    "ehc": lambda r: r.ehc_plan,
    "need": lambda r: r.need_label,
    "b5": lambda r: r.count(5, True),
    "b5_all": lambda r: r.count(5),
    "b6": lambda r: r.count(6, True),
    "b6_all": lambda r: r.count(6),
    "days": lambda r: r.evidence.days_this_year,
    "days_all": lambda r: r.evidence.days_total,
    "b7": lambda r: r.count(7, True),
    "b7_all": lambda r: r.count(7),
    "pal": lambda r: r.pal,
    "b8": lambda r: r.count(8, True),
    "b8_all": lambda r: r.count(8),
    "last_entry": lambda r: _none_last(r.last_entry),
    "review": lambda r: _none_last(r.review.review_on),
    "pack": lambda r: ("none", "draft", "final").index(r.review.pack),
    "gaps": lambda r: len(r.gaps),
}


def _current_learners(session: Session, actor: User, as_of: date, on_roll_since: date | None = None) -> list[User]:
    """Learners on roll on ``as_of`` (or at any time since ``on_roll_since``) whom the actor works with:
    the admin sees the whole school, a TA or teacher the learners in their own groups (the same rule as
    ``policy.is_learner_of_staff``)."""
    query = (select(User).outerjoin(LearnerRecord, LearnerRecord.learner_id == User.id)
             .where(User.school_id == actor.school_id, User.role == Role.LEARNER.value,
                    or_(and_(User.active.is_(True), LearnerRecord.left_on.is_(None)),
                        LearnerRecord.left_on >= on_roll_since if on_roll_since else LearnerRecord.left_on > as_of))
             .options(selectinload(User.group), selectinload(User.record))
             .order_by(User.display_name, User.id))
    if actor.role_enum is Role.STAFF:
        group_ids = [g.id for g in actor.staff_groups]
        query = query.where(User.group_id.in_(group_ids))
    elif actor.role_enum is not Role.ADMIN:
        return []
    return list(session.scalars(query))


def _packs(session: Session, learner_ids: list[int]) -> dict[int, list[ReviewPack]]:
    found: dict[int, list[ReviewPack]] = {i: [] for i in learner_ids}
    for pack in session.scalars(select(ReviewPack).where(ReviewPack.learner_id.in_(learner_ids))
                                .order_by(ReviewPack.created_at, ReviewPack.id)):
        found[pack.learner_id].append(pack)
    return found


def _last_entries(session: Session, learner_ids: list[int], as_of: date) -> dict[int, date]:
    """The day of each learner's latest sent entry (its own date, or the day it was made).

    Two plain MAX queries rather than one over a date expression, because SQLite and PostgreSQL
    turn timestamps into dates differently; the two answers are combined here.
    """
    sent = (Experience.learner_id.in_(learner_ids), Experience.status != ExperienceStatus.DRAFT.value)
    dated = session.execute(
        select(Experience.learner_id, func.max(Experience.start_date))
        .where(*sent, Experience.start_date.is_not(None), Experience.start_date <= as_of)
        .group_by(Experience.learner_id)
    )
    undated = session.execute(
        select(Experience.learner_id, func.max(Experience.created_at))
        .where(*sent, Experience.start_date.is_(None),
               Experience.created_at < datetime.combine(as_of + timedelta(days=1), time.min))
        .group_by(Experience.learner_id)
    )
    latest: dict[int, date] = {}
    for learner_id, value in [*dated, *undated]:
        if value is not None:
            day = value.date() if isinstance(value, datetime) else value
            latest[learner_id] = max(latest.get(learner_id, day), day)
    return latest


def review_state(record: LearnerRecord | None, packs: list[ReviewPack], today: date) -> ReviewState:
    """The pack for a review is one made in the year before the meeting; final beats draft."""
    review_on = record.annual_review_on if record else None
    if review_on is None:
        return ReviewState(None)
    since = review_on - timedelta(days=365)
    recent = [p for p in packs if p.created_at.date() > since and p.created_at.date() <= review_on]
    final = [p for p in recent if p.status == ReviewStatus.FINAL.value]
    chosen = (final or recent or [None])[-1]
    status = "none" if chosen is None else ("final" if chosen.is_final else "draft")
    due = review_on - timedelta(days=PACK_DUE_DAYS)
    return ReviewState(review_on, status, chosen.id if chosen else None, due,
                       overdue=status != "final" and due < today <= review_on,
                       days_to_review=(review_on - today).days)


def pal_count(evidence: LearnerEvidence, year_now: int | None, as_of: date) -> int:
    """Provider encounters that count for the Provider Access Legislation: up to two in each of Years
    8-9, 10-11 and 12-13, so at most six."""
    if year_now is None:
        return 0
    return sum(min(2, _window_count(evidence, year_now, as_of, window)) for window in PAL_WINDOWS)


def _window_count(evidence: LearnerEvidence, year_now: int, as_of: date, window: tuple[int, int]) -> int:
    low, high = window
    return sum(1 for item in evidence.counts[7].all
               if low <= year_now - (school_year(as_of) - school_year(item.on)) <= high)


def _review_gaps(review: ReviewState) -> list[str]:
    if review.review_on is None or review.days_to_review is None or review.days_to_review < 0:
        return []
    if review.pack == "final":
        return []
    if review.overdue:
        return ["Pack overdue"]
    if review.pack == "none" and review.days_to_review <= REVIEWS_AHEAD_DAYS:
        weeks = max(1, math.ceil(review.days_to_review / 7))
        return [f"Review in {weeks} week{'s' if weeks != 1 else ''} and no pack"]
    return []


def _benchmark_gaps(evidence: LearnerEvidence, year_now: int | None, as_of: date) -> list[str]:
    """The Gatsby thresholds by year group, in words. Unknown year groups get the yearly checks only."""
    gaps = []
    if not evidence.count(5, this_year=True):
        gaps.append("No employer encounter this school year")
    if not evidence.count(6, this_year=True):
        gaps.append("No workplace experience this school year")
    if year_now is None:
        return gaps
    if year_now >= 11 and evidence.days_total < evidence.days_aim:
        gaps.append(f"{days_words(evidence.days_total).capitalize()} at work so far, short of the aim of about 10")
    for window in PAL_WINDOWS[:-1]:
        if year_now > window[1] and _window_count(evidence, year_now, as_of, window) < 2:
            gaps.append(f"Fewer than two provider encounters in Year {window[0]} or {window[1]}")
    if year_now >= 10:
        year_nine_began = date(school_year(as_of) - (year_now - 9), 9, 1)
        if not any(item.on >= year_nine_began for item in evidence.counts[8].all):
            gaps.append("No guidance meeting since Year 9")
    return gaps


def _year_group(record: LearnerRecord | None, as_of: date, today: date) -> int | None:
    """The year group on ``as_of``. A school's own choice of year is set for today, so it moves back
    one year for each school year ``as_of`` lies before today."""
    if record is None:
        return None
    override = record.year_override
    if override is not None:
        override -= school_year(today) - school_year(as_of)
    return year_group(record.date_of_birth, override, as_of)


def cohort_rows(session: Session, actor: User, as_of: date, today: date | None = None,
                on_roll_since: date | None = None) -> list[CohortRow]:
    """Every current learner the actor may see, counted up to ``as_of`` (today unless a report looks
    back at an earlier school year), in a fixed number of queries. A report passes ``on_roll_since``
    (1 September) to count those who left during the year too."""
    learners = _current_learners(session, actor, as_of, on_roll_since)
    ids = [learner.id for learner in learners]
    if not ids:
        return []
    evidence = learners_evidence(session, learners, as_of)
    packs = _packs(session, ids)
    last = _last_entries(session, ids, as_of)
    rows = []
    for learner in learners:
        record = learner.record
        year_now = _year_group(record, as_of, today or as_of)
        found = evidence[learner.id]
        review = review_state(record, packs[learner.id], as_of)
        rows.append(CohortRow(
            learner_id=learner.id, name=learner.display_name, group_id=learner.group_id,
            group=learner.group.name if learner.group else "No group", year_group=year_now,
            ehc_plan=bool(record and record.ehc_plan), need_area=record.need_area if record else None,
            evidence=found, pal=pal_count(found, year_now, as_of), last_entry=last.get(learner.id),
            review=review, gaps=_benchmark_gaps(found, year_now, as_of) + _review_gaps(review),
        ))
    return rows


def _text(value: str | None, limit: int = 40) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


def read_filters(args: dict[str, str]) -> GridFilters:
    """The grid's filters from a GET form; anything that does not fit is ignored, not refused."""
    def number(key: str) -> int | None:
        text = _text(args.get(key), 6)
        return int(text) if text.isdigit() else None

    ehc = {"yes": True, "no": False}.get(_text(args.get("ehc")))
    need = _text(args.get("need"))
    return GridFilters(group_id=number("group"), year_group=number("year"), ehc=ehc,
                       need_area=need if need in {n.value for n in NeedArea} else None)


def _keep(row: CohortRow, filters: GridFilters) -> bool:
    return ((filters.group_id is None or row.group_id == filters.group_id)
            and (filters.year_group is None or row.year_group == filters.year_group)
            and (filters.ehc is None or row.ehc_plan == filters.ehc)
            and (filters.need_area is None or row.need_area == filters.need_area))


def cohort_grid(session: Session, actor: User, today: date, filters: GridFilters, sort: str = "name",
                direction: str = "asc") -> Grid:
    """The grid page: filtered, sorted rows and the choices for the filter form."""
    sort = sort if sort in SORTS else "name"
    direction = "desc" if direction == "desc" else "asc"
    everyone = cohort_rows(session, actor, today)
    rows = sorted((r for r in everyone if _keep(r, filters)), key=lambda r: (SORTS[sort](r), r.name.lower()),
                  reverse=direction == "desc")
    if actor.role_enum is Role.ADMIN:
        groups = list(session.scalars(select(Group).where(Group.school_id == actor.school_id).order_by(Group.name)))
    else:
        groups = sorted(actor.staff_groups, key=lambda g: g.name)
    years = sorted({r.year_group for r in everyone if r.year_group is not None})
    return Grid(rows, filters, sort, direction, groups, years, today)


GRID_HEADER = (
    "Learner", "Group", "Year group", "EHC plan", "Need area",
    "Employer encounters this year", "Employer encounters in all", "Workplace experiences this year",
    "Workplace experiences in all", "Workplace days this year", "Workplace days in all",
    "Provider encounters this year", "Provider encounters in all", "Provider Access count (of 6)",
    "Guidance meetings this year", "Guidance meetings in all", "Last entry", "Next annual review",
    "My views pack", "Pack due", "Gaps",
)


def grid_csv_rows(rows: Iterable[CohortRow]) -> list[list[object]]:
    """The grid as spreadsheet rows, in the order of :data:`GRID_HEADER`."""
    return [[r.name, r.group, r.year_group, r.ehc_plan, r.need_label,
             r.count(5, True), r.count(5), r.count(6, True), r.count(6),
             r.evidence.days_this_year, r.evidence.days_total, r.count(7, True), r.count(7), r.pal,
             r.count(8, True), r.count(8), r.last_entry, r.review.review_on, r.review.pack_words,
             r.review.due_on, "; ".join(r.gaps)] for r in rows]


@dataclass
class ComingReview:
    row: CohortRow
    date_from: date
    date_to: date


def reviews_coming_up(session: Session, actor: User, today: date) -> list[ComingReview]:
    """Annual reviews in the next eight weeks, soonest first, with the range a new pack would cover."""
    learners = {learner.id: learner for learner in _current_learners(session, actor, today)}
    soon = [r for r in cohort_rows(session, actor, today)
            if r.review.review_on is not None and 0 <= (r.review.days_to_review or 0) <= REVIEWS_AHEAD_DAYS]
    soon.sort(key=lambda r: (r.review.review_on, r.name.lower()))
    coming = []
    for row in soon:
        start, end = annual_review.default_range(session, learners[row.learner_id], today)
        coming.append(ComingReview(row, start, end))
    return coming
