"""Bringing a portable portfolio from another school into this one, safely and only once.

An archive comes from outside, so it is treated as hostile until proved otherwise. Every
member is checked before anything is read (names, links, sizes, compression ratio), every
read stops as soon as the bytes pass what was declared, the JSON is checked field by field,
and every photo and recording goes through the same ingest as an upload, so nothing from
the archive is ever stored as it came. A refusal leaves nothing behind: no rows, no files.

A second import of the same zip adds nothing: the ``ImportRecord`` for its ``export_uid``
and the uids of its entries and statements say what is already here. A later export of the
same learner adds only what is new.
"""
from __future__ import annotations

import hashlib
import json
import stat
import uuid
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portfolio.audit import log as audit_log
from portfolio.experiences import service as experiences
from portfolio.experiences.comments import MAX_COMMENT
from portfolio.media.photos import PhotoRefused, ingest_photo
from portfolio.media.storage import MediaStore
from portfolio.media.voice import VoiceRefused, ingest_voice
from portfolio.models import (
    Experience,
    ExperienceKind,
    ExperienceStatus,
    ExperienceTag,
    FamilyComment,
    Group,
    HelpLevel,
    ImportRecord,
    MediaFile,
    PassportSection,
    PassportStatement,
    Role,
    ScanMode,
    School,
    SchoolSymbol,
    StatementStatus,
    SymbolMode,
    TagScheme,
    TextSize,
    User,
    WouldLike,
)
from portfolio.people import access
from portfolio.portability import fields as check
from portfolio.portability import import_parts
from portfolio.portability.export import SCHOOL_WORD_PREFIX
from portfolio.portability.fields import MediaRef
from portfolio.portability.format import (
    FORMAT,
    JSON_NAME,
    MAX_JSON_BYTES,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    RATIO_FLOOR_BYTES,
    READABLE_VERSIONS,
    ImportRefused,
    local_uid,
)
from portfolio.portability.import_checks import MoreData, parse_more
from portfolio.symbols import openmoji, vocabulary
from portfolio.symbols import service as school_symbols
from portfolio.symbols.learner_pictures import PICTURE_SYMBOLS

NOT_A_ZIP = "This file is not a portfolio from My Next Steps. Please choose the .zip file the other school gave you."
UNSAFE = ("This file has something unsafe inside, so it was not imported and nothing was added. "
          "Please ask the other school for a new copy.")
TOO_BIG = "This portfolio is too big to import. Nothing was added. Please ask the other school for help."
JSON_TOO_BIG = "The details file in this portfolio is too big to be real. Nothing was added."
DAMAGED = ("This portfolio is damaged or has been changed, so nothing was added. "
           "Please ask the other school for a new copy.")
BAD_DETAILS = ("The details in this portfolio could not be read, so nothing was added. "
               "Please ask the other school for a new copy.")
WRONG_VERSION = ("This portfolio was made by a different version of My Next Steps, so it cannot be imported here. "
                 "Nothing was added.")
MISSING_FILE = ("A photo or recording is missing from this portfolio, so nothing was added. "
                "Please ask the other school for a new copy.")
BAD_PHOTO = "A photo in this portfolio is not a photo we can use, so nothing was added."
BAD_VOICE = "A voice recording in this portfolio cannot be played, so nothing was added."

MAX_EXPERIENCES = 2000
MAX_STATEMENTS = 2000
MAX_COMMENTS = 200
MAX_TAGS = 100
MAX_EVIDENCE = 200
MAX_CAPTION_SYMBOLS = 200
MAX_STATEMENT_TEXT = 2000
MAX_VOICE_BYTES = 10 * 1024 * 1024
_CHUNK = 64 * 1024
_ALLOWED_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})



# --------------------------------------------------------------------------- what the JSON says


@dataclass(frozen=True)
class CommentData:
    text: str
    created_at: datetime | None
    passed_on_at: datetime | None


@dataclass(frozen=True)
class ExperienceData:
    uid: str
    kind: str | None
    place: str
    place_symbol: str | None
    start_date: date | None
    end_date: date | None
    feeling: str | None
    would_like: str | None
    caption: str
    caption_symbols: dict[str, str]
    tags: list[tuple[str, str]]
    help_level: str | None
    status: str
    staff_note: str
    created_at: datetime | None
    submitted_at: datetime | None
    shared_at: datetime | None
    photos: list[MediaRef]
    voice: MediaRef | None
    comments: list[CommentData]
    activity: str | None = None  # the careers activity it records (version 2)


@dataclass(frozen=True)
class StatementData:
    uid: str
    section: str
    text: str
    symbol: str | None
    help_level: str | None
    status: str
    position: int
    voice: MediaRef | None
    evidence: list[str]


@dataclass(frozen=True)
class ScanningData:
    """Switch scanning and hear-before-choose, from files made since the access settings came in."""

    scan_mode: str
    scan_seconds: float
    scan_speaks: bool
    hear_first: bool


@dataclass(frozen=True)
class PortfolioData:
    export_uid: str
    name: str
    picture_symbol: str | None
    text_size: str
    high_contrast: bool
    symbol_mode: str
    experiences: list[ExperienceData]
    statements: list[StatementData]
    school: str = ""
    more: MoreData = field(default_factory=MoreData)
    scanning: ScanningData | None = None


@dataclass
class ImportResult:
    """What an import did. ``written_keys`` are the media files it stored, for clean-up if the commit fails."""

    learner: User
    created_learner: bool
    added_experiences: int
    added_statements: int
    written_keys: list[str] = field(default_factory=list)
    added_plan_years: int = 0
    added_review_packs: int = 0
    added_activities: int = 0

    @property
    def already_imported(self) -> bool:
        return not (self.created_learner or self.added_experiences or self.added_statements
                    or self.added_plan_years or self.added_review_packs or self.added_activities)


# --------------------------------------------------------------------------- the archive itself


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _safe_name(name: str) -> bool:
    """A member name that can only ever mean a file inside the folder it is unpacked into."""
    if not name or "\x00" in name or "\\" in name or ":" in name or name.startswith("/"):
        return False
    parts = name.split("/")
    if parts[-1] == "":  # a folder entry
        parts = parts[:-1]
    return bool(parts) and all(part not in {"", ".", ".."} for part in parts)


def check_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Check every member before reading any; returns the files (not folders) by name.

    The declared sizes are checked here; ``read_member`` also stops when the real bytes pass
    them, because a hostile archive can declare anything.
    """
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ImportRefused(TOO_BIG, f"{len(infos)} members")
    files: dict[str, zipfile.ZipInfo] = {}
    seen: set[str] = set()
    total = 0
    for info in infos:
        for name in {info.filename, info.orig_filename}:
            if not _safe_name(name):
                raise ImportRefused(UNSAFE, f"unsafe member name {name!r}")
        if info.filename in seen:
            raise ImportRefused(UNSAFE, f"member {info.filename!r} twice")
        seen.add(info.filename)
        if _is_symlink(info):
            raise ImportRefused(UNSAFE, f"symlink member {info.filename!r}")
        if info.flag_bits & 0x1:
            raise ImportRefused(UNSAFE, f"encrypted member {info.filename!r}")
        if info.is_dir():
            continue
        if info.compress_type not in _ALLOWED_METHODS:
            raise ImportRefused(UNSAFE, f"compression method {info.compress_type} for {info.filename!r}")
        if info.filename == JSON_NAME and info.file_size > MAX_JSON_BYTES:
            raise ImportRefused(JSON_TOO_BIG, f"portfolio.json declares {info.file_size} bytes")
        if info.file_size > MAX_MEMBER_BYTES:
            raise ImportRefused(TOO_BIG, f"{info.filename!r} declares {info.file_size} bytes")
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ImportRefused(UNSAFE, f"{info.filename!r} compresses {info.file_size}:{info.compress_size}")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ImportRefused(TOO_BIG, f"more than {MAX_TOTAL_BYTES} bytes in all")
        files[info.filename] = info
    return files


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Read one member, stopping the moment it gives more than it declared or than ``limit``."""
    allowed = min(info.file_size, limit)
    chunks: list[bytes] = []
    got = 0
    try:
        with archive.open(info) as handle:
            while True:
                chunk = handle.read(_CHUNK)
                if not chunk:
                    break
                got += len(chunk)
                if got > allowed:
                    raise ImportRefused(UNSAFE, f"{info.filename!r} gives more than {allowed} bytes")
                chunks.append(chunk)
    except ImportRefused:
        raise
    # Compression methods were checked when the archive was listed, so only damage is left here.
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise ImportRefused(DAMAGED, f"{info.filename!r}: {exc}") from exc
    if got != info.file_size:
        raise ImportRefused(DAMAGED, f"{info.filename!r} gave {got} of {info.file_size} bytes")
    return b"".join(chunks)


def open_archive(source: IO[bytes] | str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except Exception as exc:
        # zipfile raises many types for a file that is not a zip or whose directory is mangled.
        raise ImportRefused(NOT_A_ZIP, f"not a zip: {exc}") from exc


# --------------------------------------------------------------------------- reading the JSON


def _comment(value: Any) -> CommentData:
    obj = check.mapping(value)
    return CommentData(
        text=check.get(obj, "text", "comment", check.text(MAX_COMMENT)),
        created_at=check.get(obj, "created_at", "comment", check.moment, optional=True),
        passed_on_at=check.get(obj, "passed_on_at", "comment", check.moment, optional=True),
    )


def _experience(value: Any, index: int) -> ExperienceData:
    where = f"experiences[{index}]"
    obj = check.mapping(value)
    symbols = check.get(obj, "caption_symbols", where, check.mapping)
    if len(symbols) > MAX_CAPTION_SYMBOLS:
        raise check.Bad(f"{where}.caption_symbols has too many words")
    caption_symbols = {check.text(60)(word): check.text(80)(ref) for word, ref in symbols.items()}
    tags = []
    for tag in check.get(obj, "tags", where, check.list_of(MAX_TAGS)):
        tag_obj = check.mapping(tag)
        tags.append((check.get(tag_obj, "scheme", where, check.text(20)), check.get(tag_obj, "value", where, check.text(60))))
    photos = []
    for photo in check.get(obj, "photos", where, check.list_of(experiences.MAX_PHOTOS)):
        photo_obj = check.mapping(photo)
        display = check.get(photo_obj, "display", where, check.media)
        check.get(photo_obj, "thumb", where, check.media)  # checked, but only the display copy is ingested
        if display is None:
            raise check.Bad(f"{where}.photos has a photo with no display copy")
        photos.append(display)
    return ExperienceData(
        uid=check.get(obj, "uid", where, check.uid),
        kind=check.get(obj, "kind", where, check.choice(check.enum_values(ExperienceKind), nullable=True)),
        place=check.get(obj, "place", where, check.text(200)),
        place_symbol=check.get(obj, "place_symbol", where, check.text(60, nullable=True)),
        start_date=check.get(obj, "start_date", where, check.day),
        end_date=check.get(obj, "end_date", where, check.day),
        feeling=check.get(obj, "feeling", where, check.text(40, nullable=True)),
        would_like=check.get(obj, "would_like", where, check.choice(check.enum_values(WouldLike), nullable=True)),
        caption=check.get(obj, "caption", where, check.text(experiences.MAX_CAPTION)),
        caption_symbols=caption_symbols,
        tags=tags,
        help_level=check.get(obj, "help_level", where, check.choice(check.enum_values(HelpLevel), nullable=True)),
        status=check.get(obj, "status", where, check.choice(check.enum_values(ExperienceStatus))),
        staff_note=check.get(obj, "staff_note", where, check.text(experiences.MAX_NOTE)),
        created_at=check.get(obj, "created_at", where, check.moment, optional=True),
        submitted_at=check.get(obj, "submitted_at", where, check.moment, optional=True),
        shared_at=check.get(obj, "shared_at", where, check.moment, optional=True),
        photos=photos,
        voice=check.get(obj, "voice", where, check.media, optional=True),
        comments=[_comment(c) for c in check.get(obj, "comments", where, check.list_of(MAX_COMMENTS))],
        activity=check.get(obj, "activity", where, lambda v: v if v is None else check.uid(v), optional=True),
    )


def _statement(value: Any, index: int) -> StatementData:
    where = f"passport[{index}]"
    obj = check.mapping(value)
    return StatementData(
        uid=check.get(obj, "uid", where, check.uid),
        section=check.get(obj, "section", where, check.choice(check.enum_values(PassportSection))),
        text=check.get(obj, "text", where, check.text(MAX_STATEMENT_TEXT)),
        symbol=check.get(obj, "symbol", where, check.text(80, nullable=True)),
        help_level=check.get(obj, "help_level", where, check.choice(check.enum_values(HelpLevel), nullable=True)),
        status=check.get(obj, "status", where, check.choice(check.enum_values(StatementStatus))),
        position=check.get(obj, "position", where, check.whole),
        voice=check.get(obj, "voice", where, check.media, optional=True),
        evidence=[check.uid(item) for item in check.get(obj, "evidence", where, check.list_of(MAX_EVIDENCE))],
    )


def parse_document(data: bytes) -> PortfolioData:
    """Check ``portfolio.json`` field by field. Raises ``ImportRefused`` with a kind message."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ImportRefused(BAD_DETAILS, f"portfolio.json is not JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused(BAD_DETAILS, "portfolio.json is not a My Next Steps portfolio")
    version = document.get("version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise ImportRefused(WRONG_VERSION, f"version {version!r}")
    try:
        learner = check.get(document, "learner", "document", check.mapping)
        display = check.get(learner, "display", "learner", check.mapping)
        parsed = PortfolioData(
            export_uid=check.get(document, "export_uid", "document", check.uid),
            name=check.get(learner, "name", "learner", check.text(120)),
            picture_symbol=check.get(learner, "picture_symbol", "learner", check.text(60, nullable=True)),
            text_size=check.get(display, "text_size", "display", check.choice(check.enum_values(TextSize))),
            high_contrast=check.get(display, "high_contrast", "display", check.flag),
            symbol_mode=check.get(display, "symbol_mode", "display", check.choice(check.enum_values(SymbolMode))),
            experiences=[_experience(item, i) for i, item in
                         enumerate(check.get(document, "experiences", "document", check.list_of(MAX_EXPERIENCES)))],
            statements=[_statement(item, i) for i, item in
                        enumerate(check.get(document, "passport", "document", check.list_of(MAX_STATEMENTS)))],
            school=check.get(document, "school", "document", check.text(200, nullable=True), optional=True) or "",
            scanning=_scanning(display),
        )
        parsed = replace(parsed, more=parse_more(document, version, {e.uid for e in parsed.experiences}))
    except check.Bad as problem:
        raise ImportRefused(BAD_DETAILS, str(problem)) from None
    if not parsed.name.strip():
        raise ImportRefused(BAD_DETAILS, "learner.name is empty")
    uids = [e.uid for e in parsed.experiences] + [s.uid for s in parsed.statements]
    if len(set(uids)) != len(uids):
        raise ImportRefused(BAD_DETAILS, "a uid is used twice")
    _check_links(parsed)
    return parsed


def _check_links(parsed: PortfolioData) -> None:
    """Every uid one part names is in the file: statements' evidence, entries' activities."""
    known = {e.uid for e in parsed.experiences}
    for statement in parsed.statements:
        if any(uid not in known for uid in statement.evidence):
            raise ImportRefused(BAD_DETAILS, f"statement {statement.uid} links an entry that is not in the file")
    activities = {a.uid for a in parsed.more.activities}
    for entry in parsed.experiences:
        if entry.activity is not None and entry.activity not in activities:
            raise ImportRefused(BAD_DETAILS, f"entry {entry.uid} records an activity that is not in the file")


def _media_refs(parsed: PortfolioData) -> list[MediaRef]:
    refs: list[MediaRef] = []
    for entry in parsed.experiences:
        refs.extend(entry.photos)
        if entry.voice:
            refs.append(entry.voice)
    refs.extend(s.voice for s in parsed.statements if s.voice)
    refs.extend(parsed.more.media_refs())
    return refs


def read_portfolio(archive: zipfile.ZipFile) -> tuple[PortfolioData, dict[str, zipfile.ZipInfo]]:
    """Check the archive and its JSON, and that every file the JSON names is there."""
    files = check_members(archive)
    if JSON_NAME not in files:
        raise ImportRefused(NOT_A_ZIP, "no portfolio.json")
    parsed = parse_document(read_member(archive, files[JSON_NAME], MAX_JSON_BYTES))
    for ref in _media_refs(parsed):
        if ref.path not in files:
            raise ImportRefused(MISSING_FILE, f"{ref.path} is named but not in the zip")
    return parsed, files


# --------------------------------------------------------------------------- making the rows


@dataclass
class _Importer:
    dbs: Session
    store: MediaStore
    archive: zipfile.ZipFile
    files: dict[str, zipfile.ZipInfo]
    school: School
    max_voice_seconds: float
    written: list[str] = field(default_factory=list)
    own_symbols: dict[str, int] = field(default_factory=dict)
    added_activities: int = 0

    def bytes_of(self, ref: MediaRef, limit: int) -> bytes:
        data = read_member(self.archive, self.files[ref.path], limit)
        if hashlib.sha256(data).hexdigest() != ref.sha256:
            raise ImportRefused(DAMAGED, f"{ref.path} does not match its SHA-256")
        return data

    def voice(self, ref: MediaRef, folder: str) -> MediaFile:
        try:
            stored = ingest_voice(self.bytes_of(ref, MAX_VOICE_BYTES), self.store, f"{folder}/{self.school.id}",
                                  max_seconds=self.max_voice_seconds, max_bytes=MAX_VOICE_BYTES)
        except VoiceRefused as refused:
            raise ImportRefused(BAD_VOICE, f"{ref.path}: {refused.message}") from refused
        self.written.append(stored.key)
        return MediaFile(school_id=self.school.id, key=stored.key, content_type=stored.content_type,
                         seconds=stored.seconds)

    def add_photo(self, entry: Experience, ref: MediaRef) -> None:
        try:
            stored = ingest_photo(self.bytes_of(ref, MAX_MEMBER_BYTES), self.store, f"photos/{self.school.id}",
                                  max_bytes=MAX_MEMBER_BYTES)
        except PhotoRefused as refused:
            raise ImportRefused(BAD_PHOTO, f"{ref.path}: {refused.message}") from refused
        self.written.extend([stored.display_key, stored.thumb_key])
        try:
            photo = experiences.add_photo(self.dbs, entry, stored)
        except experiences.ExperienceError as problem:
            raise ImportRefused(BAD_DETAILS, f"{ref.path}: {problem.message}") from problem
        if photo.display.key != stored.display_key:  # the same photo twice in one entry: keep one copy
            for key in (stored.display_key, stored.thumb_key):
                self.store.delete(key)
                self.written.remove(key)

    def review_photo(self, ref: MediaRef) -> MediaFile:
        """A review pack's photo, encoded again like an upload; a pack keeps only the one size it shows."""
        try:
            stored = ingest_photo(self.bytes_of(ref, MAX_MEMBER_BYTES), self.store, f"reviews/{self.school.id}",
                                  max_bytes=MAX_MEMBER_BYTES)
        except PhotoRefused as refused:
            raise ImportRefused(BAD_PHOTO, f"{ref.path}: {refused.message}") from refused
        self.store.delete(stored.thumb_key)
        self.written.append(stored.display_key)
        return MediaFile(school_id=self.school.id, key=stored.display_key, content_type=stored.content_type)

    def symbol_ref(self, reference: str | None) -> str | None:
        """A symbol reference from the file, as this school refers to it; None when it has no such picture."""
        if not reference:
            return reference
        if reference.startswith(SCHOOL_WORD_PREFIX):
            symbol_id = self.own_symbols.get(reference[len(SCHOOL_WORD_PREFIX):])
            return f"{school_symbols.REFERENCE_PREFIX}{symbol_id}" if symbol_id is not None else None
        known = vocabulary.word(reference) is not None or openmoji.is_reference(reference)
        return reference if known else None


def _free_uid(dbs: Session, model: type[Experience | PassportStatement], school_id: int, source: str) -> str:
    for candidate in (source, local_uid(school_id, source)):
        if dbs.scalar(select(model.id).where(model.uid == candidate)) is None:
            return candidate
    return str(uuid.uuid4())


def _already_here(dbs: Session, model: type[Experience | PassportStatement], school_id: int,
                  source: str) -> Any:
    return dbs.scalar(select(model).where(model.uid.in_([source, local_uid(school_id, source)]),
                                          model.school_id == school_id))


def _known_word(key: str | None, category: str | None = None) -> str | None:
    found = vocabulary.word(key) if key else None
    if found is None or (category is not None and found.category != category):
        return None
    return found.key


def _known_tags(tags: Iterable[tuple[str, str]]) -> list[ExperienceTag]:
    """The entry's symbols this install knows, in order, once each; any other is left out quietly
    (a symbol this install does not have yet), and the rest of the entry still comes."""
    schemes = check.enum_values(TagScheme)
    positions: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    known = []
    for scheme, value in tags:
        if scheme not in schemes or vocabulary.word(value) is None or (scheme, value) in seen:
            continue
        seen.add((scheme, value))
        position = positions.get(scheme, 0)
        positions[scheme] = position + 1
        known.append(ExperienceTag(scheme=scheme, value=value, position=position))
    return known


def _new_experience(importer: _Importer, learner: User, data: ExperienceData) -> Experience:
    school_id = importer.school.id
    caption_symbols = {}
    for word, reference in data.caption_symbols.items():
        mapped = importer.symbol_ref(reference)
        if mapped is not None:
            caption_symbols[vocabulary.normalise_word(word)] = mapped
    entry = Experience(
        uid=_free_uid(importer.dbs, Experience, school_id, data.uid),
        school_id=school_id,
        learner_id=learner.id,
        created_by_id=None,
        kind=data.kind,
        place=experiences.clean_line(data.place, 200),
        place_symbol=_known_word(data.place_symbol, "places"),
        start_date=data.start_date,
        end_date=data.end_date,
        feeling=_known_word(data.feeling),
        would_like=data.would_like,
        caption=experiences.clean_line(data.caption, experiences.MAX_CAPTION),
        caption_symbols=caption_symbols,
        help_level=data.help_level,
        staff_note=experiences.clean_text(data.staff_note, experiences.MAX_NOTE),
        status=data.status,
        step="send",
        submitted_at=data.submitted_at,
        shared_at=data.shared_at,
    )
    if data.created_at is not None:
        entry.created_at = data.created_at
    entry.tags.extend(_known_tags(data.tags))
    importer.dbs.add(entry)
    importer.dbs.flush()
    for ref in data.photos:
        importer.add_photo(entry, ref)
    if data.voice is not None:
        entry.voice = importer.voice(data.voice, "voice")
    for comment in data.comments:
        if not comment.text.strip():
            continue
        row = FamilyComment(school_id=school_id, text=experiences.clean_text(comment.text, MAX_COMMENT),
                            passed_on_at=comment.passed_on_at)
        if comment.created_at is not None:
            row.created_at = comment.created_at
        entry.comments.append(row)
    importer.dbs.flush()
    return entry


def _new_statement(importer: _Importer, learner: User, data: StatementData,
                   entries_by_uid: dict[str, Experience]) -> PassportStatement:
    statement = PassportStatement(
        uid=_free_uid(importer.dbs, PassportStatement, importer.school.id, data.uid),
        school_id=importer.school.id,
        learner_id=learner.id,
        section=data.section,
        text=experiences.clean_text(data.text, MAX_STATEMENT_TEXT),
        symbol=importer.symbol_ref(data.symbol),
        help_level=data.help_level,
        status=data.status,
        position=data.position,
    )
    if data.voice is not None:
        statement.voice = importer.voice(data.voice, "passport")
    statement.evidence = [entries_by_uid[uid] for uid in data.evidence if uid in entries_by_uid]
    importer.dbs.add(statement)
    importer.dbs.flush()
    return statement


def _find_learner(dbs: Session, school: School, parsed: PortfolioData) -> tuple[ImportRecord | None, User | None]:
    """The learner this portfolio already became here, if it did: by its import record, else by its entries."""
    record = dbs.scalar(select(ImportRecord).where(ImportRecord.school_id == school.id,
                                                   ImportRecord.export_uid == parsed.export_uid))
    if record is not None and record.learner_id is not None:
        learner = dbs.get(User, record.learner_id)
        if learner is not None and learner.school_id == school.id:
            return record, learner
    for entry in parsed.experiences:
        found = _already_here(dbs, Experience, school.id, entry.uid)
        if found is not None:
            return record, found.learner
    for statement_data in parsed.statements:
        found = _already_here(dbs, PassportStatement, school.id, statement_data.uid)
        if found is not None:
            return record, found.learner
    return record, None


def import_portfolio(
    dbs: Session,
    store: MediaStore,
    source: IO[bytes] | str,
    *,
    school: School,
    group: Group,
    actor: User,
    max_voice_seconds: float = 300,
) -> ImportResult:
    """Import a portfolio zip as a learner of ``school`` in ``group`` (or add what is new to them).

    An import is all or nothing: on ``ImportRefused`` every file it stored is deleted and the
    session is rolled back, so the caller only shows the message. On success the caller commits,
    and deletes ``result.written_keys`` if that commit fails.
    """
    if group.school_id != school.id:
        raise ImportRefused("Please choose a group from your school.", "group from another school")
    written: list[str] = []
    try:
        with open_archive(source) as archive:
            parsed, files = read_portfolio(archive)
            try:
                return _import(_importer(dbs, store, archive, files, school, max_voice_seconds, written),
                               parsed, group, actor)
            except IntegrityError:
                # Someone imported the same archive at the same moment and committed first: their
                # import record now exists, so a second go finds it and adds only what is new (nothing).
                _undo(dbs, store, written)
                written.clear()
                return _import(_importer(dbs, store, archive, files, school, max_voice_seconds, written),
                               parsed, group, actor)
    except BaseException:
        _undo(dbs, store, written)
        raise


def _importer(dbs: Session, store: MediaStore, archive: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo],
              school: School, max_voice_seconds: float, written: list[str]) -> _Importer:
    importer = _Importer(dbs, store, archive, files, school, max_voice_seconds, written)
    importer.own_symbols = {word: symbol_id for word, symbol_id in dbs.execute(
        select(SchoolSymbol.word, SchoolSymbol.id).where(SchoolSymbol.school_id == school.id))}
    return importer


def _undo(dbs: Session, store: MediaStore, written: list[str]) -> None:
    dbs.rollback()
    for key in written:
        store.delete(key)


def _import(importer: _Importer, parsed: PortfolioData, group: Group, actor: User) -> ImportResult:
    dbs, school = importer.dbs, importer.school
    record, learner = _find_learner(dbs, school, parsed)
    if record is None:
        # Claim the archive before any other write: the UNIQUE (school, export_uid) row is the first
        # thing a simultaneous import of the same zip meets, so it waits for this one and then fails
        # at once (IntegrityError, retried by the caller) instead of building a second learner.
        record = ImportRecord(school_id=school.id, export_uid=parsed.export_uid, imported_by_id=actor.id)
        dbs.add(record)
        dbs.flush()
    created = learner is None
    if learner is None:
        learner = _new_learner(dbs, school, group, parsed)
    result = _add_parts(importer, learner, parsed)
    result.created_learner = created
    if record.learner_id != learner.id:
        record.learner_id = learner.id
    dbs.flush()
    audit_log.record(dbs, action="imported", record_kind="import_records", record_id=record.id,
                     learner_id=learner.id, school_id=school.id, actor=actor,
                     detail=(f"portable portfolio: {result.added_experiences} entries, "
                             f"{result.added_statements} passport statements, {result.added_plan_years} plan years, "
                             f"{result.added_review_packs} review packs, {result.added_activities} activities"))
    return result


def _scan_seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or float(value) not in access.SCAN_SECONDS:
        raise check.Bad("is not one of the scan speeds")
    return float(value)


def _scanning(display: dict[str, Any]) -> ScanningData | None:
    """The scanning settings when the file has them (files made before they existed do not)."""
    if "scan_mode" not in display:
        return None
    return ScanningData(
        scan_mode=check.get(display, "scan_mode", "display", check.choice(check.enum_values(ScanMode))),
        scan_seconds=check.get(display, "scan_seconds", "display", _scan_seconds),
        scan_speaks=check.get(display, "scan_speaks", "display", check.flag),
        hear_first=check.get(display, "hear_first", "display", check.flag),
    )


def _keep_scanning(dbs: Session, learner: User, parsed: PortfolioData) -> None:
    """Save the file's settings the way staff save them on the access page (checked once more there)."""
    scanning = parsed.scanning
    if scanning is None:
        return
    on = {True: "on", False: ""}
    access.save_settings(dbs, learner, {
        "text_size": parsed.text_size, "symbol_mode": parsed.symbol_mode, "high_contrast": on[parsed.high_contrast],
        "scan_mode": scanning.scan_mode, "scan_seconds": str(scanning.scan_seconds),
        "scan_speaks": on[scanning.scan_speaks], "hear_first": on[scanning.hear_first]})


def _new_learner(dbs: Session, school: School, group: Group, parsed: PortfolioData) -> User:
    learner = User(
        school_id=school.id,
        role=Role.LEARNER.value,
        display_name=parsed.name.strip()[:120],
        group_id=group.id,
        # A picture the login check cannot show would lock the learner out; staff choose one instead.
        picture_symbol=parsed.picture_symbol if parsed.picture_symbol in PICTURE_SYMBOLS else None,
        text_size=parsed.text_size,
        high_contrast=parsed.high_contrast,
        symbol_mode=parsed.symbol_mode,
    )
    dbs.add(learner)
    dbs.flush()
    _keep_scanning(dbs, learner, parsed)
    return learner


def _add_parts(importer: _Importer, learner: User, parsed: PortfolioData) -> ImportResult:
    """Everything in the file that is not here yet: entries, passport, record, activities, plan, packs."""
    dbs, school = importer.dbs, importer.school
    import_parts.add_record(importer, learner, parsed.more)
    entries_by_uid: dict[str, Experience] = {}
    added: dict[str, tuple[Experience, str | None]] = {}
    for data in parsed.experiences:
        existing = _already_here(dbs, Experience, school.id, data.uid)
        if existing is None:
            existing = _new_experience(importer, learner, data)
            added[data.uid] = (existing, data.activity)
        entries_by_uid[data.uid] = existing
    added_statements = 0
    for statement_data in parsed.statements:
        if _already_here(dbs, PassportStatement, school.id, statement_data.uid) is not None:
            continue
        _new_statement(importer, learner, statement_data, entries_by_uid)
        added_statements += 1
    activities = import_parts.add_activities(importer, learner, parsed.more, parsed.school)
    import_parts.link_entries(importer, added, activities)
    plan_years = import_parts.add_plan(importer, learner, parsed.more, entries_by_uid)
    packs = import_parts.add_packs(importer, learner, parsed.more)
    return ImportResult(learner, False, len(added), added_statements, list(importer.written),
                        added_plan_years=plan_years, added_review_packs=packs,
                        added_activities=importer.added_activities)
