"""Learner records, leaving and destinations.

A record holds what the school's information system knows about a learner (date of birth, year,
UPN, EHC plan, area of need). Leaving switches the account off but keeps the portfolio, records
where the learner went, and, only with consent to keep in touch, sets up the 1, 2 and 3 year
follow-ups that the school reports on.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.errors import KindError
from portfolio.models import (
    Destination,
    DestinationCategory,
    LearnerRecord,
    NeedArea,
    Role,
    User,
)
from portfolio.people.sessions import end_sessions_for
from portfolio.plain_text import clean_line, without_controls
from portfolio.school_years import FIRST_YEAR_GROUP, LAST_YEAR_GROUP, year_group
from portfolio.web.policy import is_learner_of_staff

MIN_AGE, MAX_AGE = 10, 26
FOLLOW_UP_YEARS = (1, 2, 3)
DUE_WINDOW = timedelta(days=30)
NO_CONSENT = "No consent to keep in touch"
KEEP_IN_TOUCH_BY = {"learner": "The learner", "family": "Their family"}
EDUCATION_LEVELS = {"entry": "Entry level", "1": "Level 1", "2": "Level 2", "3": "Level 3", "4+": "Level 4 or higher"}
HOURS_BANDS = {"under-16": "Under 16 hours a week", "16-29": "16 to 29 hours a week",
               "30-plus": "30 hours a week or more"}
HOW_FOUND = {"learner": "Spoke to the learner", "family": "Spoke to the family",
             "provider": "Asked the college, employer or service", "local-authority": "Local authority records",
             "other": "Another way"}
_NUMBER = re.compile(r"[A-Z0-9]{1,20}")


def _clean_line(text: str | None, limit: int, what: str) -> str:
    # Control characters (NUL included) would only confuse the read-aloud and the layout; longer
    # than the limit is refused, naming it, never cut.
    return clean_line(text, limit, what=what)


def _parse_date(text: str | None, what: str, *, required: bool = False) -> date | None:
    """A date from a form's date field, or a kind refusal naming the field."""
    text = (text or "").strip()
    if not text:
        if required:
            raise KindError(f"Please give the {what}.")
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise KindError(f"The {what} is not a date we understand. Please choose it again.") from None


def add_years(day: date, years: int) -> date:
    """The same day some years on; 29 February becomes 28 February in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age_on(date_of_birth: date, on: date) -> int:
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


# The learner record.


@dataclass
class RecordForm:
    """What the record form sent, as typed: kept as text so a refused form shows it again."""

    date_of_birth: str = ""
    year_override: str = ""
    upn: str = ""
    ehc_plan: bool = False
    annual_review_on: str = ""
    need_area: str = ""

    @classmethod
    def from_record(cls, record: LearnerRecord | None) -> RecordForm:
        if record is None:
            return cls()
        return cls(
            date_of_birth=record.date_of_birth.isoformat() if record.date_of_birth else "",
            year_override=str(record.year_override) if record.year_override is not None else "",
            upn=record.upn or "", ehc_plan=bool(record.ehc_plan),
            annual_review_on=record.annual_review_on.isoformat() if record.annual_review_on else "",
            need_area=record.need_area or "",
        )


def get_or_make_record(session: Session, learner: User) -> LearnerRecord:
    """The learner's record, made empty the first time anyone needs it."""
    if learner.record is None:
        record = LearnerRecord(learner_id=learner.id, school_id=learner.school_id, ehc_plan=False,
                               leaving_reason="", keep_in_touch_by="")
        session.add(record)
        learner.record = record
        session.flush()
    return learner.record


def current_year_group(record: LearnerRecord | None, today: date) -> int | None:
    if record is None:
        return None
    return year_group(record.date_of_birth, record.year_override, today)


def _date_of_birth(text: str, today: date) -> date | None:
    born = _parse_date(text, "date of birth")
    if born is None:
        return None
    if born >= today:
        raise KindError("The date of birth must be in the past.")
    if not MIN_AGE <= age_on(born, today) <= MAX_AGE:
        raise KindError(f"That date of birth makes them {age_on(born, today)}. "
                        f"Learners here are {MIN_AGE} to {MAX_AGE} years old. Please check it.")
    return born


def _year_override(text: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or not FIRST_YEAR_GROUP <= int(text) <= LAST_YEAR_GROUP:
        raise KindError(f"The year must be a number from {FIRST_YEAR_GROUP} to {LAST_YEAR_GROUP}, or left blank.")
    return int(text)


def _need_area(text: str) -> str | None:
    if not text:
        return None
    try:
        return NeedArea(text).value
    except ValueError:
        raise KindError("Please choose one of the areas of need.") from None


def _upn(session: Session, actor: User, learner: User, text: str) -> str | None:
    """A unique pupil number (13 letters and numbers) or a college learner number (up to 20),
    used by only one learner in the school."""
    number = re.sub(r"\s+", "", without_controls(text)).upper()  # the pattern below bounds its length
    if not number:
        return None
    if not _NUMBER.fullmatch(number):
        raise KindError("A UPN is 13 letters and numbers; a college learner number is up to 20. "
                        "Please use only letters and numbers.")
    other = session.scalar(select(LearnerRecord).where(
        LearnerRecord.school_id == learner.school_id, LearnerRecord.upn == number,
        LearnerRecord.learner_id != learner.id))
    if other is not None:
        if is_learner_of_staff(actor, other.learner):
            raise KindError(f"That number is already {other.learner.display_name}'s. Please check it.")
        raise KindError("That number is already used by another learner at this school. Please check it.")
    return number


def update_record(session: Session, actor: User, learner: User, form: RecordForm, today: date) -> LearnerRecord:
    """Check every field first, then save them all, so a refusal leaves nothing half changed."""
    born = _date_of_birth(form.date_of_birth, today)
    override = _year_override(form.year_override)
    number = _upn(session, actor, learner, form.upn)
    need = _need_area(form.need_area)
    review_on = _parse_date(form.annual_review_on, "annual review date")
    if review_on is not None and abs((review_on - today).days) > 3 * 366:
        raise KindError("The annual review date should be within three years of today. Please check it.")
    record = get_or_make_record(session, learner)
    record.date_of_birth, record.year_override, record.upn = born, override, number
    record.ehc_plan, record.annual_review_on, record.need_area = bool(form.ehc_plan), review_on, need
    record.updated_by_id = actor.id
    session.flush()
    return record


# Leaving and destinations.


@dataclass
class DestinationForm:
    category: str = ""
    detail: str = ""
    provider: str = ""


@dataclass
class LeavingForm:
    left_on: str = ""
    reason: str = ""
    keep_in_touch: str = ""  # "yes", "no" or not answered
    by: str = ""  # learner or family
    consent_on: str = ""
    destination: DestinationForm | None = None


@dataclass
class FollowUpForm:
    recorded_on: str = ""
    how_found: str = ""
    destination: DestinationForm | None = None


def detail_choices(category: DestinationCategory | None) -> dict[str, str]:
    """The detail that fits a category: a level for education, an hours band for employment."""
    if category is DestinationCategory.EDUCATION:
        return EDUCATION_LEVELS
    if category is DestinationCategory.EMPLOYMENT:
        return HOURS_BANDS
    return {}


def detail_label(destination: Destination) -> str:
    return detail_choices(destination.category_enum).get(destination.detail, "")


def _destination(form: DestinationForm | None) -> tuple[str, str, str]:
    form = form or DestinationForm()
    try:
        category = DestinationCategory(form.category)
    except ValueError:
        raise KindError("Please choose where they went.") from None
    detail = (form.detail or "").strip()
    choices = detail_choices(category)
    if choices and detail not in choices:
        what = "the level of the course" if category is DestinationCategory.EDUCATION else "the hours a week"
        raise KindError(f"Please choose {what}.")
    if not choices:
        detail = ""
    return category.value, detail, _clean_line(form.provider, 200, "the college, employer or service")


def _consent(form: LeavingForm, today: date) -> tuple[bool, str, date | None]:
    if form.keep_in_touch not in {"yes", "no"}:
        raise KindError("Please say whether they agreed to keep in touch.")
    if form.keep_in_touch == "no":
        return False, "", None
    if form.by not in KEEP_IN_TOUCH_BY:
        raise KindError("Please say who agreed to keep in touch: the learner or their family.")
    agreed_on = _parse_date(form.consent_on, "date they agreed", required=True)
    assert agreed_on is not None
    if agreed_on > today:
        raise KindError("The date they agreed cannot be in the future.")
    return True, form.by, agreed_on


def leave(session: Session, actor: User, learner: User, form: LeavingForm, today: date) -> LearnerRecord:
    """Record that a learner has left: sign them out everywhere and switch the account off (the
    portfolio stays for staff and for export), note where they went, and with consent only, set up
    the follow-ups at 1, 2 and 3 years."""
    if learner.record is not None and learner.record.left_on is not None:
        raise KindError(f"They left on {learner.record.left_on:%-d %B %Y}. Leaving is already recorded.")
    left_on = _parse_date(form.left_on, "date they left", required=True)
    assert left_on is not None
    if left_on > today:
        raise KindError("Please record leaving on or after the day they leave.")
    if left_on < date(2000, 1, 1):
        raise KindError("The date they left is too long ago. Please check it.")
    reason = _clean_line(form.reason, 200, "why they left")
    consent, by, agreed_on = _consent(form, today)
    category, detail, provider = _destination(form.destination)
    record = get_or_make_record(session, learner)
    record.left_on, record.leaving_reason = left_on, reason
    record.keep_in_touch, record.keep_in_touch_by, record.keep_in_touch_on = consent, by, agreed_on
    record.updated_by_id = actor.id
    learner.active = False
    learner.session_version = (learner.session_version or 1) + 1
    end_sessions_for(session, learner.id)
    session.add(Destination(school_id=learner.school_id, learner_id=learner.id, checkpoint=0, due_on=left_on,
                            recorded_on=left_on, category=category, detail=detail, provider=provider,
                            how_found="On leaving", recorded_by_id=actor.id))
    if consent:
        for years in FOLLOW_UP_YEARS:
            session.add(Destination(school_id=learner.school_id, learner_id=learner.id, checkpoint=years,
                                    due_on=add_years(left_on, years), detail="", provider="", how_found=""))
    session.flush()
    return record


def destinations_of(session: Session, learner: User) -> list[Destination]:
    return list(session.scalars(select(Destination).where(Destination.learner_id == learner.id)
                                .order_by(Destination.checkpoint)))


def find_destination(session: Session, learner: User, destination_id: int) -> Destination | None:
    """A destination of this learner's only, so an id from another learner finds nothing."""
    found = session.get(Destination, destination_id)
    return found if found is not None and found.learner_id == learner.id else None


def record_follow_up(session: Session, actor: User, destination: Destination, form: FollowUpForm,
                     today: date) -> Destination:
    """Note where a leaver is at a follow-up (or correct it); the day it was found out is kept."""
    if destination.checkpoint == 0:
        raise KindError("Where they went on leaving is recorded with the leaving form.")
    found_on = _parse_date(form.recorded_on, "date you found out", required=True)
    assert found_on is not None
    if found_on > today:
        raise KindError("The date you found out cannot be in the future.")
    record = destination.learner.record
    if record is not None and record.left_on is not None and found_on < record.left_on:
        raise KindError("The date you found out is before they left. Please check it.")
    if form.how_found not in HOW_FOUND:
        raise KindError("Please say how you found out.")
    category, detail, provider = _destination(form.destination)
    destination.recorded_on, destination.how_found = found_on, form.how_found
    destination.category, destination.detail, destination.provider = category, detail, provider
    destination.recorded_by_id = actor.id
    session.flush()
    return destination


@dataclass(frozen=True)
class DestinationRow:
    """One checkpoint of a leaver's destinations, with the words for where it has got to."""

    checkpoint: int
    state: str  # recorded, due, overdue, upcoming, no-consent
    destination: Destination | None
    due_on: date | None

    @property
    def title(self) -> str:
        if self.checkpoint == 0:
            return "On leaving"
        return f"{self.checkpoint} year{'s' if self.checkpoint > 1 else ''} after leaving"


def follow_up_state(destination: Destination, today: date) -> str:
    if destination.recorded_on is not None:
        return "recorded"
    if destination.due_on < today:
        return "overdue"
    return "due" if destination.due_on <= today + DUE_WINDOW else "upcoming"


def destination_rows(session: Session, learner: User, today: date) -> list[DestinationRow]:
    """On leaving and each follow-up: without consent, the follow-ups are named as not kept."""
    record = learner.record
    if record is None or record.left_on is None:
        return []
    by_checkpoint = {d.checkpoint: d for d in destinations_of(session, learner)}
    rows = []
    for checkpoint in (0, *FOLLOW_UP_YEARS):
        found = by_checkpoint.get(checkpoint)
        if found is not None:
            rows.append(DestinationRow(checkpoint, follow_up_state(found, today), found, found.due_on))
        else:
            rows.append(DestinationRow(checkpoint, "no-consent", None, add_years(record.left_on, checkpoint)))
    return rows


@dataclass(frozen=True)
class DueFollowUp:
    destination: Destination
    learner: User
    state: str  # due or overdue


def due_follow_ups(session: Session, actor: User, today: date) -> list[DueFollowUp]:
    """Follow-ups due within a month or overdue and not yet recorded: staff see their own groups'
    leavers, the careers leader every leaver in the school."""
    if actor.role_enum not in {Role.STAFF, Role.ADMIN}:
        return []
    found = session.scalars(select(Destination).where(
        Destination.school_id == actor.school_id, Destination.checkpoint > 0,
        Destination.recorded_on.is_(None), Destination.due_on <= today + DUE_WINDOW,
    ).order_by(Destination.due_on, Destination.id))
    return [DueFollowUp(d, d.learner, follow_up_state(d, today)) for d in found
            if is_learner_of_staff(actor, d.learner)]
