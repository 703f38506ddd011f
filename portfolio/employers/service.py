"""The school's directory of employers and providers.

Staff and the careers leader keep it: contact details, what a learner needs to know to get in
(a quiet room, step-free entry, what to wear), and the risk assessment that must be in date
before a learner goes there. Rows are never deleted, because activities and evidence point at
them: a duplicate is merged into the one that is kept, and an old one is switched off.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, not_, or_, select, update
from sqlalchemy.orm import Session

from portfolio.errors import KindError
from portfolio.media.changes import MediaChange
from portfolio.media.storage import MediaStore, new_key
from portfolio.models import CareersActivity, Employer, MediaFile, ProviderKind
from portfolio.plain_text import check_length, clean_line, without_controls
from portfolio.symbols import vocabulary
from portfolio.web.paging import TABLE_PAGE_SIZE, Page, SortKey, keyset_page

MAX_NAME = 200
MAX_PERSON = 120
MAX_PHONE = 40
MAX_EMAIL = 254
MAX_NOTES = 2000
MAX_ADDRESS = 500
MAX_QUERY = 100
MAX_PDF_BYTES = 10 * 1024 * 1024
PDF_CONTENT_TYPE = "application/pdf"
# Sectors are words learners already know from recording their experiences: places and jobs.
SECTOR_CATEGORIES: tuple[str, ...] = ("places", "jobs")
KIND_SYMBOLS: dict[ProviderKind, str] = {
    ProviderKind.EMPLOYER: "employer",
    ProviderKind.COLLEGE: "college",
    ProviderKind.TRAINING: "provider",
    ProviderKind.APPRENTICESHIP: "provider",
    ProviderKind.UNIVERSITY: "kind-taster",
    ProviderKind.OTHER: "info",
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE = re.compile(r"^[0-9+()\-. ]+$")
_PDF_HEADER = re.compile(rb"^%PDF-[12]\.\d")
# Markup a browser would run if it ever sniffed the file as a web page. A real PDF's first few
# kilobytes are its header and object dictionaries, never HTML, so finding it there marks a polyglot.
_ACTIVE_MARKUP = re.compile(rb"<\s*(html|script|svg|body|iframe|!doctype)", re.IGNORECASE)


class EmployerError(KindError):
    """Something about an employer that cannot be saved as asked, with a kind sentence to show."""


@dataclass(frozen=True)
class EmployerDetails:
    """What staff type or choose about an employer, kept as typed so a form with a mistake can be shown again."""

    name: str = ""
    kind: str = ProviderKind.EMPLOYER.value
    sector: str = ""
    address: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    quiet_room: bool = False
    step_free: bool = False
    what_to_wear: str = ""
    access_notes: str = ""

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> EmployerDetails:
        """Read a submitted form (any mapping), cleaning hostile text before anything else sees it.
        Lengths are checked when it is saved (``_check``), so a long field is shown again whole."""
        def line(name: str) -> str:
            return without_controls(str(form.get(name, "") or ""))

        def text(name: str) -> str:
            return without_controls(str(form.get(name, "") or ""), keep_line_breaks=True)

        return cls(
            name=line("name"), kind=line("kind"), sector=line("sector"), address=text("address"),
            contact_name=line("contact_name"), phone=line("phone"), email=line("email"),
            quiet_room=bool(form.get("quiet_room")), step_free=bool(form.get("step_free")),
            what_to_wear=text("what_to_wear"), access_notes=text("access_notes"),
        )

    @classmethod
    def of(cls, employer: Employer) -> EmployerDetails:
        """The saved details, to fill the edit form."""
        return cls(
            name=employer.name, kind=employer.kind, sector=employer.sector or "", address=employer.address,
            contact_name=employer.contact_name, phone=employer.phone, email=employer.email,
            quiet_room=employer.quiet_room, step_free=employer.step_free, what_to_wear=employer.what_to_wear,
            access_notes=employer.access_notes,
        )


@dataclass(frozen=True)
class RiskDetails:
    """A risk assessment as typed: the dates stay text until they are checked."""

    checked_on: str = ""
    checked_by: str = ""
    review_due: str = ""

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> RiskDetails:
        return cls(checked_on=without_controls(str(form.get("risk_checked_on", "") or "")),
                   checked_by=without_controls(str(form.get("risk_checked_by", "") or "")),
                   review_due=without_controls(str(form.get("risk_review_due", "") or "")))

    @classmethod
    def of(cls, employer: Employer) -> RiskDetails:
        return cls(checked_on=employer.risk_checked_on.isoformat() if employer.risk_checked_on else "",
                   checked_by=employer.risk_checked_by,
                   review_due=employer.risk_review_due.isoformat() if employer.risk_review_due else "")


@dataclass(frozen=True)
class Directory:
    """The list page: a page of employers in use, and a page of switched-off or merged ones kept apart,
    with how many there are of each."""

    active: Page[Employer]
    switched_off: Page[Employer]
    query: str
    active_count: int = 0
    switched_off_count: int = 0


@dataclass(frozen=True)
class EmployerPage:
    """Everything the employer page shows beside the forms."""

    upcoming: list[CareersActivity]
    past: list[CareersActivity]
    merge_choices: list[Employer]


# --------------------------------------------------------------------------- sectors


def sector_words() -> list[vocabulary.Category]:
    """The vocabulary grids a sector is chosen from, in their fixed order."""
    return [vocabulary.category(key) for key in SECTOR_CATEGORIES]


def sector_options() -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """The sector radios: one group per vocabulary grid, each word shown with its own symbol."""
    def option(word: vocabulary.Word) -> tuple[str, str, str]:
        return word.key, word.label[:1].upper() + word.label[1:], word.key

    return [(category.key, category.label.capitalize(), [option(word) for word in category.words])
            for category in sector_words()]


def _sector_keys() -> frozenset[str]:
    return frozenset(word.key for category in sector_words() for word in category.words)


def sector_label(key: str | None) -> str:
    """The words for a sector symbol, or nothing when none was chosen."""
    found = vocabulary.word(key) if key else None
    return found.label if found else ""


def kind_symbol(kind: str) -> str:
    try:
        return KIND_SYMBOLS[ProviderKind(kind)]
    except ValueError:
        return "info"


# --------------------------------------------------------------------------- choosing and listing


def choices(session: Session, school_id: int) -> list[Employer]:
    """Employers staff may choose for an activity: the school's own, switched on and not merged away.

    Callers flag ``employer.risk_overdue(today)`` beside each one wherever it is chosen.
    """
    return list(session.scalars(
        select(Employer)
        .where(Employer.school_id == school_id, Employer.active.is_(True), Employer.merged_into_id.is_(None))
        .order_by(Employer.name)
    ))


def _like(text: str) -> str:
    """A LIKE pattern that treats the searcher's % and _ as plain characters."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _sectors_matching(query: str) -> list[str]:
    folded = query.casefold()
    return [key for key in _sector_keys() if folded in sector_label(key).casefold()]


# By name as written: a case-folded order would need the database's own folding and collation to match
# the cursor's (PostgreSQL's depends on its locale), or a page could repeat or skip a name.
DIRECTORY_ORDER: tuple[SortKey[Employer], ...] = (
    SortKey(Employer.name, False, lambda e: e.name),
    SortKey(Employer.id, False, lambda e: e.id),
)


def directory(session: Session, school_id: int, query: str = "", after: str | None = None,
              off_after: str | None = None) -> Directory:
    """The school's employers, searched by name, sector words or contact person, a page at a time:
    those in use (``after``) and those switched off or merged (``off_after``) each have their own page."""
    query = clean_line(query, MAX_QUERY, what="the search", refuse=EmployerError)
    statement = select(Employer).where(Employer.school_id == school_id)
    if query:
        pattern = _like(query.lower())  # lower(), as the database's lower() does: casefold() spells out ß
        statement = statement.where(or_(
            func.lower(Employer.name).like(pattern, escape="\\"),
            func.lower(Employer.contact_name).like(pattern, escape="\\"),
            Employer.sector.in_(_sectors_matching(query)),
        ))
    in_use = and_(Employer.active.is_(True), Employer.merged_into_id.is_(None))
    counts = dict(session.execute(
        statement.with_only_columns(in_use.label("in_use"), func.count(Employer.id)).group_by(in_use)).all())
    return Directory(
        active=keyset_page(session, statement.where(in_use), DIRECTORY_ORDER, after, size=TABLE_PAGE_SIZE),
        switched_off=keyset_page(session, statement.where(not_(in_use)), DIRECTORY_ORDER, off_after,
                                  size=TABLE_PAGE_SIZE),
        query=query,
        active_count=int(counts.get(True, 0)),  # SQLite answers 1 and 0, which match True and False
        switched_off_count=int(counts.get(False, 0)),
    )


def employer_page(session: Session, employer: Employer, today: date) -> EmployerPage:
    """Activities that point at this employer (coming up, then past) and the employers it could merge into."""
    activities = list(session.scalars(
        select(CareersActivity)
        .where(CareersActivity.school_id == employer.school_id, CareersActivity.employer_id == employer.id)
        .order_by(CareersActivity.starts_on, CareersActivity.id)
    ))
    upcoming = [a for a in activities if a.last_day >= today]
    past = sorted((a for a in activities if a.last_day < today), key=lambda a: a.starts_on, reverse=True)
    others = [e for e in session.scalars(
        select(Employer)
        .where(Employer.school_id == employer.school_id, Employer.id != employer.id, Employer.merged_into_id.is_(None))
        .order_by(func.lower(Employer.name), Employer.id)
    )]
    return EmployerPage(upcoming=upcoming, past=past, merge_choices=others)


# --------------------------------------------------------------------------- adding and editing


# Each typed field's limit and its name in the message that refuses a longer one.
_LIMITS = (("name", MAX_NAME, "the name"), ("address", MAX_ADDRESS, "the address"),
           ("contact_name", MAX_PERSON, "the contact person"), ("phone", MAX_PHONE, "the phone number"),
           ("email", MAX_EMAIL, "the email address"), ("what_to_wear", MAX_NOTES, "what to wear"),
           ("access_notes", MAX_NOTES, "the access note"))


def _check(session: Session, school_id: int, details: EmployerDetails, employer_id: int | None) -> None:
    for field_name, limit, what in _LIMITS:
        check_length(getattr(details, field_name), limit, what=what, refuse=EmployerError)
    if not details.name:
        raise EmployerError("Please give the employer or provider a name.")
    if details.kind not in {kind.value for kind in ProviderKind}:
        raise EmployerError("Please choose what kind of organisation this is.")
    if details.sector and details.sector not in _sector_keys():
        raise EmployerError("Please choose a sector from the list, or none.")
    if details.email and not _EMAIL.match(details.email):
        raise EmployerError("That email address does not look right. It should be like name@example.org.")
    if details.phone and (not _PHONE.match(details.phone) or sum(c.isdigit() for c in details.phone) < 6):
        raise EmployerError("That phone number does not look right. Please use numbers only, like 01234 567890.")
    same_name = select(Employer.id).where(
        Employer.school_id == school_id, Employer.merged_into_id.is_(None),
        func.lower(Employer.name) == details.name.lower(),
    )
    if employer_id is not None:
        same_name = same_name.where(Employer.id != employer_id)
    if session.scalars(same_name.limit(1)).first() is not None:
        raise EmployerError(
            f"There is already an employer called ‘{details.name}’. Open it from the list, "
            "or add the town to this name."
        )


def _apply(employer: Employer, details: EmployerDetails) -> None:
    for name in ("name", "kind", "address", "contact_name", "phone", "email", "quiet_room", "step_free",
                 "what_to_wear", "access_notes"):
        setattr(employer, name, getattr(details, name))
    employer.sector = details.sector or None


def create(session: Session, school_id: int, details: EmployerDetails) -> Employer:
    """Add an employer. A second press of Save finds the first one and is refused, not doubled."""
    _check(session, school_id, details, None)
    employer = Employer(school_id=school_id, name=details.name)
    _apply(employer, details)
    session.add(employer)
    session.flush()
    return employer


def update_details(session: Session, employer: Employer, details: EmployerDetails) -> Employer:
    _check(session, employer.school_id, details, employer.id)
    _apply(employer, details)
    session.flush()
    return employer


# --------------------------------------------------------------------------- risk assessment


def check_pdf(data: bytes) -> None:
    """Refuse anything that is not a whole PDF: other files, cut-off files, and web pages dressed as PDFs."""
    if not data:
        raise EmployerError("That file is empty. Please choose the risk assessment PDF.")
    if len(data) > MAX_PDF_BYTES:
        raise EmployerError("That file is too big. Please choose a PDF under 10 MB.")
    if not _PDF_HEADER.match(data):
        raise EmployerError("That file is not a PDF. Please save the risk assessment as a PDF and try again.")
    tail = data[-2048:]
    if b"%%EOF" not in tail or b"startxref" not in tail:
        raise EmployerError("That PDF looks cut off or damaged. Please save it again and try again.")
    if _ACTIVE_MARKUP.search(data[:4096]):
        raise EmployerError("That file is not a PDF. Please save the risk assessment as a PDF and try again.")


def _parse_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise EmployerError(f"Please give the date {what}, like 2026-09-01.") from None


def _risk_dates(risk: RiskDetails, today: date) -> tuple[date, date]:
    checked_on = _parse_date(risk.checked_on, "the risk assessment was done")
    review_due = _parse_date(risk.review_due, "the next review is due")
    if checked_on > today:
        raise EmployerError("The risk assessment date cannot be in the future.")
    if review_due <= checked_on:
        raise EmployerError("The review date must come after the date the risk assessment was done.")
    if not risk.checked_by:
        raise EmployerError("Please say who did the risk assessment.")
    return checked_on, review_due


def record_risk(session: Session, store: MediaStore, employer: Employer, risk: RiskDetails, pdf: bytes | None,
                today: date) -> MediaChange:
    """Save the risk assessment, and its PDF when one is given (it replaces the old one).

    Everything is checked before anything is stored, so a refusal leaves nothing behind.
    """
    check_length(risk.checked_by, MAX_PERSON, what="the name of who did it", refuse=EmployerError)
    checked_on, review_due = _risk_dates(risk, today)
    if pdf is not None:
        check_pdf(pdf)
    employer.risk_checked_on, employer.risk_review_due = checked_on, review_due
    employer.risk_checked_by = risk.checked_by
    if pdf is None:
        session.flush()
        return MediaChange()
    key = new_key(f"risk/{employer.school_id}", "pdf")
    store.save(key, pdf)
    change = MediaChange(written=[key])
    old = employer.risk_pdf
    employer.risk_pdf = MediaFile(school_id=employer.school_id, key=key, content_type=PDF_CONTENT_TYPE)
    session.flush()
    if old is not None:
        session.delete(old)
        session.flush()
        change.replaced.append(old.key)
    return change


# --------------------------------------------------------------------------- merging and switching off


_FILLABLE = ("sector", "address", "contact_name", "phone", "email", "what_to_wear", "access_notes")


def _fill_blanks(kept: Employer, duplicate: Employer) -> None:
    for name in _FILLABLE:
        if not getattr(kept, name) and getattr(duplicate, name):
            setattr(kept, name, getattr(duplicate, name))
    # An access need known to either record is still an access need.
    kept.quiet_room = kept.quiet_room or duplicate.quiet_room
    kept.step_free = kept.step_free or duplicate.step_free
    if kept.risk_review_due is None and duplicate.risk_review_due is not None:
        kept.risk_checked_on, kept.risk_checked_by = duplicate.risk_checked_on, duplicate.risk_checked_by
        kept.risk_review_due = duplicate.risk_review_due
        if kept.risk_pdf is None:
            kept.risk_pdf, duplicate.risk_pdf = duplicate.risk_pdf, None


def merge(session: Session, duplicate: Employer, into_id: int | None) -> Employer:
    """Fold a duplicate into the employer that is kept. Both rows stay; activities move to the kept one."""
    if duplicate.merged_into_id is not None:
        raise EmployerError("This one has already been merged into another employer.")
    if into_id is None:
        raise EmployerError("Please choose the employer to keep.")
    if into_id == duplicate.id:
        raise EmployerError("Please choose a different employer to keep: it cannot be merged into itself.")
    kept = session.get(Employer, into_id)
    if kept is None or kept.school_id != duplicate.school_id:
        raise EmployerError("We cannot find that employer. Please choose one from the list.")
    if kept.merged_into_id is not None:
        raise EmployerError("That employer has itself been merged away. Please choose the one that is kept.")
    session.execute(
        update(CareersActivity)
        .where(CareersActivity.school_id == duplicate.school_id, CareersActivity.employer_id == duplicate.id)
        .values(employer_id=kept.id)
        .execution_options(synchronize_session="fetch")
    )
    # Earlier duplicates of this one now point straight at the kept one, so no chain of merges forms.
    session.execute(
        update(Employer)
        .where(Employer.school_id == duplicate.school_id, Employer.merged_into_id == duplicate.id)
        .values(merged_into_id=kept.id)
        .execution_options(synchronize_session="fetch")
    )
    _fill_blanks(kept, duplicate)
    duplicate.merged_into_id = kept.id
    duplicate.active = False
    session.flush()
    return kept


def switch_off(session: Session, employer: Employer) -> None:
    """Take an employer out of the choices for new activities; its history stays."""
    employer.active = False
    session.flush()


def switch_on(session: Session, employer: Employer) -> None:
    if employer.merged_into_id is not None:
        raise EmployerError("This one was merged into another employer. Please use that one instead.")
    employer.active = True
    session.flush()





def day_text(day: date | None) -> str:
    """A date as people say it: 1 September 2026."""
    return day.strftime("%-d %B %Y") if day else ""


def risk_words(employer: Employer, today: date) -> str:
    """One plain sentence on where the risk assessment has got to, for the list and the page."""
    if employer.risk_review_due is None:
        return "Risk assessment overdue: none is recorded yet."
    if employer.risk_overdue(today):
        return f"Risk assessment overdue: the review was due on {day_text(employer.risk_review_due)}."
    return f"Risk assessment in date until {day_text(employer.risk_review_due)}."
