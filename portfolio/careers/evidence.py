"""What a learner's careers record adds up to against the Gatsby benchmarks 5 to 8.

Two sources count: planned activities the learner took part in, and the learner's own entries
about things that were never planned as an activity (a Saturday job, a visit with the family).
An entry made from an activity is left out, because the activity already counts, so nothing is
counted twice. Every count keeps the things it counted so that anyone can open them.

The pages that only show the numbers (each person's home) use :func:`learner_summary`, which counts
most entries in the database instead, so a learner with 2,000 entries costs about what one with 10 does.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from portfolio.careers.service import working_days
from portfolio.experiences.service import headline
from portfolio.models import (
    ActivityParticipant,
    Attendance,
    CareersActivity,
    Experience,
    ExperienceKind,
    ExperienceStatus,
    LearnerRecord,
    User,
)
from portfolio.school_years import school_year, year_group

Audience = Literal["learner", "family", "staff"]
DAYS_AIM = 10.0

# Which kinds of entry (without an activity) count for which benchmark.
ENTRY_BENCHMARKS: dict[int, frozenset[str]] = {
    5: frozenset({ExperienceKind.PLACEMENT.value, ExperienceKind.VISIT.value, ExperienceKind.SHADOWING.value,
                  ExperienceKind.EMPLOYER_TALK.value, ExperienceKind.CAREERS_FAIR.value,
                  ExperienceKind.INTERNSHIP.value}),
    6: frozenset({ExperienceKind.PLACEMENT.value, ExperienceKind.VISIT.value, ExperienceKind.SHADOWING.value,
                  ExperienceKind.INTERNSHIP.value, ExperienceKind.VOLUNTEERING.value,
                  ExperienceKind.ENTERPRISE.value}),
    7: frozenset({ExperienceKind.TASTER.value}),
    8: frozenset(),
}
# Entries of these kinds are days at work, counted Monday to Friday from their first to last day.
ENTRY_DAY_KINDS = frozenset({ExperienceKind.PLACEMENT.value, ExperienceKind.INTERNSHIP.value})

TITLES: dict[int, str] = {
    5: "Meeting employers",
    6: "Experiences of workplaces",
    7: "Colleges and training providers",
    8: "Careers guidance meetings",
}
SYMBOLS: dict[int, str] = {5: "employer", 6: "kind-placement", 7: "provider", 8: "guidance"}
# The Provider Access Legislation: two provider encounters in each of these pairs of year groups.
PAL_PAIRS: tuple[tuple[int, int], ...] = ((8, 9), (10, 11), (12, 13))


@dataclass(frozen=True)
class EvidenceItem:
    """One thing that counted: a planned activity the learner took part in, or one of their entries."""

    source: Literal["activity", "entry"]
    id: int
    on: date
    title: str
    days: float = 0.0
    shared: bool = True  # an entry the family can open (activities: always)


Counted = tuple[list[int], EvidenceItem]  # the benchmarks a thing counts for, and the thing


@dataclass
class BenchmarkCount:
    benchmark: int
    this_year: list[EvidenceItem] = field(default_factory=list)
    all: list[EvidenceItem] = field(default_factory=list)
    # Counted in the database without reading the rows (a summary only; see ``learner_summary``).
    more_this_year: int = 0
    more_all: int = 0

    @property
    def title(self) -> str:
        return TITLES[self.benchmark]

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.benchmark]


@dataclass
class LearnerEvidence:
    """The learner's counts for this school year and for all their school years so far."""

    learner_id: int
    first_name: str
    school_year: int
    counts: dict[int, BenchmarkCount]
    days_this_year: float
    days_total: float
    providers_by_year: dict[int, int]
    gaps: list[str]
    days_aim: float = DAYS_AIM
    # Provider encounters in Years 8-9, 10-11 and 12-13, by the year group (from the date of birth) on
    # the day of each; empty, with ``year_group_now`` None, while the date of birth is not known.
    providers_by_pair: dict[tuple[int, int], int] = field(default_factory=dict)
    year_group_now: int | None = None

    def count(self, benchmark: int, this_year: bool = False) -> int:
        chosen = self.counts[benchmark]
        if this_year:
            return len(chosen.this_year) + chosen.more_this_year
        return len(chosen.all) + chosen.more_all

    def sentence(self, benchmark: int, audience: Audience) -> str:
        """One plain sentence for a benchmark: "You have met 4 employers." or "Sam has met 4 employers."."""
        subject, have = ("You", "have") if audience == "learner" else (self.first_name, "has")
        n = self.count(benchmark)
        if benchmark == 5:
            if not n:
                return f"{subject} {have} not met an employer yet."
            return f"{subject} {have} met {_number(n, 'employer')}."
        if benchmark == 6:
            if not n:
                return f"{subject} {have} not been to a workplace yet."
            return f"{subject} {have} been to a workplace once." if n == 1 else (
                f"{subject} {have} been to workplaces {n} times.")
        if benchmark == 7:
            if not n:
                return f"{subject} {have} not met a college or training provider yet."
            return f"{subject} {have} met colleges or training providers {_times(n)}."
        if not n:
            return f"{subject} {have} not had a careers guidance meeting yet."
        return f"{subject} {have} had {_number(n, 'careers guidance meeting')}."

    def days_sentence(self, audience: Audience) -> str:
        subject, have = ("You", "have") if audience == "learner" else (self.first_name, "has")
        return f"{subject} {have} had {days_words(self.days_total)} at work. The aim is about 10 days."

    def this_year_sentence(self, benchmark: int) -> str:
        return f"{self.count(benchmark, this_year=True)} this school year."


def _number(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def days_words(days: float) -> str:
    """Days in words that read aloud well: "1 day", "3 days", "2 and a half days"."""
    whole, half = int(days), days - int(days) >= 0.5
    if half:
        return "half a day" if whole == 0 else f"{whole} and a half days"
    return _number(whole, "day")


def _activity_items(session: Session, learner_ids: list[int], today: date) -> dict[int, list[Counted]]:
    """Attended, not cancelled, started activities for many learners: one query for who took part in
    what, and one for the activities themselves, each built once however many took part."""
    taken_part = session.execute(
        select(ActivityParticipant.learner_id, ActivityParticipant.activity_id).join(CareersActivity)
        .where(ActivityParticipant.learner_id.in_(learner_ids),
               ActivityParticipant.attendance == Attendance.ATTENDED.value,
               CareersActivity.cancelled_at.is_(None), CareersActivity.starts_on <= today)
        .order_by(CareersActivity.starts_on, CareersActivity.id)
    ).all()
    activities = {a.id: a for a in session.scalars(
        select(CareersActivity).where(CareersActivity.id.in_({activity_id for _, activity_id in taken_part})))}
    counted = {a.id: (list(a.benchmarks or []), EvidenceItem("activity", a.id, a.starts_on, a.display_title,
                                                             a.days or 0.0)) for a in activities.values()}
    items: dict[int, list[Counted]] = {i: [] for i in learner_ids}
    for learner_id, activity_id in taken_part:
        benchmarks, item = counted[activity_id]
        items[learner_id].append((list(benchmarks), item))
    return items


@dataclass(frozen=True)
class _EntryFacts:
    """The few columns of an entry that counting needs, read without building whole ORM objects
    (a school's tens of thousands of entries would otherwise take seconds); ``headline`` reads it
    like an entry, so the titles are the same words as everywhere else."""

    kind: str
    place: str

    @property
    def kind_enum(self) -> ExperienceKind:
        return ExperienceKind(self.kind)


def _counted_entries(learner_ids: list[int]) -> tuple[Any, ...]:
    """The entries that count: sent, not made from an activity, and of a kind."""
    return (Experience.learner_id.in_(learner_ids), Experience.status != ExperienceStatus.DRAFT.value,
            Experience.activity_id.is_(None), Experience.kind.is_not(None))


def _entry_items(session: Session, learner_ids: list[int], today: date,
                 only: Any | None = None) -> dict[int, list[Counted]]:
    """Sent entries not made from an activity, for many learners in one query (``only``: a further condition)."""
    conditions = _counted_entries(learner_ids) + ((only,) if only is not None else ())
    found = session.execute(
        select(Experience.id, Experience.learner_id, Experience.kind, Experience.place, Experience.start_date,
               Experience.end_date, Experience.created_at, Experience.status).where(*conditions)
    )  # no ORDER BY: ``_count`` sorts each learner's items, and sorting a whole school's entries in SQL is slow
    items: dict[int, list[Counted]] = {i: [] for i in learner_ids}
    titles: dict[tuple[str, str], str] = {}
    benchmarks: dict[str, list[int]] = {}  # read only, so entries of one kind share one list
    for entry_id, learner_id, kind, place, start_date, end_date, created_at, status in found:
        on = start_date or created_at.date()
        if on > today:
            continue
        days = float(max(1, working_days(on, end_date))) if kind in ENTRY_DAY_KINDS else 0.0
        if (kind, place) not in titles:  # reads kind_enum and place only
            titles[kind, place] = headline(_EntryFacts(kind, place or ""))  # type: ignore[arg-type]
        title = titles[kind, place]
        item = EvidenceItem("entry", entry_id, on, title, days, shared=status == ExperienceStatus.SHARED.value)
        if kind not in benchmarks:
            benchmarks[kind] = [b for b, kinds in ENTRY_BENCHMARKS.items() if kind in kinds]
        items[learner_id].append((benchmarks[kind], item))
    return items


def _providers_by_pair(items: list[EvidenceItem], born: date | None) -> dict[tuple[int, int], int]:
    """Provider encounters in each pair of year groups, by the learner's age-year on the day of each."""
    if born is None:
        return {}
    years = [year_group(born, None, item.on) for item in items]
    return {pair: sum(1 for y in years if y is not None and pair[0] <= y <= pair[1]) for pair in PAL_PAIRS}


def _count(learner: User, found: list[Counted], today: date, born: date | None = None) -> LearnerEvidence:
    year = school_year(today)
    counts = {b: BenchmarkCount(b) for b in TITLES}
    for benchmarks, item in found:
        for b in benchmarks:
            if b in counts:
                counts[b].all.append(item)
                if school_year(item.on) == year:
                    counts[b].this_year.append(item)
    for count in counts.values():
        count.all.sort(key=lambda i: (i.on, i.source, i.id))
        count.this_year.sort(key=lambda i: (i.on, i.source, i.id))
    providers = Counter(school_year(i.on) for i in counts[7].all)
    evidence = LearnerEvidence(
        learner_id=learner.id, first_name=learner.first_name, school_year=year, counts=counts,
        days_this_year=sum(i.days for i in counts[6].this_year), days_total=sum(i.days for i in counts[6].all),
        providers_by_year=dict(sorted(providers.items())), gaps=[],
        providers_by_pair=_providers_by_pair(counts[7].all, born), year_group_now=year_group(born, None, today),
    )
    evidence.gaps = _gaps(evidence)
    return evidence


def learners_evidence(session: Session, learners: list[User], today: date) -> dict[int, LearnerEvidence]:
    """The same counts as :func:`learner_evidence` for many learners in a fixed number of queries,
    so the cohort grid and the reports stay quick at a whole school and agree with each learner's page."""
    ids = [learner.id for learner in learners]
    if not ids:
        return {}
    activities = _activity_items(session, ids, today)
    entries = _entry_items(session, ids, today)
    born = {learner_id: day for learner_id, day in session.execute(
        select(LearnerRecord.learner_id, LearnerRecord.date_of_birth).where(LearnerRecord.learner_id.in_(ids)))}
    return {learner.id: _count(learner, activities[learner.id] + entries[learner.id], today, born.get(learner.id))
            for learner in learners}


def learner_evidence(session: Session, learner: User, today: date) -> LearnerEvidence:
    """Count the learner's evidence for benchmarks 5 to 8 up to ``today``."""
    return learners_evidence(session, [learner], today)[learner.id]


# Entries whose kind needs each row for a summary: days at work are counted from their dates, and
# provider encounters by the year group on the day. Every other kind only needs how many there are.
ROW_BY_ROW_KINDS = ENTRY_DAY_KINDS | ENTRY_BENCHMARKS[7]


def learner_summary(session: Session, learner: User, today: date) -> LearnerEvidence:
    """The same numbers, sentences and gaps as :func:`learner_evidence`, for pages that show only those.

    Entries of most kinds are counted by kind in one grouped query (all, and this school year) rather than
    read one by one; their ``EvidenceItem`` lists stay empty, so open :func:`learner_evidence` to list them.
    """
    ids = [learner.id]
    read_each = or_(Experience.kind.in_(ROW_BY_ROW_KINDS), Experience.sort_on.is_(None))
    found = _activity_items(session, ids, today)[learner.id] + _entry_items(session, ids, today, read_each)[learner.id]
    born = session.scalar(select(LearnerRecord.date_of_birth).where(LearnerRecord.learner_id == learner.id))
    evidence = _count(learner, found, today, born)
    year_began = date(school_year(today), 9, 1)
    totals = session.execute(
        select(Experience.kind, func.count(Experience.id), func.sum(case((Experience.sort_on >= year_began, 1), else_=0)))
        .where(*_counted_entries(ids), Experience.kind.not_in(ROW_BY_ROW_KINDS), Experience.sort_on.is_not(None),
               Experience.sort_on <= today)
        .group_by(Experience.kind))
    for kind, number, this_year in totals:
        for benchmark, kinds in ENTRY_BENCHMARKS.items():
            if kind in kinds:
                evidence.counts[benchmark].more_all += int(number)
                evidence.counts[benchmark].more_this_year += int(this_year or 0)
    evidence.gaps = _gaps(evidence)
    return evidence


def _gaps(evidence: LearnerEvidence) -> list[str]:
    """The thresholds, named in words; the Provider Access check goes by year group when the
    learner's date of birth is known (see :func:`_provider_gaps`)."""
    gaps = []
    if not evidence.count(5, this_year=True):
        gaps.append("No employer encounter this school year")
    if not evidence.count(6):
        gaps.append("No experience of a workplace yet")
    if evidence.days_total < evidence.days_aim:
        gaps.append(f"{days_words(evidence.days_total).capitalize()} of work experience so far, "
                    "short of the aim of about 10")
    gaps.extend(_provider_gaps(evidence))
    if not evidence.count(8):
        gaps.append("No personal guidance meeting yet")
    return gaps


def _provider_gaps(evidence: LearnerEvidence) -> list[str]:
    """With a date of birth, each pair of year groups that has ended, or is in its last year, with
    fewer than two provider encounters; without one, this school year and the last."""
    now = evidence.year_group_now
    if now is None or not evidence.providers_by_pair:
        two_years = sum(evidence.providers_by_year.get(y, 0) for y in (evidence.school_year - 1, evidence.school_year))
        return ["Fewer than two provider encounters in this school year and the last"] if two_years < 2 else []
    return [f"Fewer than two provider encounters in Years {low} and {high}"
            for (low, high), number in evidence.providers_by_pair.items() if now >= high and number < 2]
