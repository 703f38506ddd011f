"""Shared makers for the employers tests: a real PDF (made with fpdf2), employers and activities."""
from __future__ import annotations

from datetime import date, datetime, timezone

from fpdf import FPDF
from sqlalchemy.orm import Session

from portfolio.employers import service as employers
from portfolio.employers.service import EmployerDetails
from portfolio.models import ActivityKind, CareersActivity, Employer


def real_pdf(text: str = "Risk assessment") -> bytes:
    """A genuine one-page PDF, as a school's office would save one."""
    document = FPDF()
    # A fixed date keeps the bytes the same from one call to the next, so tests can compare them.
    document.set_creation_date(datetime(2026, 9, 1, tzinfo=timezone.utc))
    document.add_page()
    document.set_font("helvetica", size=14)
    document.cell(text=text)
    return bytes(document.output())


def make_employer(session: Session, school_id: int, name: str, **details: object) -> Employer:
    """An employer added through the service, so it is saved exactly as the form would save it."""
    return employers.create(session, school_id, EmployerDetails(name=name, **details))  # type: ignore[arg-type]


def make_activity(session: Session, employer: Employer, starts_on: date,
                  kind: ActivityKind = ActivityKind.VISIT, title: str = "") -> CareersActivity:
    activity = CareersActivity(school_id=employer.school_id, kind=kind.value, title=title, employer_id=employer.id,
                               starts_on=starts_on, benchmarks=kind.default_benchmarks)
    session.add(activity)
    session.flush()
    return activity
