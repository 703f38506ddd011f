"""Text over a field's limit is refused with a message that names the limit; it is never cut.

The hostile-text tests of each area (entries, comments, passport, plan, employers, feedback,
review packs, careers, sharing, records) check their own forms; this file checks the helpers,
the forms that have no such test (a person's name, a group, a school tablet, the CSV import)
and that every form field with a limit tells the browser about it (``maxlength``).
"""
from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from portfolio import db
from portfolio.errors import KindError
from portfolio.imports import service as learner_import
from portfolio.models import Experience, ExperienceStatus, Group, TrustedTablet, User
from portfolio.plain_text import check_length, clean_line, clean_text, fit_line, too_long_message, without_controls
from tests.conftest import csrf_token, sign_in_as
from tests.factories import Entries, World


def test_a_line_exactly_at_the_limit_is_kept_and_one_more_letter_is_refused() -> None:
    assert clean_line("a" * 200, 200) == "a" * 200
    with pytest.raises(KindError) as refused:
        clean_line("a" * 201, 200)
    assert refused.value.message == "That is too long. Please use 200 letters or fewer."


def test_the_limit_counts_what_is_kept_after_cleaning() -> None:
    """Spaces round the text and a Windows line break (two characters sent, one kept) do not count."""
    assert clean_line("   " + "a" * 10 + "   ", 10) == "a" * 10
    assert clean_text("a" * 4 + "\r\n" + "b" * 5, 10) == "aaaa\nbbbbb"


def test_nul_and_control_characters_are_still_made_spaces() -> None:
    assert clean_line("work\x00place\nnow\x07", 50) == "work place now"
    assert clean_text("line one\x00\r\nline two\x1b", 50) == "line one \nline two"
    assert without_controls("a\x00b" * 3) == "a b" * 3


def test_the_message_names_the_field_and_a_caller_chooses_its_own_refusal() -> None:
    class AreaError(KindError):
        pass

    with pytest.raises(AreaError, match=r"^The title is too long\. Please use 80 letters or fewer\.$"):
        clean_line("x" * 81, 80, what="the title", refuse=AreaError)
    assert too_long_message(5) == "That is too long. Please use 5 letters or fewer."
    assert check_length("fits", 4) == "fits"


def test_fit_line_is_only_for_text_the_app_builds() -> None:
    assert fit_line("Work placement at " + "x" * 300, 120) == ("Work placement at " + "x" * 300)[:120]


def test_a_persons_name_over_120_letters_is_refused_kindly(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.admin)
    token = csrf_token(client, "/admin/")
    answer = client.post("/admin/people/new", data={"role": "learner", "display_name": "A" * 121,
                                                    "picture_symbol": "star", "csrf_token": token})
    assert answer.status_code == 400
    assert "The name is too long. Please use 120 letters or fewer." in answer.get_data(as_text=True)
    renamed = client.post(f"/admin/people/{world.ta.id}", data={
        "display_name": "B" * 121, "email": world.ta.email, "active": "on", "csrf_token": token})
    assert renamed.status_code == 400 and "Please use 120 letters or fewer." in renamed.get_data(as_text=True)
    with app.app_context():
        assert db.session().get(User, world.ta.id).display_name == "Priya Shah"
        assert db.session().scalar(select(func.count()).select_from(User).where(User.display_name.like("AAAA%"))) == 0


def test_a_group_name_over_the_limit_is_refused(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.admin)
    answer = client.post("/admin/groups", data={"name": "G" * 121, "csrf_token": csrf_token(client, "/admin/")})
    assert answer.status_code == 400
    assert "The group name is too long. Please use 120 letters or fewer." in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Group).where(Group.name.like("GGGG%"))) == 0


def test_a_tablet_name_over_the_limit_is_refused_and_the_tablet_not_set_up(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    token = csrf_token(client, "/staff/tablet")
    answer = client.post("/staff/tablet", data={"action": "enrol", "name": "T" * 121, "csrf_token": token})
    assert answer.status_code == 302 and "school_tablet=" not in answer.headers.get("Set-Cookie", "")
    page = client.get("/staff/tablet").get_data(as_text=True)
    assert "The tablet&#39;s name is too long. Please use 120 letters or fewer." in page
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(TrustedTablet)) == 0


def test_an_over_long_cell_in_the_learner_csv_is_a_problem_named_on_its_row() -> None:
    rows = learner_import.read_rows((
        "upn,first_name,last_name,date_of_birth,group\n"
        f"A123456789012,{'N' * 61},Patel,2010-05-01,Oak\n"
        "B123456789012,Ruby,Green,2010-05-01," + "G" * 121 + "\n"
    ).encode())
    assert "The first name is too long. Please use 60 letters or fewer." in rows[0].problems
    assert "The group is too long. Please use 120 letters or fewer." in rows[1].problems


# Form fields whose text a service keeps, with the limit the service holds it to.
FIELDS_WITH_LIMITS = {
    "/admin/groups": {"name": 120},
    "/staff/tablet": {"name": 120},
    "/employers/new": {"name": 200, "address": 500, "contact_name": 120, "phone": 40, "email": 254,
                       "what_to_wear": 2000, "access_notes": 2000},
    "/careers/activities/new": {"title": 200, "notes": 4000, "adviser_name": 120, "adviser_level": 60},
}


@pytest.mark.parametrize("path", sorted(FIELDS_WITH_LIMITS))
def test_forms_tell_the_browser_each_fields_limit(app: Flask, world: World, path: str) -> None:
    client = app.test_client()
    sign_in_as(client, world.admin)
    html = client.get(path).get_data(as_text=True)
    for name, limit in FIELDS_WITH_LIMITS[path].items():
        control = re.search(rf'<(?:input|textarea)[^>]*\bname="{name}"[^>]*>', html)
        assert control, f"{path} has no {name} field"
        assert f'maxlength="{limit}"' in control.group(0), control.group(0)


def test_a_send_back_note_over_300_letters_is_refused_and_the_entry_stays_waiting(
        no_csrf: Flask, world: World, entries: Entries) -> None:
    client = no_csrf.test_client()
    sign_in_as(client, world.ta)
    answer = client.post(f"/experiences/{entries.waiting.id}/check",
                         data={"decision": "send-back", "note_text": "n" * 301})
    assert answer.status_code == 400
    assert "The note is too long. Please use 300 letters or fewer." in answer.get_data(as_text=True)
    with no_csrf.app_context():
        assert db.session().get(Experience, entries.waiting.id).status == ExperienceStatus.WAITING.value
