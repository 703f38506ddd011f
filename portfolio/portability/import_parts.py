"""Making the rows for the version 2 parts of an imported portfolio, once each.

These rows have no uid of their own in the database, so each is recognised by what it is: a plan
year by its year, an option by its kind and title, a next step by who, what and when, a final
pack by its dates and the moment it was finalised, and an activity by the uid the file gave it
(kept in ``series_id``, since an imported activity is a series of one). A second import of the
same file, or a later one, adds only what is not here yet.

An activity comes in as the importing school's activity for this learner only, so the Gatsby
counts carry on from where the last school left them; it names the school it came from in its
notes and never gets an employer from the directory. Its feedback comes with it, with a link
that can never be opened.
"""
from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from portfolio import tokens
from portfolio.experiences import service as experiences
from portfolio.feedback import service as feedback_service
from portfolio.models import (
    ActivityKind,
    ActivityParticipant,
    CareersActivity,
    EmployerFeedback,
    Experience,
    LearnerRecord,
    NextStep,
    PlanOption,
    ReviewMedia,
    ReviewPack,
    ReviewStatus,
    TransitionPlan,
    User,
    utcnow,
)
from portfolio.portability.fields import MediaRef
from portfolio.portability.import_checks import (
    ActivityData,
    FeedbackData,
    MoreData,
    PackData,
    PlanYearData,
)
from portfolio.symbols import library as symbol_library
from portfolio.symbols import vocabulary

if TYPE_CHECKING:
    from portfolio.portability.importer import _Importer

_UPN = re.compile(r"[A-Z0-9]{1,20}")


def known_symbol(name: str | None, default: str | None = None) -> str | None:
    """A symbol this install can draw; another install's own names fall back to ``default``."""
    if name and (name in symbol_library.INTERFACE_SYMBOLS or vocabulary.word(name) is not None):
        return name
    return default


def add_record(importer: _Importer, learner: User, more: MoreData) -> None:
    """The record's few facts for a learner who has no record here yet; a record staff have started wins."""
    data = more.record
    if data is None or learner.record is not None:
        return
    upn = (data.upn or "").strip().upper()
    taken = importer.dbs.scalar(select(LearnerRecord.learner_id).where(
        LearnerRecord.school_id == importer.school.id, LearnerRecord.upn == upn)) if upn else None
    record = LearnerRecord(learner_id=learner.id, school_id=importer.school.id, date_of_birth=data.date_of_birth,
                           upn=upn if _UPN.fullmatch(upn) and taken is None else None, ehc_plan=data.ehc_plan,
                           annual_review_on=data.annual_review_on, leaving_reason="", keep_in_touch_by="")
    importer.dbs.add(record)
    learner.record = record
    importer.dbs.flush()


def add_plan(importer: _Importer, learner: User, more: MoreData, entries: dict[str, Experience]) -> int:
    """Each year of the plan; a year already here keeps its words and gains only new options and steps."""
    added = 0
    existing = {plan.year_group: plan for plan in importer.dbs.scalars(
        select(TransitionPlan).where(TransitionPlan.learner_id == learner.id))}
    for year in more.plan:
        plan = existing.get(year.year_group)
        if plan is None:
            plan = _new_year(importer, learner, year)
            added += 1
        _add_options_and_steps(plan, year, entries)
    importer.dbs.flush()
    return added


def _new_year(importer: _Importer, learner: User, year: PlanYearData) -> TransitionPlan:
    plan = TransitionPlan(school_id=importer.school.id, learner_id=learner.id, year_group=year.year_group,
                          **{name: experiences.clean_text(text, 2000) for name, text in year.words.items()})
    importer.dbs.add(plan)
    return plan


def _add_options_and_steps(plan: TransitionPlan, year: PlanYearData, entries: dict[str, Experience]) -> None:
    options = {(option.kind, option.title) for option in plan.options}
    for data in year.options:
        title = experiences.clean_line(data.title, 200)
        if (data.kind, title) in options or not title:
            continue
        options.add((data.kind, title))
        linked = list(dict.fromkeys(entries[uid] for uid in data.experiences if uid in entries))
        plan.options.append(PlanOption(kind=data.kind, title=title, notes=experiences.clean_text(data.notes, 2000),
                                       experiences=linked))
    steps = {(step.who, step.what, step.by_when) for step in plan.next_steps}
    for step in year.steps:
        who, what = experiences.clean_line(step.who, 120), experiences.clean_line(step.what, 300)
        if (who, what, step.by_when) in steps or not who or not what:
            continue
        steps.add((who, what, step.by_when))
        plan.next_steps.append(NextStep(who=who, what=what, by_when=step.by_when, status=step.status))


def add_activities(importer: _Importer, learner: User, more: MoreData, school_name: str) -> dict[str, CareersActivity]:
    """The activities the learner took part in (or missed), by their uid in the file."""
    found: dict[str, CareersActivity] = {}
    for data in more.activities:
        activity = _activity_here(importer, learner, data) or _new_activity(importer, data, school_name)
        found[data.uid] = activity
        taken = importer.dbs.scalar(select(ActivityParticipant).where(
            ActivityParticipant.activity_id == activity.id, ActivityParticipant.learner_id == learner.id))
        if taken is None:
            taken = ActivityParticipant(school_id=importer.school.id, activity=activity, learner_id=learner.id,
                                        attendance=data.attendance,
                                        discussed=experiences.clean_text(data.discussed, 2000))
            importer.dbs.add(taken)
            importer.added_activities += 1
            if data.feedback is not None:
                _add_feedback(importer, taken, data.feedback)
    importer.dbs.flush()
    return found


def _activity_here(importer: _Importer, learner: User, data: ActivityData) -> CareersActivity | None:
    """The activity already here: brought in before (by its uid), or one the learner already has
    here of the same kind on the same day (the file came back to the school that made it)."""
    dbs, school_id = importer.dbs, importer.school.id
    found = dbs.scalar(select(CareersActivity).where(CareersActivity.school_id == school_id,
                                                     CareersActivity.series_id == data.uid))
    return found or dbs.scalar(
        select(CareersActivity).join(ActivityParticipant)
        .where(CareersActivity.school_id == school_id, ActivityParticipant.learner_id == learner.id,
               CareersActivity.kind == data.kind, CareersActivity.starts_on == data.starts_on)
        .order_by(CareersActivity.id).limit(1))


def _new_activity(importer: _Importer, data: ActivityData, school_name: str) -> CareersActivity:
    title = experiences.clean_line(data.title, 200) or ActivityKind(data.kind).label
    employer = experiences.clean_line(data.employer, 200)
    if employer and employer.casefold() not in title.casefold():
        title = f"{title}, {employer}"[:200]
    origin = experiences.clean_line(school_name, 200) or "another school"
    activity = CareersActivity(
        school_id=importer.school.id, kind=data.kind, title=title, employer_id=None, starts_on=data.starts_on,
        ends_on=data.ends_on if data.ends_on and data.ends_on >= data.starts_on else None, days=data.days,
        benchmarks=data.benchmarks, benchmarks_reason=experiences.clean_text(data.benchmarks_reason, 2000),
        series_id=data.uid, adviser_name=experiences.clean_line(data.adviser_name, 120),
        adviser_level=experiences.clean_line(data.adviser_level, 60),
        notes=f"From {origin}'s portfolio file, brought in when the learner joined.", created_by_id=None,
    )
    importer.dbs.add(activity)
    importer.dbs.flush()
    return activity


def _add_feedback(importer: _Importer, taken: ActivityParticipant, data: FeedbackData) -> None:
    """Checked feedback, as the learner's page shows it. Its link's token is thrown away at once."""
    now = utcnow()
    known_skills = {word.key for word in feedback_service.skills()}
    feedback = EmployerFeedback(
        school_id=importer.school.id, participant=taken, token_hash=tokens.token_hash(tokens.new_token()),
        created_at=data.submitted_at or now, expires_at=now - timedelta(seconds=1), revoked_at=now,
        author_name=experiences.clean_line(data.author_name, 120),
        skills={key: value for key, value in data.skills.items() if key in known_skills},
        went_well=experiences.clean_text(data.went_well, 1000), work_on=experiences.clean_text(data.work_on, 1000),
        offer_again=data.offer_again, submitted_at=data.submitted_at or now, updated_at=data.submitted_at or now,
        read_at=data.checked_at or now, checked_at=data.checked_at or now,
    )
    if data.voice is not None:
        feedback.voice = importer.voice(data.voice, "feedback")
    importer.dbs.add(feedback)


def link_entries(importer: _Importer, added: dict[str, tuple[Experience, str | None]],
                 activities: dict[str, CareersActivity]) -> None:
    """An entry added now that recorded an activity points at it again, so it is counted once."""
    for entry, activity_uid in added.values():
        if activity_uid is not None and activity_uid in activities:
            entry.activity_id = activities[activity_uid].id
    importer.dbs.flush()


def add_packs(importer: _Importer, learner: User, more: MoreData) -> int:
    added = 0
    for data in more.packs:
        here = importer.dbs.scalar(select(ReviewPack.id).where(
            ReviewPack.learner_id == learner.id, ReviewPack.status == ReviewStatus.FINAL.value,
            ReviewPack.date_from == data.date_from, ReviewPack.date_to == data.date_to,
            ReviewPack.finalised_at == data.finalised_at))
        if here is None:
            _new_pack(importer, learner, data)
            added += 1
    return added


def _new_pack(importer: _Importer, learner: User, data: PackData) -> None:
    """A final pack as it was agreed, its photos and recordings stored again through the ingest."""
    pack = ReviewPack(school_id=importer.school.id, learner_id=learner.id, date_from=data.date_from,
                      date_to=data.date_to, status=ReviewStatus.FINAL.value, left_out=[], snapshot=None,
                      finalised_at=data.finalised_at)
    if data.created_at is not None:
        pack.created_at = data.created_at
    importer.dbs.add(pack)
    importer.dbs.flush()

    def store(ref: MediaRef | None, photo: bool = False) -> int | None:
        if ref is None:
            return None
        media = importer.review_photo(ref) if photo else importer.voice(ref, "reviews")
        pack.media.append(ReviewMedia(media=media))
        importer.dbs.flush()
        return media.id

    pack.snapshot = _snapshot(data.document, store)
    importer.dbs.flush()


def _snapshot(document: dict[str, Any], store: Any) -> dict[str, Any]:
    """The pack's document as this install draws it: its own media ids and only symbols it knows."""
    snapshot = {**document, "learner": {**document["learner"],
                                        "picture": known_symbol(document["learner"]["picture"], "learner")}}
    done = []
    for index, item in enumerate(document["done"], start=1):
        photo = item["photo"]
        done.append({
            **{key: value for key, value in item.items() if key not in {"entry", "photo", "voice"}},
            "id": index,  # a final pack's items are never chosen again; the id only names page elements
            "kind_symbol": known_symbol(item["kind_symbol"], "portfolio"),
            "feeling": {**item["feeling"], "key": known_symbol(item["feeling"]["key"], "info")}
            if item["feeling"] else None,
            "did": [{**word, "key": known_symbol(word["key"], "info")} for word in item["did"]],
            "photo": {"media": store(photo["ref"], photo=True), "width": photo.get("width"),
                      "height": photo.get("height")} if photo else None,
            "voice": store(item["voice"]),
            "left_out": False,
        })
    snapshot["done"] = done
    for group in ("liked", "important", "disliked"):
        snapshot[group] = [{"text": line["text"], "symbol": known_symbol(line["symbol"]),
                            **({"voice": store(line["voice"])} if group != "disliked" else {})}
                           for line in document[group]]
    snapshot["pfa"] = [{**area, "symbol": known_symbol(area["symbol"], "info")} for area in document["pfa"]]
    return snapshot

