"""The school summary for governors, Ofsted and Compass, for one school year.

Every learner figure is added up from the cohort grid's own rows (``cohort.cohort_rows``) counted as
at the end of that school year (or today, for the year in progress), so the report and the grid agree.
The report's learners are those on roll at any time in the year: the grid's, plus anyone who left
since 1 September (a Year 11 leaver's guidance meeting still counts for the school's year).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session, selectinload

from portfolio.cohort.service import (
    GRID_HEADER,
    PACK_DUE_DAYS,
    CohortRow,
    cohort_rows,
    grid_csv_rows,
)
from portfolio.errors import KindError
from portfolio.media.easy_read import EasyReadDocument
from portfolio.models import (
    ActivityParticipant,
    Attendance,
    CareersActivity,
    Destination,
    DestinationCategory,
    EmployerFeedback,
    LearnerRecord,
    ReviewPack,
    ReviewStatus,
    User,
)
from portfolio.school_years import school_year, school_year_label

BENCHMARKS = (5, 6, 7, 8)
LEAVING_COHORTS = 3


@dataclass
class YearGroupCoverage:
    label: str
    learners: int
    covered: dict[int, int]  # benchmark -> learners with at least one this school year
    with_none: int

    def percent(self, benchmark: int) -> int:
        return round(100 * self.covered[benchmark] / self.learners) if self.learners else 0


@dataclass
class LeavingCohort:
    year: int
    leavers: int
    sustained: int
    neet: int
    unknown: int

    @property
    def label(self) -> str:
        return f"Left {school_year_label(self.year)}"


@dataclass
class SchoolSummary:
    year: int
    as_of: date
    rows: list[CohortRow]
    coverage: list[YearGroupCoverage]
    total: YearGroupCoverage
    encounters: int
    workplace_days: float
    employers: int
    feedback: int
    reviews_held: int
    reviews_on_time: int
    destinations: list[LeavingCohort] = field(default_factory=list)

    @property
    def label(self) -> str:
        return school_year_label(self.year)

    @property
    def encounters_per_learner(self) -> float:
        return round(self.encounters / len(self.rows), 1) if self.rows else 0.0

    @property
    def days_per_learner(self) -> float:
        return round(self.workplace_days / len(self.rows), 1) if self.rows else 0.0


def choose_year(text: str | None, today: date) -> int:
    """The school year asked for (the year it starts in), the current one by default."""
    current = school_year(today)
    if not text:
        return current
    text = text.replace("\x00", "").strip()[:4]
    if not text.isdigit() or not 2000 <= int(text) <= current:
        raise KindError(f"Please choose a school year from 2000 to {current}.")
    return int(text)


def year_end(year: int, today: date) -> date:
    """The day the figures are counted to: the end of that school year, or today for this one."""
    return min(today, date(year + 1, 8, 31))


def _coverage(label: str, rows: list[CohortRow]) -> YearGroupCoverage:
    covered = {b: sum(1 for r in rows if r.count(b, this_year=True)) for b in BENCHMARKS}
    none = sum(1 for r in rows if not any(r.count(b, this_year=True) for b in BENCHMARKS))
    return YearGroupCoverage(label, len(rows), covered, none)


def coverage_by_year_group(rows: list[CohortRow]) -> list[YearGroupCoverage]:
    years = sorted({r.year_group for r in rows if r.year_group is not None})
    found = [_coverage(f"Year {y}", [r for r in rows if r.year_group == y]) for y in years]
    unknown = [r for r in rows if r.year_group is None]
    return found + ([_coverage("Year not known", unknown)] if unknown else [])


def _employers(session: Session, school_id: int, start: date, end: date) -> int:
    """Distinct employers and providers of activities that learners took part in during the year."""
    return session.scalar(
        select(func.count(distinct(CareersActivity.employer_id))).join(ActivityParticipant)
        .where(CareersActivity.school_id == school_id, CareersActivity.employer_id.is_not(None),
               CareersActivity.cancelled_at.is_(None), CareersActivity.starts_on.between(start, end),
               ActivityParticipant.attendance == Attendance.ATTENDED.value)
    ) or 0


def _feedback(session: Session, school_id: int, start: date, end: date) -> int:
    return session.scalar(
        select(func.count(EmployerFeedback.id))
        .where(EmployerFeedback.school_id == school_id, EmployerFeedback.submitted_at.is_not(None),
               EmployerFeedback.submitted_at >= datetime.combine(start, time.min),
               EmployerFeedback.submitted_at < datetime.combine(end + timedelta(days=1), time.min))
    ) or 0


def _reviews(session: Session, school_id: int, start: date, end: date) -> tuple[int, int]:
    """Reviews held in the year (review date up to ``end``) and those with a final pack two weeks before."""
    records = list(session.scalars(select(LearnerRecord).where(
        LearnerRecord.school_id == school_id, LearnerRecord.annual_review_on.between(start, end))))
    finals: dict[int, list[ReviewPack]] = {}
    for pack in session.scalars(select(ReviewPack).where(
            ReviewPack.learner_id.in_([r.learner_id for r in records]), ReviewPack.status == ReviewStatus.FINAL.value,
            ReviewPack.finalised_at.is_not(None))):
        finals.setdefault(pack.learner_id, []).append(pack)
    on_time = sum(1 for r in records if any(
        p.finalised_at.date() <= r.annual_review_on - timedelta(days=PACK_DUE_DAYS)
        and p.finalised_at.date() > r.annual_review_on - timedelta(days=365) for p in finals.get(r.learner_id, [])))
    return len(records), on_time


def leaving_years(year: int, today: date) -> list[int]:
    """The last three leaving cohorts that are complete: up to the chosen year once it has ended,
    otherwise up to the year before it. Newest first."""
    last = year if year_end(year, today) == date(year + 1, 8, 31) else year - 1
    return [last - n for n in range(LEAVING_COHORTS)]


def _destination_rows(session: Session, school_id: int, years: list[int]) -> list[tuple[LearnerRecord, Destination | None]]:
    """Leavers of those school years with their destination on leaving (checkpoint 0), if any."""
    start, end = date(min(years), 9, 1), date(max(years) + 1, 8, 31)
    records = list(session.scalars(
        select(LearnerRecord).where(LearnerRecord.school_id == school_id, LearnerRecord.left_on.between(start, end))
        .options(selectinload(LearnerRecord.learner)).order_by(LearnerRecord.left_on, LearnerRecord.learner_id)))
    found = {d.learner_id: d for d in session.scalars(select(Destination).where(
        Destination.learner_id.in_([r.learner_id for r in records]), Destination.checkpoint == 0))}
    return [(record, found.get(record.learner_id)) for record in records]


def _category(destination: Destination | None) -> DestinationCategory:
    if destination is None or destination.category_enum is None:
        return DestinationCategory.UNKNOWN
    return destination.category_enum


def leaving_cohorts(pairs: Iterable[tuple[LearnerRecord, Destination | None]], years: list[int]) -> list[LeavingCohort]:
    by_year: dict[int, Counter[str]] = {y: Counter() for y in years}
    for record, destination in pairs:
        category = _category(destination)
        kind = "sustained" if category.sustained else "neet" if category is DestinationCategory.NEET else "unknown"
        by_year[school_year(record.left_on)][kind] += 1
    return [LeavingCohort(y, sum(c.values()), c["sustained"], c["neet"], c["unknown"]) for y, c in by_year.items()]


def school_summary(session: Session, actor: User, year: int, today: date) -> SchoolSummary:
    """The one-page summary for the school year starting in September of ``year``."""
    as_of = year_end(year, today)
    start = date(year, 9, 1)
    rows = cohort_rows(session, actor, as_of, today, on_roll_since=start)
    held, on_time = _reviews(session, actor.school_id, start, as_of)
    years = leaving_years(year, today)
    return SchoolSummary(
        year=year, as_of=as_of, rows=rows, coverage=coverage_by_year_group(rows), total=_coverage("All learners", rows),
        encounters=sum(r.count(5, this_year=True) for r in rows),
        workplace_days=sum(r.evidence.days_this_year for r in rows),
        employers=_employers(session, actor.school_id, start, as_of),
        feedback=_feedback(session, actor.school_id, start, as_of),
        reviews_held=held, reviews_on_time=on_time,
        destinations=leaving_cohorts(_destination_rows(session, actor.school_id, years), years),
    )


LEARNER_HEADER = ("School year", *GRID_HEADER)


def learner_csv_rows(summary: SchoolSummary) -> list[list[object]]:
    return [[summary.label, *row] for row in grid_csv_rows(summary.rows)]


DESTINATION_HEADER = ("Learner", "Left on", "Leaving school year", "Destination on leaving", "Sustained", "Detail",
                      "Provider or employer")


def destination_csv_rows(session: Session, actor: User, year: int, today: date) -> list[list[object]]:
    rows = []
    for record, destination in _destination_rows(session, actor.school_id, leaving_years(year, today)):
        category = _category(destination)
        rows.append([record.learner.display_name, record.left_on, school_year_label(school_year(record.left_on)),
                     category.label, category.sustained, destination.detail if destination else "",
                     destination.provider if destination else ""])
    return rows


def _symbol(folder: Path, name: str) -> Path | None:
    path = folder / f"{name}.svg"
    return path if path.is_file() else None


def summary_lines(summary: SchoolSummary) -> list[tuple[str, str, list[str]]]:
    """The summary as (heading symbol, statement, notes), shared by the PDF so that it says what the page says."""
    lines = [("learner", f"{_count(len(summary.rows), 'learner')} on roll", [f"Counted up to {summary.as_of:%-d %B %Y}.", "Including anyone who left during the year."])]
    for group in [*summary.coverage, summary.total]:
        notes = [f"B{b}: {group.covered[b]} of {group.learners} ({group.percent(b)}%)" for b in BENCHMARKS]
        notes.append(f"With none of these: {group.with_none}")
        lines.append(("benchmark", f"{group.label}: {_count(group.learners, 'learner')}", notes))
    lines += [
        ("employer", f"Employer encounters: {summary.encounters}",
         [f"{summary.encounters_per_learner} per learner"]),
        ("days", f"Days at work: {_number(summary.workplace_days)}", [f"{summary.days_per_learner} per learner"]),
        ("employer", f"Employers worked with: {summary.employers}", []),
        ("feedback", f"Employer feedback received: {summary.feedback}", []),
        ("calendar", f"Reviews held on time: {summary.reviews_on_time} of {summary.reviews_held}",
         ["On time: the final My views pack was ready two weeks before the meeting."]),
    ]
    for cohort in summary.destinations:
        lines.append(("next", f"{cohort.label}: {_count(cohort.leavers, 'leaver')}",
                      [f"Sustained: {cohort.sustained}", f"NEET: {cohort.neet}", f"Not known: {cohort.unknown}"]))
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def summary_pdf(summary: SchoolSummary, school_name: str, symbols: Path) -> bytes:
    """The summary as an easy-read PDF, built from the same lines as the page."""
    title = f"Careers summary: {school_name}"
    pdf = EasyReadDocument(title, page_size="A4", author=school_name)
    pdf.title_page(title, picture=_symbol(symbols, "benchmark"), subtitle=summary.label)
    sections = {"learner": "Learners", "benchmark": "Benchmark coverage this school year", "employer": "Employers",
                "next": "Destinations of leavers"}
    done: set[str] = set()
    for symbol_name, statement, notes in summary_lines(summary):
        heading = sections.get(symbol_name)
        if heading and heading not in done:
            pdf.heading(heading, picture=_symbol(symbols, symbol_name))
            done.add(heading)
        pdf.statement(statement, picture=_symbol(symbols, symbol_name), notes=notes)
    return pdf.output()


def school_summary_pdf(session: Session, actor: User, year: int, today: date, symbols: Path) -> tuple[int, bytes]:
    """The PDF download: the year's summary drawn for the actor's school."""
    summary = school_summary(session, actor, year, today)
    return summary.year, summary_pdf(summary, actor.school.name, symbols)
