"""The portable portfolio on its own, without HTTP: export, round trip, re-import, hostile archives, offline copy."""
from __future__ import annotations

import io
import json
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import av
import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.experiences import service as experiences
from portfolio.media.changes import commit_or_clean_up
from portfolio.media.photos import ingest_photo
from portfolio.media.storage import media_store
from portfolio.media.voice import ingest_voice
from portfolio.models import (
    Experience,
    ExperiencePhoto,
    ExperienceTag,
    FamilyComment,
    Group,
    HelpLevel,
    ImportRecord,
    MediaFile,
    PassportStatement,
    School,
    StatementStatus,
    User,
    WouldLike,
    passport_evidence,
    utcnow,
)
from portfolio.people import access
from portfolio.portability import export as portable_export
from portfolio.portability import importer as portable_import
from portfolio.portability.format import ImportRefused, export_uid, local_uid
from portfolio.symbols import library as symbols
from portfolio.symbols import service as school_symbols
from tests.conftest import FIXTURES
from tests.factories import Entries, World, make_experience

# --------------------------------------------------------------------------- helpers shared with route tests


def export_bytes(app: Flask, learner_id: int) -> bytes:
    """Export a learner through the service, the way the route does, and give back the zip."""
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, learner_id)
        assert learner is not None
        out = io.BytesIO()
        portable_export.write_export(
            dbs, media_store(), learner, out, secret_key=app.config["SECRET_KEY"], templates=app.jinja_env,
            symbol_dir=Path(app.static_folder or "") / "symbols", exported_at=utcnow(),
            attribution=symbols.attribution(),
        )
        return out.getvalue()


@dataclass(frozen=True)
class Imported:
    learner_id: int
    created_learner: bool
    added_experiences: int
    added_statements: int


def import_bytes(app: Flask, data: bytes, admin: User, group: Group) -> Imported:
    with app.app_context():
        dbs = db.session()
        school = dbs.get(School, admin.school_id)
        assert school is not None
        result = portable_import.import_portfolio(
            dbs, media_store(), io.BytesIO(data), school=school, group=dbs.get(Group, group.id),  # type: ignore[arg-type]
            actor=dbs.get(User, admin.id),  # type: ignore[arg-type]
        )
        dbs.commit()
        return Imported(result.learner.id, result.created_learner, result.added_experiences, result.added_statements)


def media_files(app: Flask) -> set[str]:
    root = Path(app.instance_path) / "media"
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


COUNTED = (User, Experience, ExperiencePhoto, ExperienceTag, FamilyComment, PassportStatement, MediaFile, ImportRecord)


def snapshot(app: Flask) -> dict[str, Any]:
    """Every row count an import could change, and every media file, to prove a refusal left nothing."""
    with app.app_context():
        dbs = db.session()
        counts: dict[str, Any] = {model.__name__: dbs.scalar(select(func.count()).select_from(model)) for model in COUNTED}
        counts["evidence"] = dbs.scalar(select(func.count()).select_from(passport_evidence))
    counts["files"] = media_files(app)
    return counts


def rewrite(data: bytes, change: Callable[[str, bytes], bytes | None] = lambda n, b: b,
            add: list[tuple[zipfile.ZipInfo | str, bytes]] | None = None) -> bytes:
    """A copy of a zip with members changed (``None`` drops one) and members added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            changed = change(info.filename, source.read(info))
            if changed is not None:
                target.writestr(info.filename, changed)
        for name, payload in add or []:
            target.writestr(name, payload)
    return out.getvalue()


def change_json(data: bytes, edit: Callable[[dict[str, Any]], None]) -> bytes:
    def change(name: str, payload: bytes) -> bytes:
        if name != "portfolio.json":
            return payload
        document = json.loads(payload)
        edit(document)
        return json.dumps(document).encode()
    return rewrite(data, change)


# --------------------------------------------------------------------------- a portfolio with everything in it


@dataclass(frozen=True)
class Rich:
    """Sam's entries plus a second photo, every optional field, staff's caption symbols and a passport."""

    entries: Entries
    statement_uids: list[str]
    school_symbol_id: int


@pytest.fixture
def rich(app: Flask, world: World, entries: Entries) -> Rich:
    with app.app_context():
        dbs = db.session()
        store = media_store()
        learner = dbs.get(User, world.learner.id)
        shared = dbs.get(Experience, entries.shared.id)
        waiting = dbs.get(Experience, entries.waiting.id)
        assert learner is not None and shared is not None and waiting is not None
        learner.text_size, learner.high_contrast = "large", True
        access.save_settings(dbs, learner, {"text_size": "large", "symbol_mode": "symbols-and-text",
                                            "high_contrast": "on", "scan_mode": "one-switch", "scan_seconds": "3.0",
                                            "hear_first": "on"})
        experiences.add_photo(dbs, shared, ingest_photo((FIXTURES / "photo_sideways_gps.jpg").read_bytes(), store,
                                                        f"photos/{learner.school_id}"))
        shared.help_level, shared.would_like = HelpLevel.PROMPTS.value, WouldLike.YES.value
        shared.staff_note = "Sam worked the till with one prompt.\nGreat teamwork."
        shared.submitted_at = shared.shared_at = utcnow().replace(microsecond=0)
        waiting.place_symbol, waiting.end_date, waiting.kind = "garden-centre", date(2026, 6, 14), "visit"
        waiting.caption = "I cooked in the kitchen with my manager"
        experiences.set_caption_symbol(waiting, "cooked", "bake")
        experiences.set_caption_symbol(waiting, "manager", "")
        experiences.set_caption_symbol(waiting, "kitchen", f"school:{entries.school_symbol_id}")
        experiences.toggle_tag(waiting, experiences.TagScheme.DID, "cook", True)
        voice = ingest_voice((FIXTURES / "voice_safari.m4a").read_bytes(), store, f"passport/{learner.school_id}")
        about = PassportStatement(
            school_id=learner.school_id, learner_id=learner.id, section="likes", text="I like plants and animals.",
            symbol="water-plants", help_level="own", position=0,
            voice=MediaFile(school_id=learner.school_id, key=voice.key, content_type=voice.content_type,
                            seconds=voice.seconds),
        )
        about.evidence = [shared, waiting]
        suggestion = PassportStatement(
            school_id=learner.school_id, learner_id=learner.id, section="must-know", text="I need quiet at lunch.",
            symbol=f"school:{entries.school_symbol_id}", status=StatementStatus.SUGGESTED.value, position=1,
        )
        dbs.add_all([about, suggestion])
        dbs.commit()
        return Rich(entries, [about.uid, suggestion.uid], entries.school_symbol_id)


def _describe(dbs: Session, learner_id: int, symbol_words: dict[str, str]) -> dict[str, Any]:
    """A learner's portfolio as plain values, with school symbols named by word so two schools compare."""
    def ref(value: str | None) -> str | None:
        if value and value.startswith("school:"):
            return "school-word:" + symbol_words[value]
        return value

    entries = {}
    for entry in dbs.scalars(select(Experience).where(Experience.learner_id == learner_id)):
        voice = None
        if entry.voice is not None:
            path = media_store().path(entry.voice.key)
            with av.open(str(path)) as container:
                frames = sum(1 for _ in container.decode(audio=0))
            voice = (entry.voice.content_type, frames > 0, round(entry.voice.seconds or 0))
        entries[entry.uid] = {
            "fields": {name: getattr(entry, name) for name in (
                "kind", "place", "place_symbol", "start_date", "end_date", "feeling", "would_like", "caption",
                "help_level", "status", "staff_note", "created_at", "submitted_at", "shared_at")},
            "caption_symbols": {word: ref(value) for word, value in (entry.caption_symbols or {}).items()},
            "tags": [(t.scheme, t.value, t.position) for t in entry.tags],
            "photos": [(p.width, p.height, p.thumb_width, p.thumb_height) for p in entry.photos],
            "photo_pixels": [Image.open(media_store().path(p.display.key)).size for p in entry.photos],
            "voice": voice,
            "comments": [c.text for c in entry.comments],
        }
    statements = {}
    for statement in dbs.scalars(select(PassportStatement).where(PassportStatement.learner_id == learner_id)):
        statements[statement.uid] = {
            "fields": (statement.section, statement.text, ref(statement.symbol), statement.help_level,
                       statement.status, statement.position),
            "voice": statement.voice is not None and media_store().exists(statement.voice.key),
            "evidence": sorted(e.uid for e in statement.evidence),
        }
    return {"entries": entries, "statements": statements}


def _uids_as_source(description: dict[str, Any], school_id: int, source: dict[str, Any]) -> dict[str, Any]:
    """Map uids the importer had to derive (both schools live in one install) back to the source uids."""
    back = {local_uid(school_id, uid): uid for uid in [*source["entries"], *source["statements"]]}
    return {
        "entries": {back.get(uid, uid): value for uid, value in description["entries"].items()},
        "statements": {
            back.get(uid, uid): {**value, "evidence": sorted(back.get(e, e) for e in value["evidence"])}
            for uid, value in description["statements"].items()
        },
    }


def test_round_trip_into_another_school_keeps_everything(app: Flask, world: World, rich: Rich) -> None:
    with app.app_context():
        dbs = db.session()
        hillview = dbs.get(School, world.other_school.id)
        ta = dbs.get(User, world.ta.id)
        assert hillview is not None and ta is not None
        # Hillview has its own picture for "kitchen", so staff's choice of a school picture carries over.
        theirs, change = school_symbols.upload(dbs, media_store(), hillview.id, "kitchen",
                                               (FIXTURES / "photo_transparent.webp").read_bytes(), ta)
        commit_or_clean_up(dbs, media_store(), change)
        words = {f"school:{s.id}": s.word for s in dbs.scalars(select(school_symbols.SchoolSymbol))}
        source = _describe(dbs, world.learner.id, words)
        group = dbs.scalars(select(Group).where(Group.school_id == hillview.id)).first()
        assert group is not None

    imported = import_bytes(app, export_bytes(app, world.learner.id), world.other_school_admin, group)

    assert imported.created_learner and imported.added_experiences == 3 and imported.added_statements == 2
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, imported.learner_id)
        assert learner is not None
        assert (learner.school_id, learner.group_id, learner.display_name, learner.picture_symbol) == (
            world.other_school.id, group.id, "Sam Patel", "dog")
        assert (learner.text_size, learner.high_contrast, learner.email, learner.password_hash) == (
            "large", True, None, None)
        # A learner who scans with one switch can on their first day at the new school.
        assert access.settings_for(dbs, learner) == access.AccessSettings(
            text_size="large", high_contrast=True, scan_mode="one-switch", scan_seconds=3.0, scan_speaks=False,
            hear_first=True)
        copy = _uids_as_source(_describe(dbs, learner.id, words), world.other_school.id, source)
        assert copy == source
        waiting = next(e for e in dbs.scalars(select(Experience).where(Experience.learner_id == learner.id))
                       if e.caption.startswith("I cooked"))
        assert waiting.caption_symbols["kitchen"] == f"school:{theirs.id}"
        assert all(row.school_id == world.other_school.id for row in
                   dbs.scalars(select(MediaFile).where(MediaFile.id.in_(
                       [p.display_id for e in learner_entries(dbs, learner.id) for p in e.photos]))))
        record = dbs.scalars(select(ImportRecord)).one()
        assert (record.school_id, record.learner_id, record.imported_by_id) == (
            world.other_school.id, learner.id, world.other_school_admin.id)


def learner_entries(dbs: Session, learner_id: int) -> list[Experience]:
    return list(dbs.scalars(select(Experience).where(Experience.learner_id == learner_id)))


def test_a_school_picture_the_new_school_lacks_is_dropped_not_guessed(app: Flask, world: World, rich: Rich) -> None:
    with app.app_context():
        group = db.session().scalars(select(Group).where(Group.school_id == world.other_school.id)).first()
    imported = import_bytes(app, export_bytes(app, world.learner.id), world.other_school_admin, group)
    with app.app_context():
        dbs = db.session()
        waiting = next(e for e in learner_entries(dbs, imported.learner_id) if e.caption.startswith("I cooked"))
        assert waiting.caption_symbols == {"cooked": "bake", "manager": ""}
        suggestion = dbs.scalars(select(PassportStatement).where(
            PassportStatement.learner_id == imported.learner_id, PassportStatement.section == "must-know")).one()
        assert suggestion.symbol is None


def test_photos_are_ingested_again_not_copied(app: Flask, world: World, rich: Rich) -> None:
    """The stored files are the importer's own re-encodings: same pixels size, new keys, new thumbnails."""
    before = media_files(app)
    with app.app_context():
        group = db.session().scalars(select(Group).where(Group.school_id == world.other_school.id)).first()
    imported = import_bytes(app, export_bytes(app, world.learner.id), world.other_school_admin, group)
    new = media_files(app) - before
    assert new and all(name.startswith((f"photos/{world.other_school.id}/", f"voice/{world.other_school.id}/",
                                        f"passport/{world.other_school.id}/")) for name in new)
    with app.app_context():
        photos = [p for e in learner_entries(db.session(), imported.learner_id) for p in e.photos]
        assert len(photos) == 2
        for photo in photos:
            with Image.open(media_store().path(photo.display.key)) as image:
                assert image.format == "JPEG" and not image.getexif()


def test_second_import_of_the_same_zip_adds_nothing(app: Flask, world: World, rich: Rich) -> None:
    data = export_bytes(app, world.learner.id)
    with app.app_context():
        group = db.session().scalars(select(Group).where(Group.school_id == world.other_school.id)).first()
    first = import_bytes(app, data, world.other_school_admin, group)
    after_first = snapshot(app)
    second = import_bytes(app, data, world.other_school_admin, group)
    assert (second.learner_id, second.created_learner, second.added_experiences, second.added_statements) == (
        first.learner_id, False, 0, 0)
    assert snapshot(app) == after_first


def test_a_later_export_adds_only_what_is_new(app: Flask, world: World, rich: Rich) -> None:
    with app.app_context():
        group = db.session().scalars(select(Group).where(Group.school_id == world.other_school.id)).first()
    first = import_bytes(app, export_bytes(app, world.learner.id), world.other_school_admin, group)
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        make_experience(dbs, learner, learner, place="City Farm")  # type: ignore[arg-type]
        dbs.commit()
    later = import_bytes(app, export_bytes(app, world.learner.id), world.other_school_admin, group)
    assert (later.learner_id, later.created_learner, later.added_experiences, later.added_statements) == (
        first.learner_id, False, 1, 0)
    with app.app_context():
        places = sorted(e.place for e in learner_entries(db.session(), first.learner_id))
    assert places == ["City Farm"] + ["Green Fingers Garden Centre"] * 3


def test_importing_a_portfolio_back_into_its_own_school_finds_the_learner(app: Flask, world: World,
                                                                         rich: Rich) -> None:
    before = snapshot(app)
    back = import_bytes(app, export_bytes(app, world.learner.id), world.admin, world.group)
    assert (back.learner_id, back.created_learner, back.added_experiences, back.added_statements) == (
        world.learner.id, False, 0, 0)
    after = snapshot(app)
    assert after["ImportRecord"] == before["ImportRecord"] + 1
    assert {k: v for k, v in after.items() if k != "ImportRecord"} == {k: v for k, v in before.items()
                                                                       if k != "ImportRecord"}


def test_export_uid_is_stable_per_learner_and_install() -> None:
    assert export_uid("secret", 7) == export_uid("secret", 7)
    assert len({export_uid("secret", 7), export_uid("secret", 8), export_uid("other secret", 7)}) == 3
    assert "secret" not in export_uid("secret", 7)


def test_the_json_says_what_the_format_document_says(app: Flask, world: World, rich: Rich) -> None:
    data = export_bytes(app, world.learner.id)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = json.loads(archive.read("portfolio.json"))
        names = set(archive.namelist())
    assert (document["format"], document["version"]) == ("my-next-steps-portfolio", 2)
    assert document["export_uid"] == export_uid(app.config["SECRET_KEY"], world.learner.id)
    assert document["learner"] == {"name": "Sam Patel", "picture_symbol": "dog", "display": {
        "text_size": "large", "high_contrast": True, "symbol_mode": "symbols-and-text",
        "scan_mode": "one-switch", "scan_seconds": 3.0, "scan_speaks": False, "hear_first": True}}
    shared = next(e for e in document["experiences"] if e["uid"] == rich.entries.shared.uid)
    assert shared["comments"][0]["text"] == "Well done Sam!"
    assert [photo["display"]["width"] for photo in shared["photos"]] == [800, 1200]
    assert shared["voice"]["path"] in names and shared["voice"]["path"].endswith(".m4a")
    waiting = next(e for e in document["experiences"] if e["uid"] == rich.entries.waiting.uid)
    assert waiting["caption_symbols"] == {"cooked": "bake", "manager": "", "kitchen": "school-word:kitchen"}
    statement = next(s for s in document["passport"] if s["uid"] == rich.statement_uids[0])
    assert sorted(statement["evidence"]) == sorted([rich.entries.shared.uid, rich.entries.waiting.uid])
    assert statement["voice"]["path"] in names


def test_a_missing_media_file_is_left_out_not_fatal(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        photo = db.session().get(ExperiencePhoto, entries.photo_id)
        assert photo is not None
        media_store().delete(photo.display.key)
    with zipfile.ZipFile(io.BytesIO(export_bytes(app, world.learner.id))) as archive:
        document = json.loads(archive.read("portfolio.json"))
    shared = next(e for e in document["experiences"] if e["uid"] == entries.shared.uid)
    assert shared["photos"] == [] and shared["voice"] is not None


# --------------------------------------------------------------------------- hostile archives


def _zip_of(members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in members:
            archive.writestr(name, payload)
    return out.getvalue()


def _symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def _first_photo(document: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in document["experiences"] if e["photos"])["photos"][0]["display"]


def _json_of(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("portfolio.json"))


def _replace_media(data: bytes, pick: Callable[[dict[str, Any]], dict[str, Any]], payload: bytes,
                   fix_hash: bool = True) -> bytes:
    """Put ``payload`` where the JSON's chosen media file was, and (normally) update its SHA-256 to match."""
    path = pick(_json_of(data))["path"]
    import hashlib

    def edit(document: dict[str, Any]) -> None:
        if fix_hash:
            pick(document)["sha256"] = hashlib.sha256(payload).hexdigest()

    swapped = rewrite(data, lambda name, b: payload if name == path else b)
    return change_json(swapped, edit)


def _lying_json(data: bytes) -> bytes:
    """portfolio.json padded with megabytes of spaces while the zip's directory declares the original size."""
    real = _json_of(data)
    small = json.dumps(real).encode()
    padded = small[:-1] + b" " * (5 * 1024 * 1024) + b"}"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "portfolio.json":
                target.writestr(info.filename, source.read(info))
        target.writestr("portfolio.json", padded)
        target.getinfo("portfolio.json").file_size = len(small)  # the central directory now lies
    return out.getvalue()


def _statement_voice(document: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in document["passport"] if s["voice"])["voice"]


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        target: Any = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return edit


Hostile = Callable[[bytes], bytes]
HOSTILE: dict[str, tuple[Hostile, str]] = {
    "not a zip": (lambda d: (FIXTURES / "photo_small.png").read_bytes(), portable_import.NOT_A_ZIP),
    "empty file": (lambda d: b"", portable_import.NOT_A_ZIP),
    "zip without portfolio.json": (lambda d: _zip_of([("index.html", b"<p>hi</p>")]), portable_import.NOT_A_ZIP),
    "path traversal": (lambda d: rewrite(d, add=[("../../evil.sh", b"rm -rf /")]), portable_import.UNSAFE),
    "traversal inside": (lambda d: rewrite(d, add=[("media/../../evil.txt", b"x")]), portable_import.UNSAFE),
    "absolute path": (lambda d: rewrite(d, add=[("/etc/cron.d/evil", b"x")]), portable_import.UNSAFE),
    "backslashes": (lambda d: rewrite(d, add=[("media\\..\\..\\evil.txt", b"x")]), portable_import.UNSAFE),
    "drive letter": (lambda d: rewrite(d, add=[("C:/evil.txt", b"x")]), portable_import.UNSAFE),
    "symlink": (lambda d: rewrite(d, add=[_symlink("media/photos/link.jpg", "/etc/passwd")]),
                portable_import.UNSAFE),
    "zip bomb by ratio": (lambda d: rewrite(d, add=[("media/zeros.bin", bytes(4 * 1024 * 1024))]),
                          portable_import.UNSAFE),
    "zip bomb by declared size": (lambda d: rewrite(d, add=[("media/zeros.bin", bytes(26 * 1024 * 1024))]),
                                  portable_import.TOO_BIG),
    "zip bomb under a false size": (_lying_json, portable_import.DAMAGED),
    "too many members": (lambda d: rewrite(d, add=[(f"media/x{i}.txt", b"") for i in range(5001)]),
                         portable_import.TOO_BIG),
    "bad json": (lambda d: rewrite(d, lambda n, b: b"{not json" if n == "portfolio.json" else b),
                 portable_import.BAD_DETAILS),
    "json not utf-8": (lambda d: rewrite(d, lambda n, b: b"\xff\xfe{}" if n == "portfolio.json" else b),
                       portable_import.BAD_DETAILS),
    "deeply nested json": (lambda d: rewrite(d, lambda n, b: b"[" * 100_000 + b"]" * 100_000
                                             if n == "portfolio.json" else b), portable_import.BAD_DETAILS),
    "6 MB json": (lambda d: change_json(d, _set(["padding"], "a" * (6 * 1024 * 1024))), portable_import.JSON_TOO_BIG),
    "another format": (lambda d: change_json(d, _set(["format"], "someone-else")), portable_import.BAD_DETAILS),
    "wrong version": (lambda d: change_json(d, _set(["version"], 3)), portable_import.WRONG_VERSION),
    "version as text": (lambda d: change_json(d, _set(["version"], "2")), portable_import.WRONG_VERSION),
    "missing photo file": (lambda d: rewrite(d, lambda n, b: None if n == _first_photo(_json_of(d))["path"] else b),
                           portable_import.MISSING_FILE),
    "photo path outside media": (lambda d: change_json(d, lambda doc: _first_photo(doc).update(path="index.html")),
                                 portable_import.BAD_DETAILS),
    "photo that is html": (lambda d: _replace_media(d, _first_photo, (FIXTURES / "not_an_image.jpg").read_bytes()),
                           portable_import.BAD_PHOTO),
    "photo that is a pixel bomb": (lambda d: _replace_media(d, _first_photo,
                                                            (FIXTURES / "bomb_40000x40000.png").read_bytes()),
                                   portable_import.BAD_PHOTO),
    "photo changed after export": (lambda d: _replace_media(d, _first_photo,
                                                            (FIXTURES / "photo_small.png").read_bytes(), False),
                                   portable_import.DAMAGED),
    "voice that is not audio": (lambda d: _replace_media(d, lambda doc: next(e for e in doc["experiences"]
                                                                           if e["voice"])["voice"],
                                                         (FIXTURES / "voice_fake.webm").read_bytes()),
                                portable_import.BAD_VOICE),
    "bad passport voice after photos were stored": (
        lambda d: _replace_media(d, _statement_voice, (FIXTURES / "voice_fake.webm").read_bytes()),
        portable_import.BAD_VOICE),
    "caption of the wrong type": (lambda d: change_json(d, _set(["experiences", 0, "caption"], 123)),
                                  portable_import.BAD_DETAILS),
    "place too long": (lambda d: change_json(d, _set(["experiences", 0, "place"], "x" * 201)),
                       portable_import.BAD_DETAILS),
    "unknown status": (lambda d: change_json(d, _set(["experiences", 0, "status"], "deleted")),
                       portable_import.BAD_DETAILS),
    "name too long": (lambda d: change_json(d, _set(["learner", "name"], "S" * 121)), portable_import.BAD_DETAILS),
    "empty name": (lambda d: change_json(d, _set(["learner", "name"], "  ")), portable_import.BAD_DETAILS),
    "uid that is not a uid": (lambda d: change_json(d, _set(["experiences", 0, "uid"], "../../x")),
                              portable_import.BAD_DETAILS),
    "evidence for an entry not in the file": (
        lambda d: change_json(d, lambda doc: doc["passport"][0]["evidence"].append(
            "00000000-0000-4000-8000-000000000000")), portable_import.BAD_DETAILS),
    "same uid twice": (lambda d: change_json(d, lambda doc: doc["experiences"].append(doc["experiences"][0])),
                       portable_import.BAD_DETAILS),
    "experiences not a list": (lambda d: change_json(d, _set(["experiences"], {"a": 1})), portable_import.BAD_DETAILS),
    "high contrast as text": (lambda d: change_json(d, _set(["learner", "display", "high_contrast"], "yes")),
                              portable_import.BAD_DETAILS),
    "a scan speed staff cannot choose": (lambda d: change_json(d, _set(["learner", "display", "scan_seconds"], 0.1)),
                                         portable_import.BAD_DETAILS),
    "an unknown way to scan": (lambda d: change_json(d, _set(["learner", "display", "scan_mode"], "eye-gaze")),
                               portable_import.BAD_DETAILS),
    "scanning without its speed": (lambda d: change_json(d, lambda doc: doc["learner"]["display"].pop("scan_seconds")),
                                   portable_import.BAD_DETAILS),
}


_GOOD_ZIP: list[bytes] = []


@pytest.fixture
def good_zip(app: Flask, world: World, request: pytest.FixtureRequest) -> bytes:
    """A full export, made once: a zip from one install imports into any other, so each case
    only needs a fresh world to import into (and skips making Sam's media again)."""
    if not _GOOD_ZIP:
        request.getfixturevalue("rich")
        _GOOD_ZIP.append(export_bytes(app, world.learner.id))
    return _GOOD_ZIP[0]


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_archives_are_refused_and_leave_nothing(app: Flask, world: World, good_zip: bytes,
                                                        case: str) -> None:
    make, message = HOSTILE[case]
    hostile = make(good_zip)
    with app.app_context():
        group = db.session().scalars(select(Group).where(Group.school_id == world.other_school.id)).first()
    before = snapshot(app)
    with pytest.raises(ImportRefused) as refused:
        import_bytes(app, hostile, world.other_school_admin, group)
    assert refused.value.message == message
    assert snapshot(app) == before


def test_the_good_zip_the_hostile_cases_start_from_imports(app: Flask, world: World, good_zip: bytes) -> None:
    """Without this, a broken starting zip would make every hostile case pass for the wrong reason."""
    with app.app_context():
        group = db.session().scalars(select(Group).where(Group.school_id == world.other_school.id)).first()
    assert import_bytes(app, good_zip, world.other_school_admin, group).added_experiences == 3


def test_a_file_from_before_the_scanning_settings_imports_with_scanning_off(app: Flask, world: World,
                                                                            good_zip: bytes) -> None:
    def older(doc: dict[str, Any]) -> None:
        for key in ("scan_mode", "scan_seconds", "scan_speaks", "hear_first"):
            del doc["learner"]["display"][key]

    with app.app_context():
        group = db.session().scalars(select(Group).where(Group.school_id == world.other_school.id)).first()
    imported = import_bytes(app, change_json(good_zip, older), world.other_school_admin, group)
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, imported.learner_id)
        assert learner is not None
        assert access.settings_for(dbs, learner) == access.AccessSettings(text_size="large", high_contrast=True)


def test_reading_stops_at_the_declared_size(app: Flask) -> None:
    data = _zip_of([("media/a.bin", b"x" * 1000)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("media/a.bin")
        assert portable_import.read_member(archive, info, 1000) == b"x" * 1000
        with pytest.raises(ImportRefused):
            portable_import.read_member(archive, info, 999)


def test_a_group_from_another_school_is_refused(app: Flask, world: World, good_zip: bytes) -> None:
    before = snapshot(app)
    with pytest.raises(ImportRefused):
        import_bytes(app, good_zip, world.other_school_admin, world.group)
    assert snapshot(app) == before


# --------------------------------------------------------------------------- the offline copy


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self.images_without_alt = 0
        self.h1 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append(tag)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        for name in ("href", "src", "poster", "data"):
            if found.get(name):
                self.links.append(found[name] or "")
        if tag == "img" and "alt" not in found:
            self.images_without_alt += 1
        if tag == "h1":
            self.h1 += 1


@pytest.fixture
def offline(app: Flask, world: World, rich: Rich) -> Iterator[tuple[_Links, set[str], str]]:
    with zipfile.ZipFile(io.BytesIO(export_bytes(app, world.learner.id))) as archive:
        page = archive.read("index.html").decode()
        parser = _Links()
        parser.feed(page)
        yield parser, set(archive.namelist()), page


def test_every_link_in_the_offline_copy_is_inside_the_zip(offline: tuple[_Links, set[str], str]) -> None:
    parser, names, page = offline
    assert parser.links, "the offline page links nothing: the parser is not seeing it"
    for link in parser.links:
        assert not link.startswith(("/", "http:", "https:", "//", "data:", "javascript:")), link
        if link.startswith("#"):
            assert link[1:] in parser.ids, f"anchor {link} has no target"
        else:
            assert link in names, f"{link} is not in the zip"
    assert "/static" not in page and "http://" not in page.replace("http://www.w3.org", "")
    assert "script" not in parser.tags and "style" not in parser.tags and " style=" not in page


def test_the_offline_copy_shows_the_photos_voices_and_passport(offline: tuple[_Links, set[str], str]) -> None:
    parser, names, page = offline
    assert parser.h1 == 1 and parser.images_without_alt == 0 and '<html lang="en-GB"' in page
    photos = [link for link in parser.links if link.startswith("media/photos/")]
    assert len(photos) == 2 and all(not link.endswith("-thumb.jpg") for link in photos)
    assert sum(1 for link in parser.links if link.endswith(".m4a")) == 2  # Sam's voice and his passport
    assert "style.css" in parser.links and "symbols/feeling-loved.svg" in parser.links
    assert any(link.startswith("symbols/school/") for link in parser.links)  # the school's own "kitchen"
    assert "I like plants and animals." in page and "I need quiet at lunch." not in page  # suggestions stay out
    assert "Well done Sam!" in page and "Sam worked the till" not in page  # staff notes stay in the JSON
    assert "contrast-high" in page and "text-large" in page
    every_symbol = {name for name in names if name.startswith("symbols/") and name.endswith(".svg")}
    assert every_symbol == {link for link in parser.links if link.startswith("symbols/") and link.endswith(".svg")}


def test_the_download_name_is_plain_ascii() -> None:
    learner = User(display_name="Zoë O'Brien-Ní Shé")
    assert portable_export.download_name(learner, date(2026, 6, 12)) == "portfolio-zoe-o-brien-ni-she-2026-06-12.zip"
