"""The parts of a portable portfolio beyond entries and passport (format version 2).

The next school or college most needs the transition plan, the final annual review packs, the
careers activities the learner took part in (with the employers' feedback the learner was
allowed to see) and the counts towards the Gatsby benchmarks. Each is written here as the
learner's own record: an activity comes with what it was, when and whether the learner took
part, but never the other learners on it, the school's notes or the employer's contact details.

Review packs are copied as they were finalised, with the photos and recordings they kept, so
the next school sees the same document the meeting agreed.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.careers import evidence as careers_evidence
from portfolio.feedback import service as feedback_service
from portfolio.models import (
    ActivityParticipant,
    Attendance,
    CareersActivity,
    Experience,
    ExperienceStatus,
    MediaFile,
    ReviewPack,
    ReviewStatus,
    TransitionPlan,
    User,
)
from portfolio.plans import service as plans
from portfolio.portability.format import part_uid

if TYPE_CHECKING:
    from portfolio.portability.export import _Archive

EXTENSIONS = {"image/jpeg": "jpg", "audio/mp4": "m4a"}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def is_empty_draft(entry: Experience) -> bool:
    """A draft the learner started and left with nothing of theirs in it: not worth carrying.

    The kind, place and dates do not count, because a planned activity fills them in before the
    learner taps anything.
    """
    return (entry.status == ExperienceStatus.DRAFT.value and not entry.photos and entry.voice_id is None
            and not entry.caption.strip() and not entry.tags and entry.feeling is None
            and entry.would_like is None and not entry.staff_note.strip())


def plan_json(dbs: Session, learner: User, entry_uids: dict[int, str]) -> list[dict[str, Any]]:
    """Every year of the transition plan, earliest first; options name the entries by uid."""
    return [_plan_year(plan, entry_uids) for plan in plans.plans_for(dbs, learner)]


def _plan_year(plan: TransitionPlan, entry_uids: dict[int, str]) -> dict[str, Any]:
    return {
        "year_group": plan.year_group,
        "aspirations": plan.aspirations,
        "employment": plan.employment,
        "independent_living": plan.independent_living,
        "community": plan.community,
        "health": plan.health,
        "created_at": _iso(plan.created_at),
        "updated_at": _iso(plan.updated_at),
        "options": [
            {"kind": option.kind, "title": option.title, "notes": option.notes,
             "experiences": [entry_uids[e.id] for e in option.experiences if e.id in entry_uids]}
            for option in plan.options
        ],
        "next_steps": [
            {"who": step.who, "what": step.what, "by_when": _iso(step.by_when), "status": step.status}
            for step in plan.next_steps
        ],
    }


def activities_json(dbs: Session, archive: _Archive, learner: User, secret_key: str) -> list[dict[str, Any]]:
    """The activities the learner took part in or missed (marked), oldest first, each with the
    employer's feedback when staff have checked it, as the learner's own portfolio shows it.

    Activities still only planned and cancelled ones are left out: they are this school's plans,
    not something that happened to the learner.
    """
    rows = dbs.scalars(
        select(ActivityParticipant).join(CareersActivity)
        .where(ActivityParticipant.learner_id == learner.id, CareersActivity.cancelled_at.is_(None),
               ActivityParticipant.attendance != Attendance.PLANNED.value)
        .order_by(CareersActivity.starts_on, CareersActivity.id)
    )
    return [_activity(archive, taken, secret_key) for taken in rows]


def activity_uid(secret_key: str, activity_id: int) -> str:
    return part_uid(secret_key, "activity", activity_id)


def _activity(archive: _Archive, taken: ActivityParticipant, secret_key: str) -> dict[str, Any]:
    activity = taken.activity
    employer = activity.employer
    uid = activity_uid(secret_key, activity.id)
    return {
        "uid": uid,
        "kind": activity.kind,
        "title": activity.title,
        "employer": {"name": employer.name, "kind": employer.kind} if employer is not None else None,
        "starts_on": _iso(activity.starts_on),
        "ends_on": _iso(activity.ends_on),
        "days": activity.days,
        "benchmarks": sorted(int(b) for b in activity.benchmarks or []),
        "benchmarks_reason": activity.benchmarks_reason,
        "adviser_name": activity.adviser_name,
        "adviser_level": activity.adviser_level,
        "attendance": taken.attendance,
        "discussed": taken.discussed,
        "feedback": _feedback(archive, taken, uid),
    }


def _feedback(archive: _Archive, taken: ActivityParticipant, uid: str) -> dict[str, Any] | None:
    """The feedback the learner and family may see: the newest sent, once staff have checked it."""
    sent = feedback_service.latest_sent(taken)
    if sent is None or sent.checked_at is None:
        return None
    voice = None
    if sent.voice is not None:
        copied = archive.media(f"media/feedback/{uid}.m4a", sent.voice.key)
        voice = {**copied, "seconds": sent.voice.seconds} if copied else None
    return {
        "author_name": sent.author_name,
        "skills": {key: int(value) for key, value in (sent.skills or {}).items()},
        "went_well": sent.went_well,
        "work_on": sent.work_on,
        "offer_again": sent.offer_again,
        "voice": voice,
        "submitted_at": _iso(sent.submitted_at),
        "checked_at": _iso(sent.checked_at),
    }


def evidence_json(dbs: Session, learner: User, today: date) -> dict[str, Any]:
    """The Gatsby counts on the day of the export, for people reading the file.

    An importing install counts again from the activities and entries, so these numbers are never read back.
    """
    found = careers_evidence.learner_evidence(dbs, learner, today)
    return {
        "counted_on": today.isoformat(),
        "school_year": found.school_year,
        "benchmarks": {
            str(b): {"title": count.title, "all": found.count(b), "this_year": found.count(b, this_year=True),
                     "sentence": found.sentence(b, "staff")}
            for b, count in sorted(found.counts.items())
        },
        "workplace_days": {"all": found.days_total, "this_year": found.days_this_year, "aim": found.days_aim},
        "gaps": list(found.gaps),
    }


def record_json(learner: User) -> dict[str, Any] | None:
    """What the next school needs from the record to carry on: the date of birth (the year group and
    the benchmarks' "by 16" and "by 18"), the UPN (it follows a pupil between schools, and lets the
    school's own import find this learner), and the EHC plan with its review date.

    The area of need, a year override, leaving and the consent to keep in touch stay here: the need
    reaches the next school through the local authority and the school's own transfer, the others
    belong to this school's relationship with the learner. Destinations stay too: they are this
    school's follow-up of its leavers, and the next school's report would count them as its own.
    """
    record = learner.record
    if record is None:
        return None
    return {"date_of_birth": _iso(record.date_of_birth), "upn": record.upn, "ehc_plan": bool(record.ehc_plan),
            "annual_review_on": _iso(record.annual_review_on)}


def reviews_json(dbs: Session, archive: _Archive, learner: User, entry_uids: dict[int, str],
                 secret_key: str) -> list[dict[str, Any]]:
    """Every final "My views" pack, oldest first, as it was agreed. Drafts are left out: they are
    rebuilt from the portfolio on every view, and the next school makes its own."""
    packs = dbs.scalars(select(ReviewPack).where(ReviewPack.learner_id == learner.id,
                                                 ReviewPack.status == ReviewStatus.FINAL.value)
                        .order_by(ReviewPack.date_to, ReviewPack.id))
    return [_pack(archive, pack, entry_uids, secret_key) for pack in packs if pack.snapshot]


def _pack(archive: _Archive, pack: ReviewPack, entry_uids: dict[int, str], secret_key: str) -> dict[str, Any]:
    uid = part_uid(secret_key, "review", pack.id)
    kept = {item.media_id: item.media for item in pack.media}

    def copy(media_id: Any, with_size: dict[str, Any] | None = None) -> dict[str, Any] | None:
        found: MediaFile | None = kept.get(media_id) if isinstance(media_id, int) else None
        if found is None:
            return None
        extension = EXTENSIONS.get(found.content_type, "bin")
        copied = archive.media(f"media/reviews/{uid}/{media_id}.{extension}", found.key)
        if copied is None:
            return None
        return {**copied, **(with_size or {"seconds": found.seconds})}

    document = dict(pack.snapshot or {})
    document["done"] = [_pack_item(item, copy, entry_uids) for item in document.get("done", [])]
    for group in ("liked", "important"):
        document[group] = [{"text": line.get("text", ""), "symbol": _plain_symbol(line.get("symbol")),
                            "voice": copy(line.get("voice"))} for line in document.get(group, [])]
    document["disliked"] = [{"text": line.get("text", ""), "symbol": _plain_symbol(line.get("symbol"))}
                            for line in document.get("disliked", [])]
    return {
        "uid": uid,
        "date_from": _iso(pack.date_from),
        "date_to": _iso(pack.date_to),
        "created_at": _iso(pack.created_at),
        "finalised_at": _iso(pack.finalised_at),
        "document": document,
    }


def _plain_symbol(name: Any) -> str | None:
    """A symbol from the library; the school's own pictures mean nothing in another install."""
    return name if isinstance(name, str) and name and ":" not in name else None


def _pack_item(item: dict[str, Any], copy: Any, entry_uids: dict[int, str]) -> dict[str, Any]:
    photo = item.get("photo")
    return {
        **{key: value for key, value in item.items() if key not in {"id", "photo", "voice"}},
        "entry": entry_uids.get(item.get("id")),  # type: ignore[arg-type]
        "photo": copy(photo.get("media"), {"width": photo.get("width"), "height": photo.get("height")})
        if isinstance(photo, dict) else None,
        "voice": copy(item.get("voice")),
    }
