"""The annual review "My views" pack: an easy-read document built from entries, passport and plan.

A draft is rebuilt on every view, so it always shows the latest words, with staff's edits and
leave-outs applied. Finalising stores the built document as JSON and copies the photos and
recordings it uses, so a dated pack stays exactly as it was agreed, whatever changes later.
Readers of the paper copy hear the learner's recordings through QR codes whose links expire.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.audit import log as audit_log
from portfolio.errors import KindError
from portfolio.experiences import service as experiences
from portfolio.experiences.service import clean_text
from portfolio.media.storage import MediaStore, new_key
from portfolio.models import (
    Experience,
    ExperienceStatus,
    HelpLevel,
    MediaFile,
    PassportSection,
    PassportStatement,
    PfaArea,
    ReviewMedia,
    ReviewPack,
    ReviewStatus,
    StatementStatus,
    TagScheme,
    TransitionPlan,
    User,
    utcnow,
)
from portfolio.symbols import vocabulary

LIKED = frozenset({"feeling-loved", "feeling-liked"})
DISLIKED = frozenset({"feeling-not-much", "feeling-disliked"})
IMPORTANT_SECTIONS = (PassportSection.ABOUT_ME, PassportSection.IMPORTANT_PEOPLE, PassportSection.MUST_KNOW,
                      PassportSection.HOPES)
MAX_TEXT = 3000
_AUDIO_SALT = "review-audio"


class ReviewError(KindError):
    """A refusal with a kind sentence to show."""


def default_range(dbs: Session, learner: User, today: date | None = None) -> tuple[date, date]:
    """Since the day after the last final pack ended, or the last year when there is none."""
    today = today or date.today()
    last = dbs.scalars(
        select(ReviewPack).where(ReviewPack.learner_id == learner.id, ReviewPack.status == ReviewStatus.FINAL.value)
        .order_by(ReviewPack.date_to.desc()).limit(1)
    ).first()
    start = last.date_to + timedelta(days=1) if last else today - timedelta(days=365)
    return min(start, today), today


def packs_for(dbs: Session, learner: User) -> list[ReviewPack]:
    return list(dbs.scalars(select(ReviewPack).where(ReviewPack.learner_id == learner.id)
                            .order_by(ReviewPack.created_at.desc(), ReviewPack.id.desc())))


def latest_final(dbs: Session, learner: User) -> ReviewPack | None:
    """The newest finalised pack, linked from the learner's and the family's pages as "My review"."""
    return dbs.scalars(select(ReviewPack)
                       .where(ReviewPack.learner_id == learner.id, ReviewPack.status == ReviewStatus.FINAL.value)
                       .order_by(ReviewPack.finalised_at.desc(), ReviewPack.id.desc()).limit(1)).first()


def find(dbs: Session, learner: User, pack_id: int) -> ReviewPack | None:
    pack = dbs.get(ReviewPack, pack_id)
    return pack if pack is not None and pack.learner_id == learner.id else None


def create(dbs: Session, learner: User, actor: User, date_from: str, date_to: str) -> ReviewPack:
    try:
        start, end = date.fromisoformat(date_from.strip()), date.fromisoformat(date_to.strip())
    except ValueError:
        raise ReviewError("Please choose the first and last day.") from None
    if end < start:
        raise ReviewError("The last day is before the first day. Please check the days.")
    pack = ReviewPack(school_id=learner.school_id, learner_id=learner.id, date_from=start, date_to=end,
                      created_by_id=actor.id, left_out=[])
    dbs.add(pack)
    dbs.flush()
    return pack


def _draft_only(pack: ReviewPack) -> None:
    if pack.is_final:
        raise ReviewError("This pack is final and cannot be changed. Make a new pack instead.")


def update(pack: ReviewPack, form: Mapping[str, str], left_out: list[int]) -> None:
    """Staff's words for the pack, and which entries to leave out."""
    _draft_only(pack)
    for name in ("working", "not_working", "questions"):
        if name in form:
            setattr(pack, name, clean_text(form[name], MAX_TEXT, refuse=ReviewError))
    pack.left_out = sorted(set(left_out))


def _entries(dbs: Session, pack: ReviewPack) -> list[Experience]:
    # Only entries already shared with the family go into a document for the review meeting.
    return [
        entry for entry in experiences.portfolio(dbs, pack.learner, [ExperienceStatus.SHARED])
        if entry.start_date is not None and pack.date_from <= entry.start_date <= pack.date_to
    ]


def _statements(dbs: Session, learner: User, sections: tuple[PassportSection, ...]) -> list[dict[str, Any]]:
    rows = dbs.scalars(select(PassportStatement).where(
        PassportStatement.learner_id == learner.id, PassportStatement.status == StatementStatus.ACTIVE.value,
        PassportStatement.section.in_([s.value for s in sections]),
    ).order_by(PassportStatement.position, PassportStatement.id))
    return [{"text": s.text, "symbol": s.symbol, "voice": s.voice_id} for s in rows]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _done_item(entry: Experience, pack: ReviewPack) -> dict[str, Any]:
    """One entry as the pack shows it under "What I did"."""
    feeling = vocabulary.word(entry.feeling) if entry.feeling else None
    photo = entry.photos[0] if entry.photos else None
    return {
        "id": entry.id,
        "headline": experiences.headline(entry),
        "when": experiences.when_text(entry),
        "kind_symbol": entry.kind_enum.symbol if entry.kind_enum else "portfolio",
        "feeling": {"key": feeling.key, "label": feeling.label} if feeling else None,
        "did": [{"key": w.key, "label": w.label} for w in
                (vocabulary.word(k) for k in entry.tag_values(TagScheme.DID)) if w],
        "caption": entry.caption,
        "photo": {"media": photo.thumb_id, "width": photo.thumb_width, "height": photo.thumb_height}
        if photo else None,
        "voice": entry.voice_id,
        "help": entry.help_level_enum.label if entry.help_level_enum else "",
        "left_out": entry.id in (pack.left_out or []),
    }


def build_for_download(dbs: Session, pack: ReviewPack, actor: User) -> dict[str, Any]:
    """The pack's document for its PDF; the download goes on the learner's audit trail (the caller commits)."""
    audit_log.record(dbs, action="exported", record_kind="review_packs", record_id=pack.id,
                     learner_id=pack.learner_id, school_id=pack.school_id, actor=actor, detail="review pack PDF")
    return build(dbs, pack)


def build(dbs: Session, pack: ReviewPack) -> dict[str, Any]:
    """The whole document as plain data: what a final pack stores, and what pages and PDFs draw."""
    if pack.is_final and pack.snapshot is not None:
        return pack.snapshot
    learner = pack.learner
    entries = _entries(dbs, pack)
    done = [_done_item(entry, pack) for entry in entries]
    kept = [item for item in done if not item["left_out"]]
    liked = [{"text": f"I liked: {item['headline']}", "symbol": item["feeling"]["key"]}
             for item in kept if item["feeling"] and item["feeling"]["key"] in LIKED]
    liked += _statements(dbs, learner, (PassportSection.LIKES,))
    disliked = [{"text": f"I did not like: {item['headline']}", "symbol": item["feeling"]["key"]}
                for item in kept if item["feeling"] and item["feeling"]["key"] in DISLIKED]
    working = _lines(pack.working) or [
        f"I did this on my own: {item['headline']}" for item in kept if item["help"] == HelpLevel.OWN.label
    ]
    plan = dbs.scalars(select(TransitionPlan).where(TransitionPlan.learner_id == learner.id)
                       .order_by(TransitionPlan.year_group.desc()).limit(1)).first()
    return {
        "learner": {"name": learner.display_name, "first_name": learner.first_name,
                    "picture": learner.picture_symbol or "learner"},
        "date_from": pack.date_from.isoformat(),
        "date_to": pack.date_to.isoformat(),
        "period": f"{pack.date_from.strftime('%-d %B %Y')} to {pack.date_to.strftime('%-d %B %Y')}",
        "done": done,
        "liked": liked,
        "disliked": disliked,
        "working": working,
        "not_working": _lines(pack.not_working),
        "important": _statements(dbs, learner, IMPORTANT_SECTIONS),
        "aspirations": plan.aspirations if plan else "",
        "pfa": [{"label": area.label, "symbol": area.symbol, "text": plan.area_text(area) if plan else ""}
                for area in PfaArea],
        "next_steps": [{"who": s.who, "what": s.what, "status": s.status_enum.label,
                        "when": s.by_when.strftime("%-d %B %Y") if s.by_when else ""}
                       for s in (plan.next_steps if plan else [])],
        "questions": _lines(pack.questions),
        "finalised": None,
    }


def recording_ids(document: dict[str, Any]) -> set[int]:
    """The learner's recordings the document shows: what the QR codes on paper point to."""
    found = {item["voice"] for item in document["done"] if item["voice"] and not item["left_out"]}
    for group in ("liked", "important"):
        found.update(s["voice"] for s in document[group] if s.get("voice"))
    return found


def media_ids(document: dict[str, Any]) -> set[int]:
    """Every photo and recording the document shows, so routes serve nothing else."""
    photos = {item["photo"]["media"] for item in document["done"] if item["photo"] and not item["left_out"]}
    return photos | recording_ids(document)


def finalise(dbs: Session, store: MediaStore, pack: ReviewPack, actor: User) -> list[str]:
    """Freeze the pack. Returns the keys written, so a failed commit can remove them."""
    _draft_only(pack)
    document = build(dbs, pack)
    document["done"] = [item for item in document["done"] if not item["left_out"]]
    copies: dict[int, int] = {}
    written: list[str] = []
    for media_id in sorted(media_ids(document)):
        original = dbs.get(MediaFile, media_id)
        if original is None or not store.exists(original.key):
            continue
        key = new_key(f"reviews/{pack.school_id}", original.key.rpartition(".")[2] or "bin")
        store.save(key, store.read(original.key))
        written.append(key)
        copy = MediaFile(school_id=pack.school_id, key=key, content_type=original.content_type,
                         seconds=original.seconds)
        pack.media.append(ReviewMedia(media=copy))
        dbs.flush()
        copies[media_id] = copy.id
    for item in document["done"]:
        if item["photo"]:
            item["photo"]["media"] = copies.get(item["photo"]["media"])
        item["voice"] = copies.get(item["voice"]) if item["voice"] else None
    for group in ("liked", "important"):
        for statement in document[group]:
            statement["voice"] = copies.get(statement["voice"]) if statement.get("voice") else None
    pack.finalised_at = utcnow()
    pack.finalised_by_id = actor.id
    document["finalised"] = pack.finalised_at.strftime("%-d %B %Y")
    pack.snapshot = document
    pack.status = ReviewStatus.FINAL.value
    return written


def audio_token(secret: str, pack: ReviewPack, media_id: int) -> str:
    return URLSafeTimedSerializer(secret, salt=_AUDIO_SALT).dumps([pack.id, media_id])


def read_audio_token(secret: str, token: str, max_age_days: int) -> tuple[int, int] | None:
    """The pack and recording a QR link names, or None when it is forged or has expired."""
    try:
        value = URLSafeTimedSerializer(secret, salt=_AUDIO_SALT).loads(token, max_age=max_age_days * 86400)
    except (BadSignature, SignatureExpired):
        return None
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        return None
    return value[0], value[1]


def recording_in_final_pack(dbs: Session, pack_id: int, media_id: int) -> MediaFile | None:
    pack = dbs.get(ReviewPack, pack_id)
    if pack is None or not pack.is_final:
        return None
    return next((m.media for m in pack.media if m.media_id == media_id), None)
