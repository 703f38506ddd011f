"""The subject access export: everything the app holds about one learner, in one zip.

It holds the portable portfolio (the same zip a new school imports, with its offline page), then
every row of every table that holds the learner's data as JSON, one file per part of the app,
with the photos, recordings (the learner's, their family's spoken comments, employers' spoken
feedback) and annual review PDFs beside them, and a plain ``index.html`` saying what each file is.

Rows are copied column by column, so a column added later is exported without a change here.
Secret hashes (of login cards, links and sign-ins) are left out: they are keys, not information
about the learner, and would only help someone who stole the file. ``COVERED`` names the file
each table goes into; a test checks it against the tables the audit trail knows hold learner data.
"""
from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from jinja2 import Environment
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from portfolio.db import Base
from portfolio.media.storage import MediaStore
from portfolio.models import MediaFile, ReviewPack, User
from portfolio.portability import export as portable_export
from portfolio.reviews import service as annual_review

INDEX_TEMPLATE = "stewardship/subject_access_index.html"
PORTABLE_NAME = "portable/portfolio.zip"
SECRET_COLUMNS = frozenset({"token_hash", "short_code_hash", "password_hash"})
MEDIA_COLUMNS = frozenset({"voice_id", "display_id", "thumb_id", "media_id"})
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "audio/mp4": "m4a", "audio/mpeg": "mp3",
              "application/pdf": "pdf"}

# Which file in the zip holds each table's rows.
COVERED: dict[str, str] = {
    "users": "data/account.json", "parent_links": "data/account.json",
    "access_settings": "data/account.json",
    "login_cards": "data/sign_in.json", "sign_ins": "data/sign_in.json",
    "experiences": "data/entries.json", "experience_tags": "data/entries.json",
    "experience_photos": "data/entries.json", "family_comments": "data/entries.json",
    "passport_statements": "data/passport.json", "passport_evidence": "data/passport.json",
    "photo_consents": "data/photo_consent.json",
    "share_links": "data/sharing.json", "share_accesses": "data/sharing.json",
    "import_records": "data/imports.json",
    "transition_plans": "data/plan.json", "plan_options": "data/plan.json",
    "plan_option_experiences": "data/plan.json", "next_steps": "data/plan.json",
    "review_packs": "data/reviews.json", "review_media": "data/reviews.json",
    "activity_participants": "data/careers.json", "employer_feedback": "data/careers.json",
    "feedback_accesses": "data/careers.json",
    "learner_records": "data/record.json", "destinations": "data/record.json",
    "audit_events": "data/audit_trail.json",
    "jobs": "data/jobs.json",
    "notices": "data/notices.json",
    "sync_keys": "data/offline_sync.json",
}

# What each file is, for the index page, in the order it lists them.
FILES: dict[str, str] = {
    "data/account.json": "The learner's account: name, group, picture, display and access settings; their parents' links.",
    "data/record.json": "The school's record: date of birth, year, needs, EHC plan; leaving and destinations.",
    "data/entries.json": "Every entry with its symbols, photos, recording and the comments from home.",
    "data/passport.json": "The communication passport, with the entries that back each statement.",
    "data/plan.json": "The transition plan for each year: hopes, options explored and next steps.",
    "data/reviews.json": "Annual review packs, with the copies of photos and recordings kept in final packs.",
    "data/careers.json": "Careers activities taken part in, and employers' feedback (with each opening of its link).",
    "data/photo_consent.json": "Where photos may be shown.",
    "data/sharing.json": "About me links, and each time one was opened.",
    "data/sign_in.json": "Login cards (not their secret codes) and sign-ins.",
    "data/imports.json": "Portfolios imported for this learner from another school.",
    "data/audit_trail.json": "The audit trail: who added, changed, removed, opened or downloaded what, and when.",
    "data/jobs.json": "PDFs made and portfolios imported for this learner in the background, and how each went.",
    "data/notices.json": "Notices to family and staff about the learner's entries, feedback and reviews, and when each was seen or emailed.",
    "data/offline_sync.json": "Each part of an entry made on a tablet with no Wi-Fi that arrived later, and anything refused.",
}


@dataclass
class _Bundle:
    """The zip being written and the media files already copied into it (id -> path in the zip)."""

    zip: zipfile.ZipFile
    store: MediaStore
    dbs: Session
    copied: dict[int, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def media(self, media_id: int | None) -> str | None:
        """Copy one stored file into ``media/`` once; None when it is missing from the store."""
        if media_id is None:
            return None
        if media_id not in self.copied:
            found = self.dbs.get(MediaFile, media_id)
            if found is None or not self.store.exists(found.key):
                return None
            path = f"media/{media_id}.{EXTENSIONS.get(found.content_type, 'bin')}"
            self.zip.writestr(_info(path, zipfile.ZIP_STORED), self.store.read(found.key))
            self.copied[media_id] = path
        return self.copied[media_id]

    def write_json(self, name: str, tables: dict[str, list[dict[str, Any]]]) -> None:
        for table, rows in tables.items():
            self.counts[table] = len(rows)
        body = json.dumps(tables, ensure_ascii=False, indent=2, default=_plain)
        self.zip.writestr(_info(name, zipfile.ZIP_DEFLATED), body)


def _info(name: str, method: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = method
    info.external_attr = 0o644 << 16
    return info


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _rows(bundle: _Bundle, name: str, column: str, values: Iterable[int]) -> list[dict[str, Any]]:
    """Every row of ``name`` whose ``column`` is one of ``values``, all columns but secrets, media copied."""
    wanted = sorted(set(values))
    if not wanted:
        return []
    table = _table(name)
    query = select(table).where(table.c[column].in_(wanted))
    keys = [column.key for column in table.c if column.key not in SECRET_COLUMNS]
    found = []
    for row in bundle.dbs.execute(query.order_by(*table.primary_key.columns)).mappings():
        item = {key: row[key] for key in keys}
        for key in MEDIA_COLUMNS.intersection(keys):
            item[key.removesuffix("_id") + "_file"] = bundle.media(row[key])
        found.append(item)
    return found


def _ids(rows: list[dict[str, Any]], key: str = "id") -> list[int]:
    return [row[key] for row in rows]


def _account(bundle: _Bundle, learner: User) -> dict[str, list[dict[str, Any]]]:
    links = _rows(bundle, "parent_links", "learner_id", [learner.id])
    parents = {parent.id: parent.display_name for parent in learner.parents}
    for link in links:
        link["parent_name"] = parents.get(link["parent_id"], "")
    return {"users": _rows(bundle, "users", "id", [learner.id]), "parent_links": links,
            "access_settings": _rows(bundle, "access_settings", "learner_id", [learner.id])}


def _entries(bundle: _Bundle, learner: User) -> dict[str, list[dict[str, Any]]]:
    entries = _rows(bundle, "experiences", "learner_id", [learner.id])
    ids = _ids(entries)
    return {"experiences": entries,
            "experience_tags": _rows(bundle, "experience_tags", "experience_id", ids),
            "experience_photos": _rows(bundle, "experience_photos", "experience_id", ids),
            "family_comments": _rows(bundle, "family_comments", "experience_id", ids)}


def _passport(bundle: _Bundle, learner: User) -> dict[str, list[dict[str, Any]]]:
    statements = _rows(bundle, "passport_statements", "learner_id", [learner.id])
    return {"passport_statements": statements,
            "passport_evidence": _rows(bundle, "passport_evidence", "statement_id", _ids(statements))}


def _plan(bundle: _Bundle, learner: User) -> dict[str, list[dict[str, Any]]]:
    plans = _rows(bundle, "transition_plans", "learner_id", [learner.id])
    options = _rows(bundle, "plan_options", "plan_id", _ids(plans))
    return {"transition_plans": plans, "plan_options": options,
            "plan_option_experiences": _rows(bundle, "plan_option_experiences", "option_id", _ids(options)),
            "next_steps": _rows(bundle, "next_steps", "plan_id", _ids(plans))}


def _reviews(bundle: _Bundle, learner: User, symbol_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """The packs' rows and copied media, and each pack as the PDF the school would print."""
    # fpdf is slow to load, and only exports and downloads need it.
    from portfolio.reviews.pdf import render_pack

    packs = _rows(bundle, "review_packs", "learner_id", [learner.id])
    for row in packs:
        pack = bundle.dbs.get(ReviewPack, row["id"])
        if pack is None:
            continue
        path = f"reviews/review-pack-{pack.id}-{pack.status}.pdf"
        data = render_pack(annual_review.build(bundle.dbs, pack), bundle.store, bundle.dbs, {}, symbol_dir)
        bundle.zip.writestr(_info(path, zipfile.ZIP_DEFLATED), data)
        row["pdf_file"] = path
    return {"review_packs": packs, "review_media": _rows(bundle, "review_media", "pack_id", _ids(packs))}


def _careers(bundle: _Bundle, learner: User) -> dict[str, list[dict[str, Any]]]:
    """Each activity taken part in (with what it was), the employers' feedback and its link's openings."""
    taken_part = _rows(bundle, "activity_participants", "learner_id", [learner.id])
    activities = {row["id"]: row for row in _rows(bundle, "careers_activities", "id",
                                                  _ids(taken_part, "activity_id"))}
    for row in taken_part:
        activity = activities.get(row["activity_id"], {})
        row["activity"] = {key: activity.get(key) for key in ("kind", "title", "starts_on", "ends_on", "days",
                                                               "benchmarks", "adviser_name", "cancelled_at")}
    feedback = _rows(bundle, "employer_feedback", "participant_id", _ids(taken_part))
    return {"activity_participants": taken_part, "employer_feedback": feedback,
            "feedback_accesses": _rows(bundle, "feedback_accesses", "feedback_id", _ids(feedback))}


def _sharing(bundle: _Bundle, learner: User) -> dict[str, list[dict[str, Any]]]:
    links = _rows(bundle, "share_links", "learner_id", [learner.id])
    return {"share_links": links, "share_accesses": _rows(bundle, "share_accesses", "link_id", _ids(links))}


def _by_learner(bundle: _Bundle, learner: User, *tables: str) -> dict[str, list[dict[str, Any]]]:
    return {table: _rows(bundle, table, "learner_id", [learner.id]) for table in tables}


def _jobs(bundle: _Bundle, learner: User) -> dict[str, list[dict[str, Any]]]:
    """Jobs about the learner and jobs they asked for themselves (a learner downloading their pack)."""
    rows = {row["id"]: row for column in ("learner_id", "owner_id")
            for row in _rows(bundle, "jobs", column, [learner.id])}
    return {"jobs": [rows[job_id] for job_id in sorted(rows)]}


def _trail(bundle: _Bundle, learner: User) -> dict[str, list[dict[str, Any]]]:
    rows = [row for row in _rows(bundle, "audit_events", "learner_id", [learner.id])
            if row["school_id"] == learner.school_id]
    return {"audit_events": rows}


def _collect(bundle: _Bundle, learner: User, symbol_dir: Path) -> None:
    """Write every data file; each table's rows land in the file ``COVERED`` names."""
    bundle.write_json("data/account.json", _account(bundle, learner))
    bundle.write_json("data/record.json", _by_learner(bundle, learner, "learner_records", "destinations"))
    bundle.write_json("data/entries.json", _entries(bundle, learner))
    bundle.write_json("data/passport.json", _passport(bundle, learner))
    bundle.write_json("data/plan.json", _plan(bundle, learner))
    bundle.write_json("data/reviews.json", _reviews(bundle, learner, symbol_dir))
    bundle.write_json("data/careers.json", _careers(bundle, learner))
    bundle.write_json("data/photo_consent.json", _by_learner(bundle, learner, "photo_consents"))
    bundle.write_json("data/sharing.json", _sharing(bundle, learner))
    sign_in = _by_learner(bundle, learner, "login_cards")
    sign_in["sign_ins"] = _rows(bundle, "sign_ins", "user_id", [learner.id])
    bundle.write_json("data/sign_in.json", sign_in)
    bundle.write_json("data/imports.json", _by_learner(bundle, learner, "import_records"))
    bundle.write_json("data/audit_trail.json", _trail(bundle, learner))
    bundle.write_json("data/jobs.json", _jobs(bundle, learner))
    bundle.write_json("data/notices.json", _by_learner(bundle, learner, "notices"))
    bundle.write_json("data/offline_sync.json", _by_learner(bundle, learner, "sync_keys"))


@dataclass(frozen=True)
class ExportSetting:
    """What the portable part of the export needs from the app (as ``portability.export.write_export``)."""

    secret_key: str
    templates: Environment
    symbol_dir: Path
    attribution: str


def write_subject_access(dbs: Session, store: MediaStore, learner: User, out: IO[bytes], *, actor: User,
                         setting: ExportSetting, exported_at: datetime) -> None:
    """Write the whole subject access zip into ``out``, and put it on the learner's trail (the caller commits)."""
    portable_export.record_export(dbs, learner, actor, "subject access")
    dbs.flush()  # the export's own event is part of the trail it holds
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        bundle = _Bundle(archive, store, dbs)
        _portable(bundle, learner, setting, exported_at)
        _collect(bundle, learner, setting.symbol_dir)
        index = setting.templates.get_template(INDEX_TEMPLATE).render(
            learner=learner, school_name=learner.school.name, exported_at=exported_at, files=FILES,
            counts=bundle.counts, covered=COVERED, media_count=len(bundle.copied), portable=PORTABLE_NAME,
            reviews=sorted(name for name in archive.namelist() if name.startswith("reviews/")))
        archive.writestr(_info("index.html", zipfile.ZIP_DEFLATED), index)


def _portable(bundle: _Bundle, learner: User, setting: ExportSetting, exported_at: datetime) -> None:
    """The portable portfolio zip, written aside first (it can be large) and then stored as it is."""
    with tempfile.TemporaryFile(prefix="subject-access-", suffix=".zip") as portable:
        portable_export.write_export(bundle.dbs, bundle.store, learner, portable, secret_key=setting.secret_key,
                                     templates=setting.templates, symbol_dir=setting.symbol_dir,
                                     exported_at=exported_at, attribution=setting.attribution)
        portable.seek(0)
        with bundle.zip.open(_info(PORTABLE_NAME, zipfile.ZIP_STORED), "w") as target:
            while chunk := portable.read(1024 * 1024):
                target.write(chunk)


def download_name(learner: User, today: date) -> str:
    """``subject-access-sam-patel-2026-06-12.zip``."""
    return "subject-access-" + portable_export.download_name(learner, today).removeprefix("portfolio-")
