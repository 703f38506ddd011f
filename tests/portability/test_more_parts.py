"""Format version 2: the transition plan, final review packs, careers activities with feedback, the
counts and the learner's record travel with the portfolio; empty drafts stay behind; version 1
files still import; hostile versions of the new parts are refused and leave nothing."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import av
import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portfolio import db, tokens
from portfolio.careers import evidence as careers_evidence
from portfolio.media.storage import media_store
from portfolio.media.voice import ingest_voice
from portfolio.models import (
    ActivityKind,
    ActivityParticipant,
    Attendance,
    CareersActivity,
    Destination,
    EmployerFeedback,
    Experience,
    ExperienceStatus,
    Group,
    LearnerRecord,
    MediaFile,
    NextStep,
    PassportStatement,
    PlanOption,
    ReviewMedia,
    ReviewPack,
    TransitionPlan,
    User,
    utcnow,
)
from portfolio.plans import service as plans
from portfolio.portability import importer as portable_import
from portfolio.portability.format import ImportRefused, local_uid
from portfolio.reviews import service as reviews
from tests.conftest import FIXTURES
from tests.factories import World, make_activity, make_employer
from tests.portability.test_service import (
    Rich,
    change_json,
    export_bytes,
    import_bytes,
    media_files,
    rewrite,
    snapshot,
)

EXAMPLES = Path(__file__).parent / "examples"
TODAY = date(2026, 7, 20)
MORE_TABLES = (TransitionPlan, PlanOption, NextStep, ReviewPack, ReviewMedia, CareersActivity, ActivityParticipant,
               EmployerFeedback, LearnerRecord, Destination)


def full_snapshot(app: Flask) -> dict[str, Any]:
    """Every row count an import could change (the version 1 ones and the new tables) and every file."""
    counts = snapshot(app)
    with app.app_context():
        dbs = db.session()
        counts.update({m.__name__: dbs.scalar(select(func.count()).select_from(m)) for m in MORE_TABLES})
    return counts


def other_group(app: Flask, world: World) -> Group:
    with app.app_context():
        group = db.session().scalars(select(Group).where(Group.school_id == world.other_school.id)).first()
        assert group is not None
        return group


@dataclass(frozen=True)
class Full:
    rich: Rich
    empty_draft_uid: str
    placement_id: int


def _voice_file(dbs: Session, school_id: int, folder: str) -> MediaFile:
    stored = ingest_voice((FIXTURES / "voice_chrome.webm").read_bytes(), media_store(), f"{folder}/{school_id}")
    return MediaFile(school_id=school_id, key=stored.key, content_type=stored.content_type, seconds=stored.seconds)


def _feedback(dbs: Session, taken: ActivityParticipant, *, checked: bool, voice: MediaFile | None) -> None:
    moment = datetime(2026, 6, 13, 15, 0)
    dbs.add(EmployerFeedback(
        school_id=taken.school_id, participant=taken, token_hash=tokens.token_hash(tokens.new_token()),
        created_at=moment, expires_at=moment + timedelta(days=30), author_name="Ellie Moss",
        skills={"skill-teamwork": 3, "skill-customers": 2}, went_well="Sam was kind to every customer.",
        work_on="Asking for help sooner.", offer_again="yes", voice=voice, submitted_at=moment,
        read_at=moment if checked else None, checked_at=moment if checked else None))


def _activities(dbs: Session, learner: User, shared: Experience) -> int:
    """A placement (with checked feedback and the entry that records it), a guidance meeting, a missed
    visit (unchecked feedback), and two that stay behind: one only planned, one cancelled."""
    school = learner.school
    garden = make_employer(dbs, school)
    placement = make_activity(dbs, school, [learner], employer=garden, starts_on=date(2026, 6, 12), days=2,
                              attended=True)
    shared.activity_id = placement.id
    _feedback(dbs, placement.participants[0], checked=True, voice=_voice_file(dbs, school.id, "feedback"))
    guidance = make_activity(dbs, school, [learner], kind=ActivityKind.GUIDANCE, starts_on=date(2026, 5, 5),
                             days=None, attended=True)
    guidance.adviser_name, guidance.adviser_level = "Alex Morgan", "Level 6"
    guidance.participants[0].discussed = "Sam would like to work with plants."
    visit = make_activity(dbs, school, [learner], kind=ActivityKind.VISIT, starts_on=date(2026, 4, 20), days=0.5)
    visit.participants[0].attendance = Attendance.ABSENT.value
    _feedback(dbs, visit.participants[0], checked=False, voice=None)
    make_activity(dbs, school, [learner], kind=ActivityKind.EMPLOYER_TALK, starts_on=date(2026, 9, 30))
    cancelled = make_activity(dbs, school, [learner], kind=ActivityKind.TASTER, starts_on=date(2026, 3, 3),
                              attended=True)
    cancelled.cancelled_at = utcnow()
    return placement.id


def _plan(dbs: Session, learner: User, shared: Experience, waiting: Experience) -> None:
    year10 = plans.start_year(dbs, learner, 10)
    year10.aspirations, year10.employment = "I want to work in a garden centre.", "A placement every term."
    plans.add_option(year10, [shared, waiting], "college", "Horticulture at Riverside College", "Open day in May.",
                     [shared.id, waiting.id])
    plans.add_next_step(year10, "Priya", "Ask the college about a taster day", "2026-07-01")
    year11 = plans.start_year(dbs, learner, 11)
    year11.health = "I walk to the bus stop on my own."
    plans.add_next_step(year11, "Sam", "Practise the bus route", "")
    plans.set_step_status(year10, year10.next_steps[0].id, "done")


def _record(dbs: Session, learner: User) -> None:
    dbs.add(LearnerRecord(learner_id=learner.id, school_id=learner.school_id, date_of_birth=date(2010, 3, 1),
                          upn="A123456789012", ehc_plan=True, annual_review_on=date(2027, 2, 1), need_area="semh",
                          year_override=11, leaving_reason="", keep_in_touch_by=""))
    dbs.add(Destination(school_id=learner.school_id, learner_id=learner.id, checkpoint=0, due_on=date(2026, 7, 20),
                        category="education", provider="Riverside College"))


@pytest.fixture
def full(app: Flask, world: World, rich: Rich) -> Full:
    with app.app_context():
        dbs = db.session()
        learner, ta = dbs.get(User, world.learner.id), dbs.get(User, world.ta.id)
        shared, waiting = dbs.get(Experience, rich.entries.shared.id), dbs.get(Experience, rich.entries.waiting.id)
        assert learner is not None and ta is not None and shared is not None and waiting is not None
        empty = Experience(school_id=learner.school_id, learner_id=learner.id, created_by_id=learner.id,
                           caption_symbols={}, kind="placement", place="Green Fingers Garden Centre",
                           start_date=date(2026, 7, 1))
        dbs.add(empty)
        placement_id = _activities(dbs, learner, shared)
        _plan(dbs, learner, shared, waiting)
        _record(dbs, learner)
        pack = reviews.create(dbs, learner, ta, "2026-06-01", "2026-06-30")
        reviews.update(pack, {"working": "I use the bus timetable.", "questions": "Can I go to college?"}, [])
        reviews.finalise(dbs, media_store(), pack, ta)
        dbs.commit()
        return Full(rich, empty.uid, placement_id)


def _document(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("portfolio.json"))


# --------------------------------------------------------------------------- what the file holds


def test_the_file_holds_the_new_parts_and_leaves_the_rest(app: Flask, world: World, full: Full) -> None:
    document = _document(export_bytes(app, world.learner.id))
    assert document["version"] == 2
    assert [year["year_group"] for year in document["transition_plan"]] == [10, 11]
    assert sorted(document["transition_plan"][0]["options"][0]["experiences"]) == sorted(
        [full.rich.entries.shared.uid, full.rich.entries.waiting.uid])
    assert [(a["kind"], a["attendance"]) for a in document["careers_activities"]] == [
        ("visit", "absent"), ("guidance", "attended"), ("placement", "attended")]  # planned, cancelled: left out
    visit, guidance, placement = document["careers_activities"]
    assert visit["feedback"] is None  # sent but not checked: the learner has not seen it
    assert placement["feedback"]["went_well"] == "Sam was kind to every customer."
    assert placement["employer"] == {"name": "Green Fingers Garden Centre", "kind": "employer"}
    assert guidance["discussed"] == "Sam would like to work with plants."
    assert "notes" not in placement and "participants" not in placement
    shared = next(e for e in document["experiences"] if e["uid"] == full.rich.entries.shared.uid)
    assert shared["activity"] == placement["uid"]
    assert document["record"] == {"date_of_birth": "2010-03-01", "upn": "A123456789012", "ehc_plan": True,
                                  "annual_review_on": "2027-02-01"}  # no need area, override or destination
    pack = document["review_packs"][0]
    assert pack["document"]["working"] == ["I use the bus timetable."]
    assert pack["document"]["done"][0]["entry"] == full.rich.entries.shared.uid
    assert pack["document"]["done"][0]["photo"]["path"].startswith("media/reviews/")
    assert {"5", "6", "7", "8"} == set(document["evidence"]["benchmarks"])


def test_empty_drafts_are_left_out(app: Flask, world: World, full: Full) -> None:
    document = _document(export_bytes(app, world.learner.id))
    uids = {e["uid"] for e in document["experiences"]}
    assert full.empty_draft_uid not in uids
    assert full.rich.entries.draft.uid in uids  # a draft with the learner's words in it still goes


def test_evidence_naming_an_empty_draft_is_dropped_and_the_file_imports(app: Flask, world: World, full: Full) -> None:
    with app.app_context():
        dbs = db.session()
        empty = dbs.scalars(select(Experience).where(Experience.uid == full.empty_draft_uid)).one()
        option = dbs.scalars(select(PlanOption)).first()
        assert option is not None
        option.experiences.append(empty)
        dbs.commit()
    data = export_bytes(app, world.learner.id)
    assert full.empty_draft_uid not in json.dumps(_document(data))
    assert import_bytes(app, data, world.other_school_admin, other_group(app, world)).added_experiences == 3


# --------------------------------------------------------------------------- the round trip


def _plan_of(dbs: Session, learner_id: int, uid_back: Callable[[str], str]) -> list[Any]:
    learner = dbs.get(User, learner_id)
    assert learner is not None
    return [(plan.year_group, plan.aspirations, [plan.area_text(a) for a in plans.PfaArea],
             [(o.kind, o.title, o.notes, sorted(uid_back(e.uid) for e in o.experiences)) for o in plan.options],
             [(s.who, s.what, s.by_when, s.status) for s in plan.next_steps])
            for plan in plans.plans_for(dbs, learner)]


def _activities_of(dbs: Session, learner_id: int) -> list[Any]:
    found = []
    for taken in dbs.scalars(select(ActivityParticipant).join(CareersActivity).where(
            ActivityParticipant.learner_id == learner_id, CareersActivity.cancelled_at.is_(None),
            ActivityParticipant.attendance != Attendance.PLANNED.value).order_by(CareersActivity.starts_on)):
        activity = taken.activity
        checked = [f for f in taken.feedback if f.checked_at is not None]
        found.append((activity.kind, activity.starts_on, activity.days, activity.benchmarks, activity.adviser_name,
                      taken.attendance, taken.discussed,
                      [(f.author_name, f.skills, f.went_well, f.work_on, f.offer_again, f.voice is not None)
                       for f in checked]))
    return found


def _counts(dbs: Session, learner_id: int) -> Any:
    learner = dbs.get(User, learner_id)
    assert learner is not None
    found = careers_evidence.learner_evidence(dbs, learner, TODAY)
    return {b: found.count(b) for b in (5, 6, 7, 8)}, found.days_total


def _plays(dbs: Session, media: MediaFile) -> bool:
    with av.open(str(media_store().path(media.key))) as container:
        return sum(1 for _ in container.decode(audio=0)) > 0


def _pack_of(dbs: Session, learner_id: int) -> tuple[dict[str, Any], list[str]]:
    """The final pack's document with media ids named by what they are, and the media's kinds."""
    pack = dbs.scalars(select(ReviewPack).where(ReviewPack.learner_id == learner_id)).one()
    files = {item.media_id: item.media for item in pack.media}
    document = json.loads(json.dumps(pack.snapshot))
    kinds = []
    for item in document["done"]:
        item.pop("id")
        if item["photo"]:
            kinds.append(files[item["photo"].pop("media")].content_type)
        if item["voice"]:
            assert _plays(dbs, files[item["voice"]])
            item["voice"] = "a recording"
    for group in ("liked", "important"):
        for line in document[group]:
            if line.get("voice"):
                assert _plays(dbs, files[line["voice"]])
                line["voice"] = "a recording"
    return document, sorted(kinds)


def test_round_trip_into_another_school_keeps_everything(app: Flask, world: World, full: Full) -> None:
    imported = import_bytes(app, export_bytes(app, world.learner.id), world.other_school_admin,
                            other_group(app, world))
    with app.app_context():
        dbs = db.session()
        back = {local_uid(world.other_school.id, e.uid): e.uid for e in dbs.scalars(select(Experience))}

        def uid_back(uid: str) -> str:
            return back.get(uid, uid)

        assert _plan_of(dbs, imported.learner_id, uid_back) == _plan_of(dbs, world.learner.id, uid_back)
        assert _activities_of(dbs, imported.learner_id) == _activities_of(dbs, world.learner.id)
        assert _counts(dbs, imported.learner_id) == _counts(dbs, world.learner.id)
        source_pack, source_kinds = _pack_of(dbs, world.learner.id)
        copy_pack, copy_kinds = _pack_of(dbs, imported.learner_id)
        assert copy_pack == source_pack and copy_kinds == source_kinds == ["image/jpeg"]
        pack = dbs.scalars(select(ReviewPack).where(ReviewPack.learner_id == imported.learner_id)).one()
        assert pack.is_final and pack.school_id == world.other_school.id
        assert all(item.media.school_id == world.other_school.id for item in pack.media)
        record = dbs.get(LearnerRecord, imported.learner_id)
        assert record is not None
        assert (record.date_of_birth, record.upn, record.ehc_plan, record.annual_review_on, record.need_area,
                record.year_override) == (date(2010, 3, 1), "A123456789012", True, date(2027, 2, 1), None, None)
        assert dbs.scalars(select(Destination).where(Destination.learner_id == imported.learner_id)).all() == []
        placement = dbs.scalars(select(CareersActivity).where(
            CareersActivity.school_id == world.other_school.id, CareersActivity.kind == "placement")).one()
        assert placement.employer_id is None and "Green Fingers Garden Centre" in placement.display_title
        assert [p.learner_id for p in placement.participants] == [imported.learner_id]
        shared = dbs.scalars(select(Experience).where(Experience.learner_id == imported.learner_id,
                                                      Experience.status == ExperienceStatus.SHARED.value)).one()
        assert shared.activity_id == placement.id
        feedback = placement.participants[0].feedback[0]
        assert feedback.revoked_at is not None and feedback.expires_at < utcnow()  # its link never opens


def test_a_second_import_of_the_same_file_adds_nothing_new(app: Flask, world: World, full: Full) -> None:
    data = export_bytes(app, world.learner.id)
    group = other_group(app, world)
    first = import_bytes(app, data, world.other_school_admin, group)
    after_first = full_snapshot(app)
    again = import_bytes(app, data, world.other_school_admin, group)
    assert (again.learner_id, again.created_learner) == (first.learner_id, False)
    assert full_snapshot(app) == after_first


def test_a_later_export_adds_only_the_new_plan_lines(app: Flask, world: World, full: Full) -> None:
    group = other_group(app, world)
    first = import_bytes(app, export_bytes(app, world.learner.id), world.other_school_admin, group)
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        assert learner is not None
        year11 = plans.start_year(dbs, learner, 11)
        plans.add_next_step(year11, "Helen", "Book a college visit", "2026-09-15")
        dbs.commit()
    import_bytes(app, export_bytes(app, world.learner.id), world.other_school_admin, group)
    with app.app_context():
        dbs = db.session()
        copy = dbs.scalars(select(TransitionPlan).where(TransitionPlan.learner_id == first.learner_id,
                                                        TransitionPlan.year_group == 11)).one()
        assert [s.what for s in copy.next_steps] == ["Practise the bus route", "Book a college visit"]
        assert dbs.scalar(select(func.count()).select_from(ReviewPack)) == 2


def test_back_into_its_own_school_nothing_is_doubled(app: Flask, world: World, full: Full) -> None:
    before = full_snapshot(app)
    back = import_bytes(app, export_bytes(app, world.learner.id), world.admin, world.group)
    assert back.learner_id == world.learner.id
    after = full_snapshot(app)
    assert after.pop("ImportRecord") == before.pop("ImportRecord") + 1
    assert after == before


def test_a_upn_already_used_here_is_left_empty(app: Flask, world: World, full: Full) -> None:
    with app.app_context():
        dbs = db.session()
        dbs.add(LearnerRecord(learner_id=world.other_school_learner.id, school_id=world.other_school.id,
                              upn="A123456789012", ehc_plan=False, leaving_reason="", keep_in_touch_by=""))
        dbs.commit()
    imported = import_bytes(app, export_bytes(app, world.learner.id), world.other_school_admin,
                            other_group(app, world))
    with app.app_context():
        record = db.session().get(LearnerRecord, imported.learner_id)
        assert record is not None and record.upn is None and record.date_of_birth == date(2010, 3, 1)


# --------------------------------------------------------------------------- the previous version


def test_a_version_1_archive_still_imports(app: Flask, world: World) -> None:
    data = (EXAMPLES / "portfolio-v1.zip").read_bytes()
    assert _document(data)["version"] == 1
    group = other_group(app, world)
    imported = import_bytes(app, data, world.other_school_admin, group)
    assert (imported.created_learner, imported.added_experiences, imported.added_statements) == (True, 2, 1)
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, imported.learner_id)
        assert learner is not None and learner.display_name == "Sam Patel" and learner.school_id == world.other_school.id
        entries = {e.place: e for e in dbs.scalars(select(Experience).where(Experience.learner_id == learner.id))}
        garden = entries["Green Fingers Garden Centre"]
        assert len(garden.photos) == 1 and [c.text for c in garden.comments] == ["Sam told us all about the plants!"]
        assert entries["School café"].status == "waiting"
        passport = dbs.scalars(select(PassportStatement).where(PassportStatement.learner_id == learner.id)).one()
        assert [e.place for e in passport.evidence] == ["Green Fingers Garden Centre"]
        assert passport.voice is not None and _plays(dbs, passport.voice)
        assert dbs.scalars(select(TransitionPlan).where(TransitionPlan.learner_id == learner.id)).all() == []
    after = full_snapshot(app)
    assert import_bytes(app, data, world.other_school_admin, group).created_learner is False
    assert full_snapshot(app) == after


# --------------------------------------------------------------------------- hostile versions of the new parts


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        target: Any = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return edit


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda document: document.pop(key)


def _placement(document: dict[str, Any]) -> dict[str, Any]:
    return next(a for a in document["careers_activities"] if a["kind"] == "placement")


def _swap_media(data: bytes, pick: Callable[[dict[str, Any]], dict[str, Any]], payload: bytes) -> bytes:
    """Put ``payload`` where a media file of the new parts was, with its SHA-256 made to match."""
    path = pick(_document(data))["path"]

    def edit(document: dict[str, Any]) -> None:
        pick(document)["sha256"] = hashlib.sha256(payload).hexdigest()

    return change_json(rewrite(data, lambda name, b: payload if name == path else b), edit)


def _pack_photo(document: dict[str, Any]) -> dict[str, Any]:
    return document["review_packs"][0]["document"]["done"][0]["photo"]


def _feedback_voice(document: dict[str, Any]) -> dict[str, Any]:
    return _placement(document)["feedback"]["voice"]


def _edit(change: Callable[[dict[str, Any]], None]) -> Callable[[bytes], bytes]:
    return lambda data: change_json(data, change)


def _on(pick: Callable[[dict[str, Any]], Any], key: Any, value: Any) -> Callable[[bytes], bytes]:
    def change(document: dict[str, Any]) -> None:
        pick(document)[key] = value
    return _edit(change)


BAD = portable_import.BAD_DETAILS
HOSTILE: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "no plan list": (_edit(_drop("transition_plan")), BAD),
    "plan for year 8": (_on(lambda d: d["transition_plan"][0], "year_group", 8), BAD),
    "the same year twice": (_edit(lambda d: d["transition_plan"].append(d["transition_plan"][0])), BAD),
    "long aspirations": (_on(lambda d: d["transition_plan"][0], "aspirations", "a" * 2001), BAD),
    "option names an unknown entry": (_on(lambda d: d["transition_plan"][0]["options"][0], "experiences",
                                          ["00000000-0000-4000-8000-000000000000"]), BAD),
    "step with an unknown status": (_on(lambda d: d["transition_plan"][0]["next_steps"][0], "status", "lost"), BAD),
    "benchmark 9": (_on(_placement, "benchmarks", [5, 9]), BAD),
    "benchmark as text": (_on(_placement, "benchmarks", ["5"]), BAD),
    "days as text": (_on(_placement, "days", "two"), BAD),
    "a billion days": (_on(_placement, "days", 1e9), BAD),
    "unknown activity kind": (_on(_placement, "kind", "party"), BAD),
    "activity without a day": (_on(_placement, "starts_on", None), BAD),
    "activity uid twice": (_edit(lambda d: d["careers_activities"].append(_placement(d))), BAD),
    "entry records an activity not in the file": (
        _on(lambda d: next(e for e in d["experiences"] if e["activity"]), "activity",
            "00000000-0000-4000-8000-000000000000"), BAD),
    "skill rated 4": (_on(lambda d: _placement(d)["feedback"], "skills", {"skill-teamwork": 4}), BAD),
    "feedback words too long": (_on(lambda d: _placement(d)["feedback"], "went_well", "w" * 1001), BAD),
    "feedback voice missing": (
        lambda d: rewrite(d, lambda n, b: None if n == _feedback_voice(_document(d))["path"] else b),
        portable_import.MISSING_FILE),
    "feedback voice is not audio": (lambda d: _swap_media(d, _feedback_voice, b"not a recording" * 100),
                                    portable_import.BAD_VOICE),
    "pack photo changed": (lambda d: rewrite(d, lambda n, b: b + b"x" if n == _pack_photo(_document(d))["path"]
                                             else b), portable_import.DAMAGED),
    "pack photo is a bomb": (lambda d: _swap_media(d, _pack_photo, (FIXTURES / "bomb_10000x10000.png").read_bytes()),
                             portable_import.BAD_PHOTO),
    "pack photo outside media": (_on(_pack_photo, "path", "portfolio.json"), BAD),
    "pack that is not final": (_on(lambda d: d["review_packs"][0], "finalised_at", None), BAD),
    "pack item names an unknown entry": (_on(lambda d: d["review_packs"][0]["document"]["done"][0], "entry",
                                             "00000000-0000-4000-8000-000000000000"), BAD),
    "pack lines are not text": (_on(lambda d: d["review_packs"][0]["document"], "questions", [{"a": 1}]), BAD),
    "pack document is a list": (_on(lambda d: d["review_packs"][0], "document", []), BAD),
    "upn too long": (_on(lambda d: d["record"], "upn", "A" * 21), BAD),
    "ehc plan as text": (_on(lambda d: d["record"], "ehc_plan", "yes"), BAD),
}


@pytest.fixture(scope="module")
def good_v2() -> list[bytes]:
    return []


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_new_parts_are_refused_and_leave_nothing(app: Flask, world: World, request: pytest.FixtureRequest,
                                                         good_v2: list[bytes], case: str) -> None:
    if not good_v2:  # one full export serves every case: a zip imports into any fresh world
        request.getfixturevalue("full")
        good_v2.append(export_bytes(app, world.learner.id))
    make, message = HOSTILE[case]
    hostile = make(good_v2[0])
    group = other_group(app, world)
    before = full_snapshot(app)
    with pytest.raises(ImportRefused) as refused:
        import_bytes(app, hostile, world.other_school_admin, group)
    assert refused.value.message == message, refused.value.detail
    assert full_snapshot(app) == before


def test_the_good_file_the_hostile_cases_start_from_imports(app: Flask, world: World, full: Full) -> None:
    imported = import_bytes(app, export_bytes(app, world.learner.id), world.other_school_admin,
                            other_group(app, world))
    with app.app_context():
        dbs = db.session()
        assert dbs.scalars(select(ReviewPack).where(ReviewPack.learner_id == imported.learner_id)).one().is_final


def test_symbols_this_install_does_not_draw_are_dropped_from_a_pack(app: Flask, world: World, full: Full) -> None:
    def edit(document: dict[str, Any]) -> None:
        pack = document["review_packs"][0]["document"]
        pack["done"][0]["kind_symbol"] = "../../secret"
        pack["liked"].append({"text": "I liked the bus.", "symbol": "school:1", "voice": None})
        pack["learner"]["picture"] = "<script>"

    data = change_json(export_bytes(app, world.learner.id), edit)
    imported = import_bytes(app, data, world.other_school_admin, other_group(app, world))
    with app.app_context():
        pack = db.session().scalars(select(ReviewPack).where(ReviewPack.learner_id == imported.learner_id)).one()
        assert pack.snapshot["done"][0]["kind_symbol"] == "portfolio"
        assert pack.snapshot["liked"][-1] == {"text": "I liked the bus.", "symbol": None, "voice": None}
        assert pack.snapshot["learner"]["picture"] == "learner"


def test_a_refused_import_removes_the_files_it_had_stored(app: Flask, world: World, full: Full) -> None:
    """The entries' photos and recordings are stored before the feedback voice fails; none is left behind."""
    data = _swap_media(export_bytes(app, world.learner.id), _feedback_voice, b"not a recording" * 100)
    before = media_files(app)
    with pytest.raises(ImportRefused):
        import_bytes(app, data, world.other_school_admin, other_group(app, world))
    assert media_files(app) == before
