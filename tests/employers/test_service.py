"""The employers directory service: adding, checking, searching, merging, switching off and risk PDFs."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.employers import service as employers
from portfolio.employers.service import EmployerDetails, EmployerError, RiskDetails
from portfolio.media.changes import MediaChange
from portfolio.media.storage import LocalMediaStore, media_store
from portfolio.models import CareersActivity, Employer, MediaFile
from tests.employers.helpers import make_activity, make_employer, real_pdf
from tests.factories import World
from tests.media_fixtures import fixture_bytes

TODAY = date(2026, 11, 2)


@pytest.fixture
def session(app: Flask, world: World) -> Iterator[Session]:
    with app.app_context():
        yield db.session()


def _files(store: LocalMediaStore) -> list[str]:
    return sorted(str(p.relative_to(store.root)) for p in store.root.rglob("*") if p.is_file()) \
        if store.root.exists() else []


def _risk(checked_on: date = TODAY, by: str = "Helen Carter", due: date | None = None) -> RiskDetails:
    return RiskDetails(checked_on.isoformat(), by, (due or checked_on + timedelta(days=365)).isoformat())


# --------------------------------------------------------------------------- adding and checking


def test_create_keeps_every_detail(session: Session, world: World) -> None:
    form = {"name": "  Green Fingers  ", "kind": "college", "sector": "garden-centre", "address": "1 High St\r\nTown",
            "contact_name": "Jo Bloggs", "phone": "+44 (0)1234 567-890", "email": "jo@example.org",
            "quiet_room": "on", "what_to_wear": "Boots", "access_notes": "Ramp at the side"}
    employer = employers.create(session, world.school.id, EmployerDetails.from_form(form))
    session.commit()
    saved = session.get(Employer, employer.id)
    assert saved is not None
    assert (saved.name, saved.kind, saved.sector, saved.address) == ("Green Fingers", "college", "garden-centre",
                                                                      "1 High St\nTown")
    assert (saved.contact_name, saved.phone, saved.email) == ("Jo Bloggs", "+44 (0)1234 567-890", "jo@example.org")
    assert saved.quiet_room and not saved.step_free and saved.active and saved.merged_into_id is None
    assert EmployerDetails.of(saved) == EmployerDetails.from_form(form)


@pytest.mark.parametrize(("form", "says"), [
    ({"name": ""}, "name"),
    ({"name": "   \x00  "}, "name"),
    ({"name": "A", "kind": "spaceship"}, "what kind"),
    ({"name": "A", "sector": "dog"}, "sector"),
    ({"name": "A", "email": "jo at example"}, "email"),
    ({"name": "A", "email": "jo@example"}, "email"),
    ({"name": "A", "phone": "call Jo"}, "phone"),
    ({"name": "A", "phone": "12"}, "phone"),
])
def test_bad_details_are_refused_kindly(session: Session, world: World, form: dict[str, str], says: str) -> None:
    with pytest.raises(EmployerError) as refused:
        employers.create(session, world.school.id, EmployerDetails.from_form({"kind": "employer", **form}))
    assert says in refused.value.message
    assert session.scalar(select(func.count()).select_from(Employer)) == 0


def test_the_same_name_twice_is_refused_but_other_schools_and_itself_are_fine(session: Session, world: World) -> None:
    first = make_employer(session, world.school.id, "Green Fingers")
    with pytest.raises(EmployerError, match="already an employer called"):
        make_employer(session, world.school.id, "green fingers")
    make_employer(session, world.other_school.id, "Green Fingers")
    employers.update_details(session, first, EmployerDetails(name="Green Fingers", phone="01234 567890"))
    assert first.phone == "01234 567890"


def test_hostile_text_is_cleaned_and_over_long_text_refused_not_cut(session: Session, world: World) -> None:
    details = EmployerDetails.from_form({"name": "work\x00place", "kind": "employer",
                                         "access_notes": "a\x00b" + "y" * (employers.MAX_NOTES - 3)})
    employer = employers.create(session, world.school.id, details)
    assert employer.name == "work place"
    assert employer.access_notes.startswith("a b") and len(employer.access_notes) == employers.MAX_NOTES
    too_long = EmployerDetails.from_form({"name": "Long Notes Ltd", "kind": "employer",
                                          "access_notes": "y" * (employers.MAX_NOTES + 1)})
    assert len(too_long.access_notes) == employers.MAX_NOTES + 1  # kept whole, to show again
    with pytest.raises(employers.EmployerError, match="The access note is too long. Please use 2000 letters or fewer."):
        employers.create(session, world.school.id, too_long)
    with pytest.raises(employers.EmployerError, match="The name is too long. Please use 200 letters or fewer."):
        employers.create(session, world.school.id, EmployerDetails.from_form({"name": "x" * 201, "kind": "employer"}))


# --------------------------------------------------------------------------- search and choices


def test_search_by_name_sector_words_and_contact(session: Session, world: World) -> None:
    make_employer(session, world.school.id, "Green Fingers", sector="garden-centre", contact_name="Jo Bloggs")
    make_employer(session, world.school.id, "Bean There", sector="cafe", contact_name="Sam Wu")
    make_employer(session, world.other_school.id, "Garden Gnomes", sector="garden-centre")

    def names(query: str) -> list[str]:
        return [e.name for e in employers.directory(session, world.school.id, query).active]

    assert names("") == ["Bean There", "Green Fingers"]
    assert names("garden") == ["Green Fingers"]  # sector words, and never another school's
    assert names("CAFÉ") == ["Bean There"]
    assert names("bloggs") == ["Green Fingers"]
    assert names("%") == [] and names("_") == []  # wildcards are plain characters
    assert names("nothing like it") == []


def test_names_match_whatever_their_case_in_any_alphabet_on_both_databases(session: Session, world: World) -> None:
    """SQLite's own lower() folds only A to Z and PostgreSQL's every letter; the app's SQLite connections
    use Python's, so an accented or Greek name is found and kept unique the same way on both."""
    make_employer(session, world.school.id, "ÉCOLE DU CAFÉ")
    make_employer(session, world.school.id, "Ωμέγα Τεχνική")
    make_employer(session, world.school.id, "Große Straße")

    def names(query: str) -> list[str]:
        return [e.name for e in employers.directory(session, world.school.id, query).active]

    assert names("école du") == ["ÉCOLE DU CAFÉ"]
    assert names("ωμέγα") == ["Ωμέγα Τεχνική"] and names("ΤΕΧΝΙΚΉ") == ["Ωμέγα Τεχνική"]
    assert names("GROSSE") == [] and names("GROßE") == ["Große Straße"]  # letters lowered, never spelt out
    with pytest.raises(employers.EmployerError, match="already an employer called"):
        make_employer(session, world.school.id, "école du café")


def test_switching_off_moves_it_apart_and_out_of_choices(session: Session, world: World) -> None:
    kept = make_employer(session, world.school.id, "Green Fingers")
    old = make_employer(session, world.school.id, "Old Mill")
    employers.switch_off(session, old)
    listing = employers.directory(session, world.school.id)
    assert list(listing.active) == [kept] and list(listing.switched_off) == [old]
    assert employers.choices(session, world.school.id) == [kept]
    employers.switch_on(session, old)
    assert employers.choices(session, world.school.id) == [kept, old]


# --------------------------------------------------------------------------- merging


def test_merge_moves_activities_fills_blanks_and_keeps_both_rows(session: Session, world: World) -> None:
    kept = make_employer(session, world.school.id, "Green Fingers Garden Centre", phone="01234 567890")
    duplicate = make_employer(session, world.school.id, "Green Fingers", phone="09999 999999", contact_name="Jo Bloggs",
                              sector="garden-centre", step_free=True)
    other = make_employer(session, world.school.id, "Bean There")
    moved = [make_activity(session, duplicate, TODAY), make_activity(session, duplicate, TODAY - timedelta(days=40))]
    untouched = make_activity(session, other, TODAY)
    session.commit()

    assert employers.merge(session, duplicate, kept.id) is kept
    session.commit()
    session.expire_all()
    assert {a.employer_id for a in session.scalars(select(CareersActivity).where(
        CareersActivity.id.in_([a.id for a in moved])))} == {kept.id}
    assert session.get(CareersActivity, untouched.id).employer_id == other.id
    kept, duplicate = session.get(Employer, kept.id), session.get(Employer, duplicate.id)
    assert kept.phone == "01234 567890"  # what the kept one had stays
    assert (kept.contact_name, kept.sector, kept.step_free) == ("Jo Bloggs", "garden-centre", True)
    assert duplicate.merged_into_id == kept.id and not duplicate.active
    assert session.scalar(select(func.count()).select_from(Employer)) == 3
    assert employers.choices(session, world.school.id) == [other, kept]


def test_merge_brings_the_risk_assessment_across_when_the_kept_one_has_none(app: Flask, session: Session,
                                                                            world: World) -> None:
    kept = make_employer(session, world.school.id, "Green Fingers Garden Centre")
    duplicate = make_employer(session, world.school.id, "Green Fingers")
    employers.record_risk(session, media_store(), duplicate, _risk(), real_pdf(), TODAY)
    pdf_id = duplicate.risk_pdf_id
    employers.merge(session, duplicate, kept.id)
    session.commit()
    assert kept.risk_pdf_id == pdf_id and duplicate.risk_pdf_id is None
    assert not kept.risk_overdue(TODAY) and kept.risk_checked_by == "Helen Carter"


@pytest.mark.parametrize("into", ["itself", "missing", "none", "other-school", "merged-away"])
def test_merge_refuses_kindly(session: Session, world: World, into: str) -> None:
    duplicate = make_employer(session, world.school.id, "Green Fingers")
    gone = make_employer(session, world.school.id, "Gone")
    employers.merge(session, gone, make_employer(session, world.school.id, "Kept").id)
    targets = {"itself": duplicate.id, "missing": 999999, "none": None,
               "other-school": make_employer(session, world.other_school.id, "Elsewhere").id, "merged-away": gone.id}
    with pytest.raises(EmployerError):
        employers.merge(session, duplicate, targets[into])
    assert duplicate.merged_into_id is None and duplicate.active


def test_a_merged_employer_cannot_be_merged_again_or_switched_on(session: Session, world: World) -> None:
    kept = make_employer(session, world.school.id, "Kept")
    duplicate = make_employer(session, world.school.id, "Duplicate")
    employers.merge(session, duplicate, kept.id)
    with pytest.raises(EmployerError, match="already been merged"):
        employers.merge(session, duplicate, kept.id)
    with pytest.raises(EmployerError, match="merged into another"):
        employers.switch_on(session, duplicate)
    assert not duplicate.active


def test_merging_twice_leaves_no_chain(session: Session, world: World) -> None:
    first = make_employer(session, world.school.id, "Zed")
    second = make_employer(session, world.school.id, "Zed Widgets")
    kept = make_employer(session, world.school.id, "Zed Widgets Ltd")
    visit = make_activity(session, first, TODAY)
    employers.merge(session, first, second.id)
    employers.merge(session, second, kept.id)
    session.commit()
    session.expire_all()
    assert first.merged_into_id == kept.id and second.merged_into_id == kept.id
    assert visit.employer_id == kept.id


def test_the_page_splits_activities_into_coming_up_and_past(session: Session, world: World) -> None:
    employer = make_employer(session, world.school.id, "Green Fingers")
    other = make_employer(session, world.school.id, "Bean There")
    make_employer(session, world.other_school.id, "Elsewhere")
    later = make_activity(session, employer, TODAY + timedelta(days=10))
    today_one = make_activity(session, employer, TODAY)
    long_ago = make_activity(session, employer, TODAY - timedelta(days=300))
    last_week = make_activity(session, employer, TODAY - timedelta(days=7))
    make_activity(session, other, TODAY)
    page = employers.employer_page(session, employer, TODAY)
    assert page.upcoming == [today_one, later]
    assert page.past == [last_week, long_ago]
    assert page.merge_choices == [other]


# --------------------------------------------------------------------------- risk assessment


def test_risk_overdue_when_missing_or_past_its_review(session: Session, world: World) -> None:
    employer = make_employer(session, world.school.id, "Green Fingers")
    assert employer.risk_overdue(TODAY)
    assert "none is recorded" in employers.risk_words(employer, TODAY)
    employers.record_risk(session, media_store(), employer, _risk(TODAY - timedelta(days=30), due=TODAY), None, TODAY)
    assert not employer.risk_overdue(TODAY)
    assert employer.risk_overdue(TODAY + timedelta(days=1))
    assert "was due on 2 November 2026" in employers.risk_words(employer, TODAY + timedelta(days=1))


@pytest.mark.parametrize(("risk", "says"), [
    (RiskDetails("", "Helen Carter", "2027-01-01"), "date the risk assessment was done"),
    (RiskDetails("2026-13-01", "Helen Carter", "2027-01-01"), "date the risk assessment was done"),
    (RiskDetails("2026-10-01", "Helen Carter", "soon"), "next review"),
    (RiskDetails("2026-12-01", "Helen Carter", "2027-12-01"), "future"),
    (RiskDetails("2026-10-01", "Helen Carter", "2026-09-01"), "after"),
    (RiskDetails("2026-10-01", "", "2027-10-01"), "who did"),
])
def test_bad_risk_dates_are_refused(session: Session, world: World, risk: RiskDetails, says: str) -> None:
    employer = make_employer(session, world.school.id, "Green Fingers")
    with pytest.raises(EmployerError, match=says):
        employers.record_risk(session, media_store(), employer, risk, None, TODAY)


def test_a_real_pdf_is_kept_and_a_new_one_replaces_it(session: Session, world: World) -> None:
    store = media_store()
    employer = make_employer(session, world.school.id, "Green Fingers")
    first = employers.record_risk(session, store, employer, _risk(), real_pdf("first"), TODAY)
    session.commit()
    assert first.replaced == [] and store.read(first.written[0]) == real_pdf("first")
    assert employer.risk_pdf.content_type == "application/pdf" and employer.risk_pdf.school_id == world.school.id
    second = employers.record_risk(session, store, employer, _risk(), real_pdf("second"), TODAY)
    session.commit()
    assert second.replaced == first.written
    assert session.scalar(select(func.count()).select_from(MediaFile).where(MediaFile.key == first.written[0])) == 0
    assert store.read(employer.risk_pdf.key) == real_pdf("second")


def test_saving_dates_alone_keeps_the_pdf(session: Session, world: World) -> None:
    employer = make_employer(session, world.school.id, "Green Fingers")
    saved = employers.record_risk(session, media_store(), employer, _risk(), real_pdf(), TODAY)
    again = employers.record_risk(session, media_store(), employer, _risk(by="Priya Shah"), None, TODAY)
    assert again == MediaChange()
    assert [employer.risk_pdf.key] == saved.written and employer.risk_checked_by == "Priya Shah"


def _fake_pdf_polyglot() -> bytes:
    return b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\nstartxref\n0\n%%EOF\n"


@pytest.mark.parametrize("name", ["not_an_image.jpg", "script.svg", "truncated.jpg", "empty.jpg", "polyglot.gif",
                                  "photo_small.png", "voice_fake.webm", "fake-pdf-polyglot", "cut-off-pdf",
                                  "too-big"])
def test_anything_but_a_whole_pdf_is_refused_and_nothing_is_stored(app: Flask, session: Session, world: World,
                                                                    name: str) -> None:
    store = media_store()
    assert isinstance(store, LocalMediaStore)
    special = {
        "fake-pdf-polyglot": _fake_pdf_polyglot,
        "cut-off-pdf": lambda: real_pdf()[:-200],
        "too-big": lambda: real_pdf()[:-6] + b" " * employers.MAX_PDF_BYTES + b"%%EOF\n",
    }
    data = special[name]() if name in special else fixture_bytes(name)
    employer = make_employer(session, world.school.id, "Green Fingers")
    session.commit()
    before = _files(store)
    with pytest.raises(EmployerError) as refused:
        employers.record_risk(session, store, employer, _risk(), data, TODAY)
    assert "PDF" in refused.value.message or "empty" in refused.value.message
    session.rollback()
    assert _files(store) == before
    assert session.scalar(select(func.count()).select_from(MediaFile)) == 0
    assert employer.risk_review_due is None
