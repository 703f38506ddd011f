"""Writing a learner's whole portfolio into one zip they can take to their next school or college.

The zip holds an offline copy (``index.html``, a small stylesheet, the photos, recordings and
symbols it shows, all by relative links, so it opens from a USB stick with no server and no
JavaScript) and ``portfolio.json``, which another install imports. The zip is written into a
file the caller gives, one member at a time, so a large portfolio never sits in memory whole.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from jinja2 import Environment
from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.audit import log as audit_log
from portfolio.experiences import service as experiences
from portfolio.media.storage import MediaStore
from portfolio.models import (
    Experience,
    HelpLevel,
    PassportSection,
    PassportStatement,
    SchoolSymbol,
    StatementStatus,
    TagScheme,
    User,
)
from portfolio.people import access
from portfolio.portability import export_parts as parts
from portfolio.portability import offline
from portfolio.portability.format import FORMAT, INDEX_NAME, JSON_NAME, STYLE_NAME, VERSION, export_uid
from portfolio.symbols import library as symbol_library
from portfolio.symbols import service as school_symbols
from portfolio.symbols import vocabulary

logger = logging.getLogger(__name__)

OFFLINE_TEMPLATE = "portability/offline/index.html"
OFFLINE_STYLE = "portability/offline/style.css"
# How the JSON names a school's own picture: its word, since ids mean nothing in another install.
SCHOOL_WORD_PREFIX = "school-word:"


@dataclass
class _Archive:
    """The zip being written, and the symbols the offline page has asked for so far."""

    zip: zipfile.ZipFile
    store: MediaStore
    symbol_dir: Path
    own_symbols: dict[int, SchoolSymbol]
    symbols: set[str] = field(default_factory=set)
    school_symbols: dict[str, SchoolSymbol] = field(default_factory=dict)

    def media(self, name: str, key: str) -> dict[str, Any] | None:
        """Copy one stored file into the zip and describe it for the JSON (path and SHA-256).

        A file missing from the store is left out (and logged) rather than failing the whole
        export: the learner still gets everything else.
        """
        if not self.store.exists(key):
            logger.error("Media file %s is missing from the store; left out of the export", key)
            return None
        data = self.store.read(key)
        # Photos and recordings are already compressed; deflating them again only costs time.
        self.zip.writestr(_info(name, zipfile.ZIP_STORED), data)
        return {"path": name, "sha256": hashlib.sha256(data).hexdigest()}

    def symbol(self, name: str | None) -> str | None:
        """The offline path of an OpenMoji symbol, copied once when first used."""
        if not name:
            return None
        known = name if symbol_library.drawing(name, self.symbol_dir) is not None else "info"
        self.symbols.add(known)
        return f"symbols/{symbol_library.file_stem(known)}.svg"

    def symbol_ref(self, reference: str | None) -> str | None:
        """The offline path for a symbol reference: a vocabulary name or one of the school's own pictures."""
        if not reference:
            return None
        if reference.startswith(school_symbols.REFERENCE_PREFIX):
            own = self._school_symbol(reference)
            if own is None or not self.store.exists(own.image.key):
                return None
            path = f"symbols/school/{own.id}.jpg"
            self.school_symbols[path] = own
            return path
        return self.symbol(reference)

    def portable_ref(self, reference: str | None) -> str | None:
        """A symbol reference for the JSON: a school picture becomes ``school-word:<word>``."""
        if reference is None or not reference.startswith(school_symbols.REFERENCE_PREFIX):
            return reference
        own = self._school_symbol(reference)
        return f"{SCHOOL_WORD_PREFIX}{own.word}" if own is not None else None

    def _school_symbol(self, reference: str) -> SchoolSymbol | None:
        try:
            symbol_id = int(reference[len(school_symbols.REFERENCE_PREFIX):])
        except ValueError:
            return None
        return self.own_symbols.get(symbol_id)


def _info(name: str, method: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = method
    info.external_attr = 0o644 << 16  # a plain file, readable after unzipping on any system
    return info


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def download_name(learner: User, today: date) -> str:
    """``portfolio-sam-patel-2026-06-12.zip``: plain ASCII so every browser and USB stick copes."""
    folded = unicodedata.normalize("NFKD", learner.display_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "learner"
    return f"portfolio-{slug[:60]}-{today.isoformat()}.zip"


def statements_for(dbs: Session, learner: User) -> list[PassportStatement]:
    """The learner's passport in the order of the common UK templates, then as staff arranged it."""
    order = {section.value: index for index, section in enumerate(PassportSection)}
    rows = dbs.scalars(select(PassportStatement).where(PassportStatement.learner_id == learner.id))
    return sorted(rows, key=lambda s: (order.get(s.section, len(order)), s.position, s.id))


def write_export(
    dbs: Session,
    store: MediaStore,
    learner: User,
    out: IO[bytes],
    *,
    secret_key: str,
    templates: Environment,
    symbol_dir: Path,
    exported_at: datetime,
    attribution: str,
    actor: User | None = None,
    reason: str = "portable portfolio",
) -> None:
    """Write the learner's portfolio zip into ``out`` (binary); with ``actor``, on the audit trail too."""
    if actor is not None:
        record_export(dbs, learner, actor, reason)
    own = list(dbs.scalars(select(SchoolSymbol).where(SchoolSymbol.school_id == learner.school_id)))
    entries = [entry for entry in experiences.portfolio(dbs, learner) if not parts.is_empty_draft(entry)]
    statements = statements_for(dbs, learner)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive_zip:
        archive = _Archive(archive_zip, store, symbol_dir, {s.id: s for s in own})
        document = _document(dbs, archive, learner, entries, statements, secret_key, exported_at)
        page = _offline_page(templates, archive, learner, document, exported_at, attribution)
        archive_zip.writestr(_info(INDEX_NAME, zipfile.ZIP_DEFLATED), page)
        archive_zip.writestr(_info(STYLE_NAME, zipfile.ZIP_DEFLATED),
                             templates.get_template(OFFLINE_STYLE).render())
        _write_symbols(archive_zip, archive, store, symbol_dir)
        archive_zip.writestr(_info(JSON_NAME, zipfile.ZIP_DEFLATED),
                             json.dumps(document.data, ensure_ascii=False, indent=2))


@dataclass
class _Document:
    """``portfolio.json`` (``data``) and what the offline page shows of the same things."""

    data: dict[str, Any]
    entry_pages: list[dict[str, Any]]
    passport_pages: list[dict[str, Any]]


def _document(dbs: Session, archive: _Archive, learner: User, entries: list[Experience],
              statements: list[PassportStatement], secret_key: str, exported_at: datetime) -> _Document:
    """Build the JSON and the offline page's parts, copying every photo and recording once."""
    own_map = {s.word: f"{school_symbols.REFERENCE_PREFIX}{s.id}" for s in archive.own_symbols.values()}
    numbers = {entry.uid: index for index, entry in enumerate(entries, start=1)}
    entry_uids = {entry.id: entry.uid for entry in entries}
    activities = parts.activities_json(dbs, archive, learner, secret_key)
    exported_activities = {item["uid"] for item in activities}
    entry_json, entry_pages = [], []
    for entry in entries:
        data, page = _experience(archive, entry, numbers[entry.uid], own_map)
        activity = parts.activity_uid(secret_key, entry.activity_id) if entry.activity_id is not None else None
        data["activity"] = activity if activity in exported_activities else None
        entry_json.append(data)
        entry_pages.append(page)
    statement_json = [_statement_json(archive, statement, numbers) for statement in statements]
    voices = {item["uid"]: item["voice"]["path"] for item in statement_json if item["voice"]}
    data = {
        "format": FORMAT,
        "version": VERSION,
        "export_uid": export_uid(secret_key, learner.id),
        "exported_at": exported_at.replace(microsecond=0).isoformat() + "Z",
        "school": learner.school.name,
        "learner": _learner_json(access.settings_for(dbs, learner), learner),
        "record": parts.record_json(learner),
        "experiences": entry_json,
        "passport": statement_json,
        "transition_plan": parts.plan_json(dbs, learner, entry_uids),
        "review_packs": parts.reviews_json(dbs, archive, learner, entry_uids, secret_key),
        "careers_activities": activities,
        "evidence": parts.evidence_json(dbs, learner, exported_at.date()),
    }
    return _Document(data, entry_pages, _passport_pages(archive, statements, numbers, voices))


def record_export(dbs: Session, learner: User, actor: User, reason: str) -> None:
    """Put a download of the learner's data on their audit trail (the caller commits)."""
    audit_log.record(dbs, action="exported", record_kind="users", record_id=learner.id, learner_id=learner.id,
                     school_id=learner.school_id, actor=actor, detail=reason)


def _offline_page(templates: Environment, archive: _Archive, learner: User, document: _Document,
                  exported_at: datetime, attribution: str) -> str:
    """``index.html``: the portfolio anyone can open with no server, its symbols beside it in the zip."""
    return templates.get_template(OFFLINE_TEMPLATE).render(
        learner=learner,
        learner_symbol=archive.symbol(learner.picture_symbol or "learner"),
        entries=document.entry_pages,
        passport=document.passport_pages,
        **offline.more_parts(archive, document.data, document.entry_pages),
        icons={name: archive.symbol(name) for name in ("portfolio", "calendar", "comment", "family", "play",
                                                        "info", "step-did", "step-skills", "step-words")},
        school_name=learner.school.name,
        exported_on=exported_at.strftime("%-d %B %Y"),
        attribution=attribution,
        html_classes=_display_classes(learner),
    )


def _write_symbols(archive_zip: zipfile.ZipFile, archive: _Archive, store: MediaStore, symbol_dir: Path) -> None:
    """Every symbol the page and the JSON used: library SVGs, and the school's own pictures from the store."""
    for name in sorted(archive.symbols):
        source = symbol_library.drawing(name, symbol_dir) or symbol_dir / "info.svg"
        archive_zip.write(source, arcname=f"symbols/{symbol_library.file_stem(name)}.svg")
    for path, own_symbol in sorted(archive.school_symbols.items()):
        archive_zip.writestr(_info(path, zipfile.ZIP_STORED), store.read(own_symbol.image.key))


def _display_classes(learner: User) -> str:
    classes = [f"text-{learner.text_size}"]
    if learner.high_contrast:
        classes.append("contrast-high")
    if learner.symbol_mode == "text-only":
        classes.append("symbols-off")
    return " ".join(classes)


def _learner_json(settings: access.AccessSettings, learner: User) -> dict[str, Any]:
    """Who the portfolio is about, and how their pages look and are reached: a learner who scans with
    a switch must be able to on their first day at the new school, before anyone finds the settings."""
    return {
        "name": learner.display_name,
        "picture_symbol": learner.picture_symbol,
        "display": {
            "text_size": settings.text_size,
            "high_contrast": settings.high_contrast,
            "symbol_mode": settings.symbol_mode,
            "scan_mode": settings.scan_mode,
            "scan_seconds": settings.scan_seconds,
            "scan_speaks": settings.scan_speaks,
            "hear_first": settings.hear_first,
        },
    }


def _words(archive: _Archive, keys: Iterable[str]) -> list[dict[str, str | None]]:
    return [{"label": _word_label(key), "symbol": archive.symbol(key)} for key in keys]


def _word_label(key: str | None) -> str:
    found = vocabulary.word(key) if key else None
    return found.label if found else (key or "")


def _experience(archive: _Archive, entry: Experience, number: int,
                own_map: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """One entry as JSON and as what the offline page shows, copying its photos and voice."""
    photos_json, photos_page = _entry_photos(archive, entry)
    voice = None
    if entry.voice is not None:
        copied = archive.media(f"media/voice/{entry.uid}.m4a", entry.voice.key)
        voice = {**copied, "seconds": entry.voice.seconds} if copied else None
    comments = [
        {
            "text": comment.text,
            "author": comment.author.display_name if comment.author else "",
            "created_at": _iso(comment.created_at),
            "passed_on_at": _iso(comment.passed_on_at),
        }
        for comment in entry.comments
        if comment.text
    ]
    data = {**_entry_fields(archive, entry), "photos": photos_json, "voice": voice, "comments": comments}
    page = {**_entry_page(archive, entry, number, own_map), "photos": photos_page,
            "voice": voice["path"] if voice else None, "comments": [comment["text"] for comment in comments]}
    return data, page


def _entry_photos(archive: _Archive, entry: Experience) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The entry's photos copied into the zip: as JSON, and as the offline page shows them."""
    photos_json, photos_page = [], []
    for index, photo in enumerate(sorted(entry.photos, key=lambda p: (p.position, p.id)), start=1):
        base = f"media/photos/{entry.uid}/{index}"
        display = archive.media(f"{base}.jpg", photo.display.key)
        thumb = archive.media(f"{base}-thumb.jpg", photo.thumb.key) if display else None
        if display is None or thumb is None:
            continue
        photos_json.append({
            "display": {**display, "width": photo.width, "height": photo.height},
            "thumb": {**thumb, "width": photo.thumb_width, "height": photo.thumb_height},
        })
        photos_page.append({"src": display["path"], "width": photo.width, "height": photo.height})
    return photos_json, photos_page


def _entry_fields(archive: _Archive, entry: Experience) -> dict[str, Any]:
    return {
        "uid": entry.uid,
        "kind": entry.kind,
        "place": entry.place,
        "place_symbol": entry.place_symbol,
        "start_date": _iso(entry.start_date),
        "end_date": _iso(entry.end_date),
        "feeling": entry.feeling,
        "would_like": entry.would_like,
        "caption": entry.caption,
        "caption_symbols": {word: archive.portable_ref(ref) or "" for word, ref in (entry.caption_symbols or {}).items()},
        "tags": [{"scheme": tag.scheme, "value": tag.value} for tag in entry.tags],
        "help_level": entry.help_level,
        "status": entry.status,
        "staff_note": entry.staff_note,
        "created_at": _iso(entry.created_at),
        "submitted_at": _iso(entry.submitted_at),
        "shared_at": _iso(entry.shared_at),
    }


def _entry_page(archive: _Archive, entry: Experience, number: int, own_map: dict[str, str]) -> dict[str, Any]:
    """What the offline page shows of an entry, with every symbol copied into the zip."""
    words = vocabulary.symbolise(entry.caption, own_symbols=own_map, overrides=entry.caption_symbols or {})
    help_level = entry.help_level_enum
    return {
        "anchor": f"entry-{number}",
        "headline": experiences.headline(entry),
        "kind_symbol": archive.symbol(entry.kind_enum.symbol if entry.kind_enum else "portfolio"),
        "when": experiences.when_text(entry),
        "did": _words(archive, entry.tag_values(TagScheme.DID)),
        "skills": _words(archive, entry.tag_values(TagScheme.SKILL)),
        "feeling": {"label": _word_label(entry.feeling), "symbol": archive.symbol(entry.feeling)} if entry.feeling else None,
        "would_like": ({"label": entry.would_like_enum.label, "symbol": archive.symbol(entry.would_like_enum.symbol)}
                       if entry.would_like_enum else None),
        "caption": [{"text": word.text, "symbol": archive.symbol_ref(word.symbol)} for word in words],
        "help": {"label": help_level.label, "symbol": archive.symbol(help_level.symbol)} if help_level else None,
        "status": {"label": entry.status_enum.label, "symbol": archive.symbol(entry.status_enum.symbol)},
        "learner_name": entry.learner.first_name,
    }


def _statement_json(archive: _Archive, statement: PassportStatement, numbers: dict[str, int]) -> dict[str, Any]:
    voice = None
    if statement.voice is not None:
        copied = archive.media(f"media/passport/{statement.uid}.m4a", statement.voice.key)
        voice = {**copied, "seconds": statement.voice.seconds} if copied else None
    return {
        "uid": statement.uid,
        "section": statement.section,
        "text": statement.text,
        "symbol": archive.portable_ref(statement.symbol),
        "help_level": statement.help_level,
        "status": statement.status,
        "position": statement.position,
        "voice": voice,
        "evidence": [entry.uid for entry in statement.evidence if entry.uid in numbers],
    }


def _passport_pages(archive: _Archive, statements: list[PassportStatement], numbers: dict[str, int],
                    voices: dict[str, str]) -> list[dict[str, Any]]:
    """The passport's sections for the offline page: only statements in use, not suggestions or declined ones."""
    sections = []
    for section in PassportSection:
        shown = [s for s in statements if s.section == section.value and s.status == StatementStatus.ACTIVE.value]
        if not shown:
            continue
        sections.append({
            "anchor": f"passport-{section.value}",
            "label": section.label,
            "statements": [
                {
                    "text": s.text,
                    "symbol": archive.symbol_ref(s.symbol),
                    "voice": voices.get(s.uid),
                    "help": HelpLevel(s.help_level).label if s.help_level in {h.value for h in HelpLevel} else None,
                    "evidence": [
                        {"anchor": f"entry-{numbers[e.uid]}", "headline": experiences.headline(e)}
                        for e in s.evidence if e.uid in numbers
                    ],
                }
                for s in shown
            ],
        })
    return sections

