"""Reading the version 2 parts of ``portfolio.json``: plan, review packs, activities, record.

Like the rest of the importer, every field is checked for its type and length before anything is
made from it, and a review pack's document is rebuilt from the fields this app knows (anything
else in it is dropped), because pages and PDFs draw it later. Version 1 files have none of these
parts, and read as empty.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from portfolio.experiences import service as experiences
from portfolio.models import ActivityKind, Attendance, OptionKind, StepStatus
from portfolio.plans.service import YEAR_GROUPS
from portfolio.portability import fields as check
from portfolio.portability.fields import Bad, MediaRef

MAX_PLAN_YEARS = len(YEAR_GROUPS)
MAX_OPTIONS = 200
MAX_STEPS = 200
MAX_PACKS = 100
MAX_ACTIVITIES = 2000
MAX_PACK_ITEMS = 500
MAX_LINES = 200
PLAN_TEXT = 2000
PACK_TEXT = 3000
WORDS = 1000  # an employer's words, as the feedback form allows
BENCHMARKS = frozenset({5, 6, 7, 8})


@dataclass(frozen=True)
class OptionData:
    kind: str
    title: str
    notes: str
    experiences: list[str]


@dataclass(frozen=True)
class StepData:
    who: str
    what: str
    by_when: date | None
    status: str


@dataclass(frozen=True)
class PlanYearData:
    year_group: int
    words: dict[str, str]  # aspirations and the four Preparation for Adulthood areas
    options: list[OptionData]
    steps: list[StepData]


@dataclass(frozen=True)
class FeedbackData:
    author_name: str
    skills: dict[str, int]
    went_well: str
    work_on: str
    offer_again: str | None
    voice: MediaRef | None
    submitted_at: datetime | None
    checked_at: datetime | None


@dataclass(frozen=True)
class ActivityData:
    uid: str
    kind: str
    title: str
    employer: str
    starts_on: date
    ends_on: date | None
    days: float | None
    benchmarks: list[int]
    benchmarks_reason: str
    adviser_name: str
    adviser_level: str
    attendance: str
    discussed: str
    feedback: FeedbackData | None


@dataclass(frozen=True)
class PackData:
    date_from: date
    date_to: date
    created_at: datetime | None
    finalised_at: datetime
    document: dict[str, Any]  # media are ``MediaRef`` until the importer stores them
    media: list[MediaRef]


@dataclass(frozen=True)
class RecordData:
    date_of_birth: date | None
    upn: str | None
    ehc_plan: bool
    annual_review_on: date | None


@dataclass(frozen=True)
class MoreData:
    """The version 2 parts; all empty for a version 1 file."""

    record: RecordData | None = None
    plan: list[PlanYearData] = field(default_factory=list)
    packs: list[PackData] = field(default_factory=list)
    activities: list[ActivityData] = field(default_factory=list)

    def media_refs(self) -> list[MediaRef]:
        refs = [pack_ref for pack in self.packs for pack_ref in pack.media]
        refs += [a.feedback.voice for a in self.activities if a.feedback is not None and a.feedback.voice]
        return refs


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 366:
        raise Bad("is not a number of days")
    return float(value)


def _required_day(value: Any) -> date:
    found = check.day(value)
    if found is None:
        raise Bad("is missing")
    return found


def parse_more(document: dict[str, Any], version: int, entry_uids: set[str]) -> MoreData:
    """The version 2 parts, checked against the entries in the same file; raises ``Bad``."""
    if version < 2:
        return MoreData()
    record = check.get(document, "record", "document", lambda v: v if v is None else check.mapping(v))
    plan = [_plan_year(item, i, entry_uids) for i, item in
            enumerate(check.get(document, "transition_plan", "document", check.list_of(MAX_PLAN_YEARS)))]
    if len({year.year_group for year in plan}) != len(plan):
        raise Bad("transition_plan has a year twice")
    activities = [_activity(item, i) for i, item in
                  enumerate(check.get(document, "careers_activities", "document", check.list_of(MAX_ACTIVITIES)))]
    if len({a.uid for a in activities}) != len(activities):
        raise Bad("careers_activities has a uid twice")
    packs = [_pack(item, i, entry_uids) for i, item in
             enumerate(check.get(document, "review_packs", "document", check.list_of(MAX_PACKS)))]
    return MoreData(_record(record) if record is not None else None, plan, packs, activities)


def _record(obj: dict[str, Any]) -> RecordData:
    return RecordData(
        date_of_birth=check.get(obj, "date_of_birth", "record", check.day),
        upn=check.get(obj, "upn", "record", check.text(20, nullable=True)),
        ehc_plan=check.get(obj, "ehc_plan", "record", check.flag),
        annual_review_on=check.get(obj, "annual_review_on", "record", check.day),
    )


def _plan_year(value: Any, index: int, entry_uids: set[str]) -> PlanYearData:
    where = f"transition_plan[{index}]"
    obj = check.mapping(value)
    year_group = check.get(obj, "year_group", where, check.whole)
    if year_group not in YEAR_GROUPS:
        raise Bad(f"{where}.year_group is not Year 9 to 14")
    words = {name: check.get(obj, name, where, check.text(PLAN_TEXT))
             for name in ("aspirations", "employment", "independent_living", "community", "health")}
    options = []
    for option in check.get(obj, "options", where, check.list_of(MAX_OPTIONS)):
        option_obj = check.mapping(option)
        linked = [check.uid(uid) for uid in check.get(option_obj, "experiences", where, check.list_of(200))]
        if any(uid not in entry_uids for uid in linked):
            raise Bad(f"{where} has an option linking an entry that is not in the file")
        options.append(OptionData(
            kind=check.get(option_obj, "kind", where, check.choice(check.enum_values(OptionKind))),
            title=check.get(option_obj, "title", where, check.text(200)),
            notes=check.get(option_obj, "notes", where, check.text(PLAN_TEXT)),
            experiences=linked,
        ))
    steps = [StepData(
        who=check.get(step, "who", where, check.text(120)),
        what=check.get(step, "what", where, check.text(300)),
        by_when=check.get(step, "by_when", where, check.day),
        status=check.get(step, "status", where, check.choice(check.enum_values(StepStatus))),
    ) for step in map(check.mapping, check.get(obj, "next_steps", where, check.list_of(MAX_STEPS)))]
    return PlanYearData(year_group, words, options, steps)


def _benchmarks(value: Any) -> list[int]:
    found = check.list_of(4)(value)
    if any(isinstance(b, bool) or b not in BENCHMARKS for b in found) or len(set(found)) != len(found):
        raise Bad("are not Gatsby benchmarks 5 to 8")
    return sorted(found)


def _activity(value: Any, index: int) -> ActivityData:
    where = f"careers_activities[{index}]"
    obj = check.mapping(value)
    employer = check.get(obj, "employer", where, lambda v: v if v is None else check.mapping(v))
    feedback = check.get(obj, "feedback", where, lambda v: v if v is None else check.mapping(v))
    return ActivityData(
        uid=check.get(obj, "uid", where, check.uid),
        kind=check.get(obj, "kind", where, check.choice(check.enum_values(ActivityKind))),
        title=check.get(obj, "title", where, check.text(200)),
        employer=check.get(employer, "name", where, check.text(200)) if employer is not None else "",
        starts_on=check.get(obj, "starts_on", where, _required_day),
        ends_on=check.get(obj, "ends_on", where, check.day),
        days=check.get(obj, "days", where, _number),
        benchmarks=check.get(obj, "benchmarks", where, _benchmarks),
        benchmarks_reason=check.get(obj, "benchmarks_reason", where, check.text(PLAN_TEXT)),
        adviser_name=check.get(obj, "adviser_name", where, check.text(120)),
        adviser_level=check.get(obj, "adviser_level", where, check.text(60)),
        attendance=check.get(obj, "attendance", where, check.choice(check.enum_values(Attendance))),
        discussed=check.get(obj, "discussed", where, check.text(PLAN_TEXT)),
        feedback=_feedback(feedback, where) if feedback is not None else None,
    )


def _feedback(obj: dict[str, Any], where: str) -> FeedbackData:
    where = f"{where}.feedback"
    skills = check.get(obj, "skills", where, check.mapping)
    if len(skills) > 100 or any(not isinstance(k, str) or len(k) > 60 or isinstance(v, bool) or v not in (1, 2, 3)
                                for k, v in skills.items()):
        raise Bad(f"{where}.skills are not skills with a point from 1 to 3")
    return FeedbackData(
        author_name=check.get(obj, "author_name", where, check.text(120)),
        skills=dict(skills),
        went_well=check.get(obj, "went_well", where, check.text(WORDS)),
        work_on=check.get(obj, "work_on", where, check.text(WORDS)),
        offer_again=check.get(obj, "offer_again", where, check.choice({"yes", "maybe", "no"}, nullable=True)),
        voice=check.get(obj, "voice", where, check.media),
        submitted_at=check.get(obj, "submitted_at", where, check.moment),
        checked_at=check.get(obj, "checked_at", where, check.moment),
    )


def _pack(value: Any, index: int, entry_uids: set[str]) -> PackData:
    where = f"review_packs[{index}]"
    obj = check.mapping(value)
    finalised = check.get(obj, "finalised_at", where, check.moment)
    if finalised is None:
        raise Bad(f"{where} is not a final pack")
    media: list[MediaRef] = []
    document = _pack_document(check.get(obj, "document", where, check.mapping), f"{where}.document",
                              entry_uids, media)
    return PackData(
        date_from=check.get(obj, "date_from", where, _required_day),
        date_to=check.get(obj, "date_to", where, _required_day),
        created_at=check.get(obj, "created_at", where, check.moment),
        finalised_at=finalised,
        document=document,
        media=media,
    )


def _symbol(value: Any) -> str | None:
    """A symbol name as text; whether this install knows it is decided when the pack is made."""
    return check.text(60, nullable=True)(value)


def _sized_media(value: Any, media: list[MediaRef]) -> dict[str, Any] | None:
    ref = check.media(value)
    if ref is None:
        return None
    media.append(ref)
    found = check.mapping(value)
    size = {key: check.get(found, key, "photo", check.whole) for key in ("width", "height") if key in found}
    return {"ref": ref, **size}


def _voice(value: Any, media: list[MediaRef]) -> MediaRef | None:
    ref = check.media(value)
    if ref is not None:
        media.append(ref)
    return ref


def _lines(obj: dict[str, Any], key: str, where: str) -> list[str]:
    return [check.text(PACK_TEXT)(line) for line in check.get(obj, key, where, check.list_of(MAX_LINES))]


def _said(obj: dict[str, Any], key: str, where: str, media: list[MediaRef]) -> list[dict[str, Any]]:
    """Lines with a symbol and perhaps the learner's recording: liked, disliked, important."""
    found = []
    for item in map(check.mapping, check.get(obj, key, where, check.list_of(MAX_PACK_ITEMS))):
        found.append({"text": check.get(item, "text", where, check.text(PACK_TEXT)),
                      "symbol": check.get(item, "symbol", where, _symbol, optional=True),
                      "voice": _voice(item.get("voice"), media)})
    return found


def _pack_document(obj: dict[str, Any], where: str, entry_uids: set[str], media: list[MediaRef]) -> dict[str, Any]:
    learner = check.get(obj, "learner", where, check.mapping)
    return {
        "learner": {"name": check.get(learner, "name", where, check.text(120)),
                    "first_name": check.get(learner, "first_name", where, check.text(120)),
                    "picture": check.get(learner, "picture", where, _symbol)},
        "date_from": check.get(obj, "date_from", where, check.text(10)),
        "date_to": check.get(obj, "date_to", where, check.text(10)),
        "period": check.get(obj, "period", where, check.text(200)),
        "done": [_done(item, f"{where}.done", entry_uids, media)
                 for item in check.get(obj, "done", where, check.list_of(MAX_PACK_ITEMS))],
        "liked": _said(obj, "liked", where, media),
        "disliked": _said(obj, "disliked", where, media),
        "working": _lines(obj, "working", where),
        "not_working": _lines(obj, "not_working", where),
        "important": _said(obj, "important", where, media),
        "aspirations": check.get(obj, "aspirations", where, check.text(PACK_TEXT)),
        "pfa": [{"label": check.get(area, "label", where, check.text(100)),
                 "symbol": check.get(area, "symbol", where, _symbol),
                 "text": check.get(area, "text", where, check.text(PACK_TEXT))}
                for area in map(check.mapping, check.get(obj, "pfa", where, check.list_of(4)))],
        "next_steps": [{name: check.get(step, name, where, check.text(300)) for name in ("who", "what", "status", "when")}
                       for step in map(check.mapping, check.get(obj, "next_steps", where, check.list_of(MAX_STEPS)))],
        "questions": _lines(obj, "questions", where),
        "finalised": check.get(obj, "finalised", where, check.text(60, nullable=True)),
    }


def _done(value: Any, where: str, entry_uids: set[str], media: list[MediaRef]) -> dict[str, Any]:
    item = check.mapping(value)
    entry = check.get(item, "entry", where, lambda v: v if v is None else check.uid(v))
    if entry is not None and entry not in entry_uids:
        raise Bad(f"{where} names an entry that is not in the file")
    feeling = check.get(item, "feeling", where, lambda v: v if v is None else check.mapping(v))
    return {
        "entry": entry,
        "headline": check.get(item, "headline", where, check.text(300)),
        "when": check.get(item, "when", where, check.text(200)),
        "kind_symbol": check.get(item, "kind_symbol", where, _symbol),
        "feeling": {"key": check.get(feeling, "key", where, _symbol),
                    "label": check.get(feeling, "label", where, check.text(100))} if feeling else None,
        "did": [{"key": check.get(word, "key", where, _symbol), "label": check.get(word, "label", where, check.text(100))}
                for word in map(check.mapping, check.get(item, "did", where, check.list_of(100)))],
        "caption": check.get(item, "caption", where, check.text(experiences.MAX_CAPTION)),
        "photo": _sized_media(item.get("photo"), media),
        "voice": _voice(item.get("voice"), media),
        "help": check.get(item, "help", where, check.text(100)),
    }
