"""The learner import: reading hostile files, the message for every bad row, matching by UPN, parents
linked once, all-or-nothing confirm; and a group's login cards."""
from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.errors import KindError
from portfolio.imports import service as imports
from portfolio.media.storage import MediaStore, media_store
from portfolio.models import LearnerRecord, LoginCard, NeedArea, Role, School, User
from portfolio.people import cards
from portfolio.web.spreadsheets import csv_text
from tests.factories import World
from tests.media_fixtures import fixture_bytes, stored_keys

HEADER = ("upn,first_name,last_name,date_of_birth,group,year,ehc_plan,annual_review_date,need_area,"
          "parent_name,parent_email,parent2_name,parent2_email")
ALEX = "Z100000000001,Alex,Morgan,2011-02-03,Oak,,yes,2027-03-15,semh,Jo Morgan,jo.morgan@example.org,,"
BEA = "Z100000000002,Bea,Khan,14/09/2009,Willow,11,no,,Cognition and learning,,,,"


def csv_file(*rows: str, header: str = HEADER, newline: str = "\n") -> bytes:
    return newline.join((header, *rows)).encode() + newline.encode()


@pytest.fixture
def ctx(app: Flask, world: World) -> Iterator[tuple[Session, MediaStore, School, User]]:
    with app.app_context():
        dbs = db.session()
        yield dbs, media_store(), dbs.get(School, world.school.id), dbs.get(User, world.admin.id)


def run_import(ctx, data: bytes) -> imports.ImportResult:  # type: ignore[no-untyped-def]
    dbs, store, school, admin = ctx
    _, pending = imports.preview_upload(dbs, store, school, data)
    result = imports.confirm_import(dbs, store, school, admin, pending, hash_method="pbkdf2:sha256:1000")
    dbs.commit()
    store.delete(pending.key)
    return result


def plan_of(ctx, data: bytes) -> imports.ImportPlan:  # type: ignore[no-untyped-def]
    dbs, _, school, _ = ctx
    return imports.plan_rows(dbs, school, imports.read_rows(data))


def learner_by_upn(dbs: Session, upn: str) -> User:
    record = dbs.scalar(select(LearnerRecord).where(LearnerRecord.upn == upn))
    assert record is not None
    return record.learner


def test_a_good_file_adds_learners_with_records_pictures_and_parents(ctx) -> None:  # type: ignore[no-untyped-def]
    dbs = ctx[0]
    plan = plan_of(ctx, csv_file(ALEX, BEA))
    assert [p.action for p in plan.rows] == ["add", "add"]
    result = run_import(ctx, csv_file(ALEX, BEA))
    assert (result.added, result.updated, result.unchanged, result.skipped) == (2, 0, 0, 0)
    alex = learner_by_upn(dbs, "Z100000000001")
    assert alex.display_name == "Alex Morgan" and alex.role_enum is Role.LEARNER and alex.group.name == "Oak"
    assert alex.picture_symbol == imports.picture_for("Z100000000001")
    assert alex.record.date_of_birth == date(2011, 2, 3) and alex.record.ehc_plan is True
    assert alex.record.annual_review_on == date(2027, 3, 15) and alex.record.need_area == NeedArea.SEMH.value
    bea = learner_by_upn(dbs, "Z100000000002")
    assert bea.record.date_of_birth == date(2009, 9, 14) and bea.record.year_override == 11
    assert bea.record.need_area == NeedArea.COGNITION.value and bea.record.ehc_plan is False
    parent = dbs.scalar(select(User).where(User.email == "jo.morgan@example.org"))
    assert parent is not None and parent.role_enum is Role.PARENT and parent.password_hash
    assert [child.id for child in parent.children] == [alex.id]


def test_importing_the_same_file_again_changes_nothing(ctx) -> None:  # type: ignore[no-untyped-def]
    dbs = ctx[0]
    run_import(ctx, csv_file(ALEX, BEA))
    people = dbs.scalar(select(func.count(User.id)))
    plan = plan_of(ctx, csv_file(ALEX, BEA))
    assert [p.action for p in plan.rows] == ["no change", "no change"]
    result = run_import(ctx, csv_file(ALEX, BEA))
    assert (result.added, result.updated, result.unchanged) == (0, 0, 2)
    assert dbs.scalar(select(func.count(User.id))) == people


def test_a_changed_file_updates_by_upn_and_adds_nobody_twice(ctx) -> None:  # type: ignore[no-untyped-def]
    dbs = ctx[0]
    run_import(ctx, csv_file(ALEX))
    people = dbs.scalar(select(func.count(User.id)))
    changed = "Z100000000001,Alexandra,Morgan,2011-02-03,Willow,9,no,,communication-interaction,,,,"
    plan = plan_of(ctx, csv_file(changed))
    assert plan.rows[0].action == "update"
    assert plan.rows[0].changes == ["name", "group", "year", "EHC plan", "annual review date", "need area"]
    run_import(ctx, csv_file(changed))
    alex = learner_by_upn(dbs, "Z100000000001")
    assert alex.display_name == "Alexandra Morgan" and alex.group.name == "Willow"
    assert alex.record.year_override == 9 and alex.record.ehc_plan is False and alex.record.annual_review_on is None
    assert dbs.scalar(select(func.count(User.id))) == people


def test_a_learner_made_by_hand_is_matched_by_name_and_given_the_upn(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    dbs = ctx[0]
    sam = "Z100000000009,Sam,Patel,2010-04-03,Oak,,no,,,,,,"
    plan = plan_of(ctx, csv_file(sam))
    assert plan.rows[0].action == "update" and plan.rows[0].learner_id == world.learner.id
    run_import(ctx, csv_file(sam))
    assert learner_by_upn(dbs, "Z100000000009").id == world.learner.id


def test_a_parent_on_two_rows_or_already_here_is_linked_not_copied(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    dbs = ctx[0]
    sibling = "Z100000000003,Cal,Morgan,2013-05-06,Oak,,no,,,Jo Morgan,JO.MORGAN@example.org,Nina Patel,nina@example.org"
    existing = dbs.get(User, world.parent.id)
    existing.email = "nina@example.org"
    dbs.commit()
    run_import(ctx, csv_file(ALEX, sibling))
    jo = dbs.scalars(select(User).where(User.email == "jo.morgan@example.org")).all()
    assert len(jo) == 1 and sorted(c.display_name for c in jo[0].children) == ["Alex Morgan", "Cal Morgan"]
    assert dbs.scalar(select(func.count(User.id)).where(User.email == "nina@example.org")) == 1
    assert "Cal Morgan" in [c.display_name for c in existing.children]
    assert [p.action for p in plan_of(ctx, csv_file(ALEX, sibling)).rows] == ["no change", "no change"]


@pytest.mark.parametrize(("row", "message"), [
    ("Z100000000004,,Khan,2010-01-01,Oak,,,,,,,,", "first name or last name is missing"),
    ("Z100000000004,Dee,Khan,31/02/2010,Oak,,,,,,,,", "date of birth \u201c31/02/2010\u201d is not a date"),
    ("Z100000000004,Dee,Khan,2010-01-01,Oak,,,tomorrow,,,,,", "annual review date \u201ctomorrow\u201d"),
    ("Z100000000004,Dee,Khan,,Oak,,,,,,,,", "date of birth is missing"),
    ("Z100000000004,Dee,Khan,2010-01-01,Maple,,,,,,,,", "There is no group called \u201cMaple\u201d"),
    ("Z100000000004,Dee,Khan,2010-01-01,Oak,,,,,Jo,not-an-email,,", "email \u201cnot-an-email\u201d is not an email"),
    ("Z100000000004,Dee,Khan,2010-01-01,Oak,,,,dyslexia,,,,", "need area \u201cdyslexia\u201d is not one of"),
    ("Z100000000004,Dee,Khan,2010-01-01,Oak,Year 20,,,,,,,", "must be a number from 7 to 14"),
    ("Z100000000004,Dee,Khan,2010-01-01,Oak,,maybe,,,,,,", "EHC plan must be yes or no"),
    (",Dee,Khan,2010-01-01,Oak,,,,,,,,", "The UPN is missing"),
    ("Z1000-0001,Dee,Khan,2010-01-01,Oak,,,,,,,,", "letters and numbers only"),
])
def test_each_bad_row_gets_a_plain_message_and_is_not_imported(ctx, row: str, message: str) -> None:  # type: ignore[no-untyped-def]
    dbs = ctx[0]
    plan = plan_of(ctx, csv_file(ALEX, row))
    assert plan.rows[0].action == "add" and plan.rows[0].problems == []
    assert plan.rows[1].action is None
    assert any(message in problem for problem in plan.rows[1].problems), plan.rows[1].problems
    result = run_import(ctx, csv_file(ALEX, row))
    assert (result.added, result.skipped) == (1, 1)
    assert dbs.scalar(select(func.count(User.id)).where(User.display_name.like("Dee%"))) == 0


def test_duplicate_and_clashing_upns_are_named(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    twice = plan_of(ctx, csv_file(ALEX, ALEX.replace("Alex", "Alec")))
    assert all("also on row" in p.problems[0] for p in twice.rows)
    run_import(ctx, csv_file(ALEX))
    clash = "Z100000000001,Someone,Else,2001-01-01,Oak,,,,,,,,"
    plan = plan_of(ctx, csv_file(clash))
    assert plan.rows[0].action is None and "belongs to another learner, Alex Morgan" in plan.rows[0].problems[0]
    staff_email = f"Z100000000005,Eve,Ng,2010-01-01,Oak,,,,,Priya,{world.ta.email},,"
    assert "not a parent at this school" in plan_of(ctx, csv_file(staff_email)).rows[0].problems[0]


def test_formula_names_are_kept_as_typed_and_neutralised_in_any_export(ctx) -> None:  # type: ignore[no-untyped-def]
    dbs = ctx[0]
    run_import(ctx, csv_file('Z100000000006,"=HYPERLINK(""http://x.example"",""a"")",Smith,2010-01-01,Oak,,,,,,,,'))
    learner = learner_by_upn(dbs, "Z100000000006")
    assert learner.display_name.startswith("=HYPERLINK(")
    assert csv_text(["name"], [[learner.display_name]]).splitlines()[1].startswith("\"'=HYPERLINK")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings_and_a_mix_of_them(ctx, newline: str) -> None:  # type: ignore[no-untyped-def]
    assert [r.upn for r in imports.read_rows(csv_file(ALEX, BEA, newline=newline))] == ["Z100000000001",
                                                                                       "Z100000000002"]
    mixed = (HEADER + "\r\n" + ALEX + "\n" + BEA + "\r" + BEA.replace("2,Bea", "7,Cy") + "\r\n").encode()
    assert [r.display_name for r in imports.read_rows(mixed)] == ["Alex Morgan", "Bea Khan", "Cy Khan"]


def test_utf8_with_a_bom_and_windows_1252_from_excel_are_both_read() -> None:
    row = "Z100000000008,Zoë,Ó Brien,2010-01-01,Oak"
    header = "upn,first_name,last_name,date_of_birth,group"
    assert imports.read_rows(("\ufeff" + header + "\n" + row).encode("utf-8"))[0].display_name == "Zoë Ó Brien"
    assert imports.read_rows((header + "\r\n" + row).encode("cp1252"))[0].display_name == "Zoë Ó Brien"
    assert imports.read_rows((header.upper().replace("_", " ") + "\n" + row).encode())[0].upn == "Z100000000008"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "The file is empty"),
    (b"\r\n \n", "The file is empty"),
    ((HEADER + "\n").encode(), "only the column names"),
    (b"upn,first_name,last_name,group\nZ1,A,B,Oak\n", "no column called date_of_birth"),
    (b"upn,first_name,date_of_birth,group\nZ1,A,2010-01-01,Oak\n", "first_name and last_name (or display_name)"),
    (fixture_bytes("photo_small.png"), "not a CSV file"),
    ("upn,first_name\nZ1,A".encode("utf-16"), "saved as Unicode text"),
    (b"upn,first_name\n\x81\x8d\x8f\x90\n", "cannot be read"),
])
def test_files_that_cannot_be_used_are_refused_kindly(data: bytes, message: str) -> None:
    with pytest.raises(KindError) as refused:
        imports.read_rows(data)
    assert message in refused.value.message


def test_a_huge_file_is_refused_quickly_and_nothing_is_kept(ctx) -> None:  # type: ignore[no-untyped-def]
    dbs, store, school, _ = ctx
    rows = "".join(f"Z{n:012d},A,B,2010-01-01,Oak\n" for n in range(50_000))
    big = ("upn,first_name,last_name,date_of_birth,group\n" + rows).encode()
    started = time.monotonic()
    with pytest.raises(KindError, match="more than 2,000 learners"):
        imports.preview_upload(dbs, store, school, big)
    with pytest.raises(KindError, match="too big"):
        imports.preview_upload(dbs, store, school, big + big)
    assert time.monotonic() - started < 5
    assert stored_keys(store, "imports") == []


def test_confirm_checks_again_applies_in_one_transaction_and_cannot_run_twice(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    dbs, store, school, admin = ctx
    _, pending = imports.preview_upload(dbs, store, school, csv_file(ALEX, BEA))
    # The service never commits: until the route does, rolling back leaves nothing behind.
    imports.confirm_import(dbs, store, school, admin, pending, hash_method="pbkdf2:sha256:1000")
    dbs.rollback()
    assert dbs.scalar(select(func.count(LearnerRecord.learner_id))) == 0
    # Between preview and confirm, Jo's email becomes a staff account's: that row is now left out.
    taken = dbs.get(User, world.other_ta.id)
    taken.email = "jo.morgan@example.org"
    dbs.commit()
    result = imports.confirm_import(dbs, store, school, admin, pending, hash_method="pbkdf2:sha256:1000")
    dbs.commit()
    assert (result.added, result.skipped) == (1, 1)
    assert result.change.replaced == [pending.key]
    store.delete(result.change.replaced[0])
    with pytest.raises(KindError, match="no file waiting"):
        imports.confirm_import(dbs, store, school, admin, pending)
    assert dbs.scalar(select(func.count(LearnerRecord.learner_id))) == 1


def test_a_changed_or_foreign_waiting_file_is_refused(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    dbs, store, school, admin = ctx
    _, pending = imports.preview_upload(dbs, store, school, csv_file(ALEX))
    store.save(pending.key, csv_file(BEA))
    with pytest.raises(KindError, match="has changed"):
        imports.confirm_import(dbs, store, school, admin, pending)
    other = dbs.get(School, world.other_school.id)
    with pytest.raises(KindError, match="no file waiting"):
        imports.confirm_import(dbs, store, other, admin, pending)
    imports.cancel_import(store, school, pending)
    assert not store.exists(pending.key)


def test_group_cards_issue_a_new_card_for_each_active_learner(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    dbs, _, _, admin = ctx
    run_import(ctx, csv_file(ALEX))
    group = dbs.get(User, world.learner.id).group
    old = cards.current_card(dbs, dbs.get(User, world.learner.id))
    issued = imports.issue_group_cards(dbs, group, admin, 30)
    assert [c.card.learner.display_name for c in issued] == ["Alex Morgan", "Sam Patel"]
    assert old is not None and old.revoked_at is not None
    assert dbs.scalar(select(func.count(LoginCard.id)).where(LoginCard.revoked_at.is_(None))) == 2
    empty = dbs.get(User, world.other_learner.id).group
    dbs.get(User, world.other_learner.id).active = False
    with pytest.raises(KindError, match="no learners"):
        imports.issue_group_cards(dbs, empty, admin, 30)


def test_blank_lines_before_and_between_rows_are_skipped() -> None:
    data = ("\n,,,\n" + HEADER + "\n\n" + ALEX + "\n ,\n").encode()
    assert [r.upn for r in imports.read_rows(data)] == ["Z100000000001"]
