"""Learners from the school's information system, brought in from a CSV file.

The careers leader uploads the file; ``preview_upload`` checks it, keeps its bytes in the media
store and says, row by row, what confirming would do. Nothing is saved to the database until
``confirm_import``, which reads the same bytes back (checked against their hash), plans again
against the database as it is then, and applies every good row in one transaction. Rows are
matched by UPN, so importing the same file twice changes nothing.

Also here: login cards for a whole group, printed on one sheet.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import uuid4

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portfolio.errors import KindError
from portfolio.media.changes import MediaChange
from portfolio.media.storage import MediaStore
from portfolio.models import Group, LearnerRecord, NeedArea, Role, School, User
from portfolio.people import accounts, cards
from portfolio.people.accounts import PersonDetails
from portfolio.plain_text import fit_line, too_long_message, without_controls
from portfolio.symbols.learner_pictures import PICTURE_SYMBOLS

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
NAME_LIMIT = 60
UPN_LIMIT = 20

COLUMNS: tuple[str, ...] = (
    "upn", "first_name", "last_name", "display_name", "date_of_birth", "group", "year", "ehc_plan",
    "annual_review_date", "need_area", "parent_name", "parent_email", "parent2_name", "parent2_email",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("upn", "date_of_birth", "group")
TEMPLATE_HEADER: tuple[str, ...] = (
    "upn", "first_name", "last_name", "date_of_birth", "group", "year", "ehc_plan", "annual_review_date",
    "need_area", "parent_name", "parent_email", "parent2_name", "parent2_email",
)
TEMPLATE_ROWS: tuple[tuple[str, ...], ...] = (
    ("A123456789012", "Sam", "Patel", "2010-04-03", "Oak", "", "yes", "2027-03-15", "communication-interaction",
     "Nina Patel", "nina.patel@example.org", "", ""),
    ("B123456789012", "Ruby", "Green", "14/09/2009", "Willow", "11", "no", "", "Cognition and learning",
     "", "", "", ""),
)

ADD, UPDATE, SAME = "add", "update", "no change"
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UPN = re.compile(r"^[A-Z0-9]+$")


CellReader = Callable[..., str]


class ImportRefused(KindError):
    """The whole file cannot be used; the message says why in plain words."""


@dataclass
class ParentDetails:
    name: str
    email: str


@dataclass
class LearnerRow:
    """One row of the file as the app understands it."""

    line: int
    upn: str = ""
    display_name: str = ""
    date_of_birth: date | None = None
    group_name: str = ""
    year_override: int | None = None
    ehc_plan: bool = False
    annual_review_on: date | None = None
    need_area: str | None = None
    parents: list[ParentDetails] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class RowPlan:
    """What confirming would do with one row: add, update, no change, or nothing (it has problems)."""

    row: LearnerRow
    action: str | None
    changes: list[str] = field(default_factory=list)
    learner_id: int | None = None
    group_id: int | None = None

    @property
    def problems(self) -> list[str]:
        return self.row.problems


@dataclass
class ImportPlan:
    rows: list[RowPlan]

    def count(self, action: str | None) -> int:
        return sum(1 for plan in self.rows if plan.action == action)

    @property
    def good_rows(self) -> int:
        return sum(1 for plan in self.rows if plan.action is not None)

    @property
    def bad_rows(self) -> int:
        return self.count(None)


@dataclass
class PendingImport:
    """Where an uploaded file waits between preview and confirm; the route keeps it in the session."""

    key: str
    digest: str


@dataclass
class ImportResult:
    added: int
    updated: int
    unchanged: int
    skipped: int
    change: MediaChange


# Reading the file --------------------------------------------------------------------------------

def decode_csv(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), else Windows-1252 as Excel saves it."""
    if not data.strip():
        raise ImportRefused("The file is empty. Choose the CSV file with your learners in it.")
    if len(data) > MAX_BYTES:
        raise ImportRefused(f"The file is too big. Send at most {MAX_ROWS:,} learners "
                            f"({MAX_BYTES // (1024 * 1024)} MB) at a time.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused("The file is saved as Unicode text. In your spreadsheet, save it as "
                            "\u201cCSV UTF-8\u201d and try again.")
    if b"\x00" in data[:65536]:
        raise ImportRefused("This file is not a CSV file. In your spreadsheet, save it as "
                            "\u201cCSV UTF-8\u201d and try again.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportRefused("The letters in this file cannot be read. In your spreadsheet, save it as "
                            "\u201cCSV UTF-8\u201d and try again.") from exc


def _header_name(cell: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", cell.strip().lower()).strip("_")


def _check_header(header: list[str]) -> None:
    names = set(header)
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if "display_name" not in names and not {"first_name", "last_name"} <= names:
        missing.append("first_name and last_name (or display_name)")
    if missing:
        raise ImportRefused("The file has no column called " + ", ".join(missing) + ". The first row must "
                            "name the columns, as in the template.")


def read_rows(data: bytes) -> list[LearnerRow]:
    """Every data row of the file, checked on its own. Refuses the whole file when it cannot be used."""
    text = decode_csv(data).replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text))
    try:
        first = next((cells for cells in reader if any(cell.strip() for cell in cells)), [])
        header = [_header_name(cell) for cell in first]
        if not any(header):
            raise ImportRefused("The file is empty. Choose the CSV file with your learners in it.")
        _check_header(header)
        rows: list[LearnerRow] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportRefused(f"The file has more than {MAX_ROWS:,} learners. Send at most "
                                    f"{MAX_ROWS:,} at a time.")
            values = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header) if name}
            rows.append(_read_row(reader.line_num, values))
    except csv.Error as exc:
        raise ImportRefused("This file is not laid out as a CSV file. Save it as \u201cCSV UTF-8\u201d "
                            "from your spreadsheet and try again.") from exc
    if not rows:
        raise ImportRefused("The file has only the column names and no learners.")
    return rows


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD or DD/MM/YYYY; None for a blank; ValueError for anything else."""
    text = text.strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_need_area(text: str) -> str | None:
    clean = text.strip().lower()
    if not clean:
        return None
    for area in NeedArea:
        if clean in (area.value, area.label.lower()):
            return area.value
    raise ValueError(text)


# Cells that are kept as typed, with their limits: a longer one is a problem named on its row, never cut.
_KEPT_CELLS = (("first_name", NAME_LIMIT, "the first name"), ("last_name", NAME_LIMIT, "the last name"),
               ("display_name", 120, "the display name"), ("group", 120, "the group"),
               ("parent_name", 120, "the parent's name"), ("parent2_name", 120, "the second parent's name"))


def _read_row(line: int, values: dict[str, str]) -> LearnerRow:
    def cell(name: str, limit: int = 200) -> str:
        # Shortened only to quote it in a message, or once the row already has its "too long" problem.
        return fit_line(values.get(name, ""), limit)

    row = LearnerRow(line=line)
    for name, limit, what in _KEPT_CELLS:
        if len(without_controls(values.get(name, ""))) > limit:
            row.problems.append(too_long_message(limit, what))
    row.upn = cell("upn", 40).upper().replace(" ", "")
    if not row.upn:
        row.problems.append("The UPN is missing.")
    elif len(row.upn) > UPN_LIMIT or not _UPN.match(row.upn):
        row.problems.append("The UPN must be letters and numbers only, at most 20.")
    first, last = cell("first_name", NAME_LIMIT), cell("last_name", NAME_LIMIT)
    row.display_name = fit_line(cell("display_name", 120) or f"{first} {last}", 120)
    if not row.display_name or (not cell("display_name") and not (first and last)):
        row.problems.append("The first name or last name is missing.")
    _read_dates(row, cell)
    row.group_name = cell("group", 120)
    if not row.group_name:
        row.problems.append("The group is missing.")
    _read_choices(row, cell)
    _read_parents(row, cell)
    return row


def _read_dates(row: LearnerRow, cell: CellReader) -> None:
    try:
        row.date_of_birth = parse_date(cell("date_of_birth"))
        if row.date_of_birth is None:
            row.problems.append("The date of birth is missing.")
    except ValueError:
        row.problems.append(f"The date of birth \u201c{cell('date_of_birth', 30)}\u201d is not a date. "
                            "Write it like 2010-04-03 or 03/04/2010.")
    try:
        row.annual_review_on = parse_date(cell("annual_review_date"))
    except ValueError:
        row.problems.append(f"The annual review date \u201c{cell('annual_review_date', 30)}\u201d is not a date. "
                            "Write it like 2027-03-15 or 15/03/2027.")


def _read_choices(row: LearnerRow, cell: CellReader) -> None:
    year = cell("year", 10)
    if year:
        number = year.lower().removeprefix("year").strip()
        if number.isdigit() and 7 <= int(number) <= 14:
            row.year_override = int(number)
        else:
            row.problems.append(f"The year \u201c{year}\u201d must be a number from 7 to 14, or left empty.")
    ehc = cell("ehc_plan", 10).lower()
    if ehc in _YES:
        row.ehc_plan = True
    elif ehc not in _NO:
        row.problems.append(f"EHC plan must be yes or no, not \u201c{cell('ehc_plan', 10)}\u201d.")
    try:
        row.need_area = parse_need_area(cell("need_area"))
    except ValueError:
        row.problems.append(f"The need area \u201c{cell('need_area', 60)}\u201d is not one of the four: "
                            + ", ".join(area.label for area in NeedArea) + ".")


def _read_parents(row: LearnerRow, cell: CellReader) -> None:
    for prefix, which in (("parent", "parent"), ("parent2", "second parent")):
        name, email = cell(f"{prefix}_name", 120), cell(f"{prefix}_email", 254)
        if not name and not email:
            continue
        email = accounts.normalise_email(email)
        if not _EMAIL.match(email) or len(email) > 254:
            row.problems.append(f"The {which}'s email \u201c{email}\u201d is not an email address.")
        elif not name:
            row.problems.append(f"The {which}'s name is missing.")
        elif all(p.email != email for p in row.parents):
            row.parents.append(ParentDetails(name=name, email=email))


# Planning against the school's records ------------------------------------------------------------

@dataclass
class _Known:
    """What the school already has, loaded once so a file of 2,000 rows needs a handful of queries."""

    groups: dict[str, Group]
    records: dict[str, LearnerRecord]
    unnumbered: dict[str, list[User]]
    adults: dict[str, User]


def _load_known(dbs: Session, school: School, rows: list[LearnerRow]) -> _Known:
    groups = {g.name.strip().lower(): g for g in dbs.scalars(select(Group).where(Group.school_id == school.id))}
    records = {r.upn: r for r in dbs.scalars(select(LearnerRecord).where(
        LearnerRecord.school_id == school.id, LearnerRecord.upn.is_not(None)))}
    unnumbered: dict[str, list[User]] = {}
    for learner in dbs.scalars(select(User).where(User.school_id == school.id, User.role == Role.LEARNER.value)):
        if learner.record is None or not learner.record.upn:
            unnumbered.setdefault(learner.display_name.strip().lower(), []).append(learner)
    emails = sorted({p.email for row in rows for p in row.parents})
    adults = {}
    for start in range(0, len(emails), 500):
        for user in dbs.scalars(select(User).where(func.lower(User.email).in_(emails[start:start + 500]))):
            adults[(user.email or "").lower()] = user
    return _Known(groups, records, unnumbered, adults)


def _mark_duplicate_upns(rows: list[LearnerRow]) -> None:
    lines: dict[str, list[int]] = {}
    for row in rows:
        if row.upn:
            lines.setdefault(row.upn, []).append(row.line)
    for row in rows:
        seen = lines.get(row.upn, [])
        if len(seen) > 1:
            others = ", ".join(str(n) for n in seen if n != row.line)
            row.problems.append(f"The UPN {row.upn} is also on row {others}. Each learner must be on one row only.")


def _parent_changes(row: LearnerRow, learner: User | None, school: School, known: _Known) -> list[str]:
    changes = []
    for parent in row.parents:
        user = known.adults.get(parent.email)
        if user is None:
            changes.append(f"new parent account for {parent.name}")
        elif user.school_id != school.id or user.role_enum is not Role.PARENT:
            row.problems.append(f"The email {parent.email} is already used by an account that is not a parent "
                                "at this school.")
        elif learner is None or all(child.id != learner.id for child in user.children):
            changes.append(f"link parent {user.display_name}")
    return changes


def _record_changes(row: LearnerRow, learner: User, group: Group | None) -> list[str]:
    record = learner.record
    wanted = (("name", learner.display_name, row.display_name),
              ("group", learner.group_id, group.id if group else None),
              ("UPN", record.upn if record else None, row.upn),
              ("date of birth", record.date_of_birth if record else None, row.date_of_birth),
              ("year", record.year_override if record else None, row.year_override),
              ("EHC plan", record.ehc_plan if record else False, row.ehc_plan),
              ("annual review date", record.annual_review_on if record else None, row.annual_review_on),
              ("need area", record.need_area if record else None, row.need_area))
    return [label for label, now, then in wanted if now != then]


def _match(row: LearnerRow, known: _Known, claimed: set[int]) -> User | None:
    """The learner this row is about: by UPN, else the one learner of that name who has no UPN yet."""
    record = known.records.get(row.upn)
    if record is not None:
        learner = record.learner
        if (learner.display_name.strip().lower() != row.display_name.lower()
                and record.date_of_birth not in (None, row.date_of_birth)):
            row.problems.append(f"The UPN {row.upn} belongs to another learner, {learner.display_name}, with "
                                "a different name and date of birth. Check the UPN.")
        return learner
    same_name = [u for u in known.unnumbered.get(row.display_name.lower(), []) if u.id not in claimed]
    return same_name[0] if len(same_name) == 1 else None


def _plan_row(row: LearnerRow, school: School, known: _Known, claimed: set[int]) -> RowPlan:
    group = known.groups.get(row.group_name.lower()) if row.group_name else None
    if row.group_name and group is None:
        row.problems.append(f"There is no group called \u201c{row.group_name}\u201d. Add it in Groups first, "
                            "or check the spelling.")
    learner = _match(row, known, claimed) if row.upn else None
    changes = _parent_changes(row, learner, school, known)
    if row.problems:
        return RowPlan(row=row, action=None)
    if learner is None:
        return RowPlan(row=row, action=ADD, changes=changes, group_id=group.id if group else None)
    claimed.add(learner.id)
    changes = _record_changes(row, learner, group) + changes
    return RowPlan(row=row, action=UPDATE if changes else SAME, changes=changes, learner_id=learner.id,
                   group_id=group.id if group else None)


def plan_rows(dbs: Session, school: School, rows: list[LearnerRow]) -> ImportPlan:
    """What confirming would do with each row, and every problem that stops a row."""
    _mark_duplicate_upns(rows)
    known = _load_known(dbs, school, rows)
    claimed: set[int] = set()
    return ImportPlan(rows=[_plan_row(row, school, known, claimed) for row in rows])


# Preview, confirm and cancel ---------------------------------------------------------------------

def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def preview_upload(dbs: Session, store: MediaStore, school: School, data: bytes,
                   replacing: PendingImport | None = None) -> tuple[ImportPlan, PendingImport]:
    """Check the file and say what it would do. Its bytes wait in the store until confirm or cancel;
    an earlier file waiting for the same person is thrown away."""
    plan = plan_rows(dbs, school, read_rows(data))
    if replacing is not None:
        cancel_import(store, school, replacing)
    pending = PendingImport(key=f"imports/{school.id}/{uuid4().hex}.csv", digest=_digest(data))
    store.save(pending.key, data)
    return plan, pending


def _waiting_bytes(store: MediaStore, school: School, pending: PendingImport | None) -> bytes:
    gone = ImportRefused("There is no file waiting to be imported. It may have been imported or cancelled "
                         "already. Upload the file again to see what it would do.")
    if pending is None or not pending.key.startswith(f"imports/{school.id}/"):
        raise gone
    try:
        data = store.read(pending.key)
    except (FileNotFoundError, ValueError) as exc:
        raise gone from exc
    if _digest(data) != pending.digest:
        raise ImportRefused("The file waiting has changed since you saw it. Upload it again.")
    return data


def confirm_import(dbs: Session, store: MediaStore, school: School, actor: User, pending: PendingImport | None,
                   *, hash_method: str = "scrypt") -> ImportResult:
    """Apply every good row, all or nothing. The caller commits; the waiting file goes after the commit."""
    plan = plan_rows(dbs, school, read_rows(_waiting_bytes(store, school, pending)))
    parents: dict[str, User] = {}
    try:
        for row_plan in plan.rows:
            if row_plan.action in (ADD, UPDATE):
                _apply(dbs, school, actor, row_plan, parents, hash_method)
        dbs.flush()
    except KindError:
        dbs.rollback()
        raise
    assert pending is not None
    return ImportResult(added=plan.count(ADD), updated=plan.count(UPDATE), unchanged=plan.count(SAME),
                        skipped=plan.bad_rows, change=MediaChange(replaced=[pending.key]))


def cancel_import(store: MediaStore, school: School, pending: PendingImport | None) -> None:
    if pending is not None and pending.key.startswith(f"imports/{school.id}/"):
        store.delete(pending.key)


def picture_for(upn: str) -> str:
    """A learner's own picture, the same every time for the same UPN (so a re-import never changes it)."""
    return PICTURE_SYMBOLS[int(hashlib.sha256(upn.encode()).hexdigest(), 16) % len(PICTURE_SYMBOLS)]


def _apply(dbs: Session, school: School, actor: User, plan: RowPlan, parents: dict[str, User],
           hash_method: str) -> None:
    row = plan.row
    if plan.action == ADD:
        learner = accounts.create_person(dbs, school, PersonDetails(
            display_name=row.display_name, role=Role.LEARNER, group_id=plan.group_id,
            picture_symbol=picture_for(row.upn)))
    else:
        learner = dbs.get(User, plan.learner_id)
        assert learner is not None
        learner.display_name = row.display_name
        learner.group = dbs.get(Group, plan.group_id) if plan.group_id is not None else None
    record = learner.record or LearnerRecord(learner_id=learner.id, school_id=school.id)
    record.upn, record.date_of_birth, record.year_override = row.upn, row.date_of_birth, row.year_override
    record.ehc_plan, record.annual_review_on, record.need_area = row.ehc_plan, row.annual_review_on, row.need_area
    record.updated_by_id = actor.id
    learner.record = record
    for details in row.parents:
        parent = parents.get(details.email) or _find_or_make_parent(dbs, school, details, hash_method)
        parents[details.email] = parent
        if all(child.id != learner.id for child in parent.children):
            parent.children.append(learner)


def _find_or_make_parent(dbs: Session, school: School, details: ParentDetails, hash_method: str) -> User:
    """An existing parent is linked, never copied. A new one gets a random password nobody knows; they
    are invited to set their own later."""
    user = dbs.scalar(select(User).where(func.lower(User.email) == details.email))
    if user is not None:
        if user.school_id != school.id or user.role_enum is not Role.PARENT:
            raise ImportRefused(f"The email {details.email} is already used by an account that is not a parent "
                                "at this school. Nothing was imported.")
        return user
    return accounts.create_person(dbs, school, PersonDetails(
        display_name=details.name, role=Role.PARENT, email=details.email,
        password=secrets.token_urlsafe(24)), hash_method=hash_method)


def template_rows() -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """The header and two example rows of the downloadable template."""
    return TEMPLATE_HEADER, TEMPLATE_ROWS


# Login cards for a whole group --------------------------------------------------------------------

def group_learners(dbs: Session, group: Group) -> list[User]:
    """The learners in a group who can sign in, in name order (the order the cards are printed)."""
    return list(dbs.scalars(select(User).where(
        User.group_id == group.id, User.role == Role.LEARNER.value, User.active.is_(True),
    ).order_by(User.display_name)))


def issue_group_cards(dbs: Session, group: Group, actor: User, days: int) -> list[cards.IssuedCard]:
    """A new card for every active learner in the group; each learner's older card stops working."""
    learners = group_learners(dbs, group)
    if not learners:
        raise KindError("There are no learners in this group to print cards for.")
    return [cards.issue_card(dbs, learner, actor, days) for learner in learners]
