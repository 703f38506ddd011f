"""What a learner's careers record adds up to against the Gatsby benchmarks 5 to 8.

Two sources count: planned activities the learner took part in, and the learner's own entries
about things that were never planned as an activity (a Saturday job, a visit with the family).
An entry made from an activity is left out, because the activity already counts, so nothing is
counted twice. Every count keeps the things it counted so that anyone can open them.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portfolio.careers.service import working_days
from portfolio.experiences.service import headline
from portfolio.models import (
    ActivityParticipant,
    Attendance,
    CareersActivity,
    Experience,
    ExperienceKind,
    ExperienceStatus,
    User,
)
from portfolio.school_years import school_year

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

    def count(self, benchmark: int, this_year: bool = False) -> int:
        chosen = self.counts[benchmark]
        return len(chosen.this_year if this_year else chosen.all)

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
    """Attended, not cancelled, started activities for many learners in one query."""
    found = session.execute(
        select(ActivityParticipant.learner_id, CareersActivity).join(ActivityParticipant)
        .where(ActivityParticipant.learner_id.in_(learner_ids),
               ActivityParticipant.attendance == Attendance.ATTENDED.value,
               CareersActivity.cancelled_at.is_(None), CareersActivity.starts_on <= today)
        .order_by(CareersActivity.starts_on, CareersActivity.id)
    )
    items: dict[int, list[Counted]] = {i: [] for i in learner_ids}
    for learner_id, a in found:
        items[learner_id].append((list(a.benchmarks or []),
                                  EvidenceItem("activity", a.id, a.starts_on, a.display_title, a.days or 0.0)))
    return items


def _entry_items(session: Session, learner_ids: list[int], today: date) -> dict[int, list[Counted]]:
    """Sent entries not made from an activity, for many learners in one query (and one for tags)."""
    found = session.scalars(
        select(Experience)
        .where(Experience.learner_id.in_(learner_ids), Experience.status != ExperienceStatus.DRAFT.value,
               Experience.activity_id.is_(None))
        .options(selectinload(Experience.tags))
        .order_by(Experience.start_date, Experience.id)
    )
    items: dict[int, list[Counted]] = {i: [] for i in learner_ids}
    for entry in found:
        on = entry.start_date or entry.created_at.date()
        if on > today or entry.kind is None:
            continue
        days = float(max(1, working_days(on, entry.end_date))) if entry.kind in ENTRY_DAY_KINDS else 0.0
        item = EvidenceItem("entry", entry.id, on, headline(entry), days,
                            shared=entry.status == ExperienceStatus.SHARED.value)
        items[entry.learner_id].append(([b for b, kinds in ENTRY_BENCHMARKS.items() if entry.kind in kinds], item))
    return items


def _count(learner: User, found: list[Counted], today: date) -> LearnerEvidence:
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
    return {learner.id: _count(learner, activities[learner.id] + entries[learner.id], today) for learner in learners}


def learner_evidence(session: Session, learner: User, today: date) -> LearnerEvidence:
    """Count the learner's evidence for benchmarks 5 to 8 up to ``today``."""
    return learners_evidence(session, [learner], today)[learner.id]


def _gaps(evidence: LearnerEvidence) -> list[str]:
    """The thresholds, named in words. The learner's year group is not recorded, so the Provider
    Access check looks at this school year and the one before (two encounters every two years)."""
    gaps = []
    if not evidence.count(5, this_year=True):
        gaps.append("No employer encounter this school year")
    if not evidence.count(6):
        gaps.append("No experience of a workplace yet")
    if evidence.days_total < evidence.days_aim:
        gaps.append(f"{days_words(evidence.days_total).capitalize()} of work experience so far, "
                    "short of the aim of about 10")
    two_years = sum(evidence.providers_by_year.get(y, 0) for y in (evidence.school_year - 1, evidence.school_year))
    if two_years < 2:
        gaps.append("Fewer than two provider encounters in this school year and the last")
    if not evidence.count(8):
        gaps.append("No personal guidance meeting yet")
    return gaps
