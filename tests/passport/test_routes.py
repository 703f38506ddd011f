"""The communication passport through HTTP: tapping statements, voice, suggestions, evidence, print and PDF."""
from __future__ import annotations

import io
import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from pypdf import PdfReader

from portfolio import db
from portfolio.models import PassportStatement, StatementStatus, User
from portfolio.passport import service as passport
from tests.conftest import FIXTURES, ROOT, sign_in_as
from tests.factories import Entries, World

HOSTILE: dict[str, str] = json.loads((FIXTURES / "hostile_text.json").read_text())


def _as(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in_as(client, user)
    return client


def _statements(app: Flask, learner: User, status: StatementStatus = StatementStatus.ACTIVE) -> list[PassportStatement]:
    with app.app_context():
        found = passport.statements(db.session(), learner, (status,))
        for statement in found:
            _ = (statement.voice, statement.evidence)
        return found


def _page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    html = response.get_data(as_text=True)
    return html


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_learner_taps_statements_into_their_passport(no_csrf: Flask, world: World) -> None:
    client = _as(no_csrf, world.learner)
    base = f"/passport/{world.learner.id}"
    html = _page(client, base)
    assert "My communication passport" in html
    assert html.count('class="passport-section"') == len(passport.SECTIONS)

    html = _page(client, f"{base}/sections/likes")
    assert 'id="starter-like-animals"' in html and 'aria-pressed="false"' in html
    # a double tap on the same picture keeps one statement
    for _ in range(2):
        assert client.post(f"{base}/sections/likes", data={"toggle": "like-animals:on"}).status_code == 302
    assert [s.text for s in _statements(no_csrf, world.learner)] == ["I like animals"]
    assert _statements(no_csrf, world.learner)[0].symbol == "dog"
    assert _statements(no_csrf, world.learner)[0].help_level is None

    html = _page(client, f"{base}/sections/likes")
    assert re.search(r'id="starter-like-animals"\s+aria-pressed="true"', html)
    assert 'value="like-animals:off"' in html

    # the tapped statement shows on the passport with its symbol and a private hear button
    html = _page(client, base)
    assert "I like animals" in html and "/static/symbols/dog.svg" in html
    assert 'aria-label="Hear: I like animals"' in html and "/speech/private/" in html

    # tapping again takes it away
    assert client.post(f"{base}/sections/likes", data={"toggle": "like-animals:off"}).status_code == 302
    assert _statements(no_csrf, world.learner) == []


def test_the_tap_grid_answers_htmx_with_just_the_editor(no_csrf: Flask, world: World) -> None:
    client = _as(no_csrf, world.learner)
    response = client.post(f"/passport/{world.learner.id}/sections/strengths", data={"toggle": "good-kind:on"},
                           headers={"HX-Request": "true", "HX-Target": "section-editor"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="section-editor"')
    assert "<html" not in fragment and "I am kind" in fragment
    assert "HX-Target" in response.headers.get("Vary", "")


def test_typed_words_get_a_symbol_and_bad_input_is_kind(no_csrf: Flask, world: World) -> None:
    client = _as(no_csrf, world.learner)
    base = f"/passport/{world.learner.id}"
    assert client.post(f"{base}/sections/likes", data={"text": "I like the farm"}).status_code == 302
    assert _statements(no_csrf, world.learner)[0].symbol == "farm"

    response = client.post(f"{base}/sections/likes", data={"text": "   "})
    assert response.status_code == 400
    assert "Please write some words first." in response.get_data(as_text=True)
    assert client.post(f"{base}/sections/likes", data={"toggle": "not-a-starter:on"}).status_code == 400
    assert client.post(f"{base}/sections/likes", data={}).status_code == 400
    assert client.get(f"{base}/sections/not-a-section").status_code == 404
    assert client.post(f"{base}/sections/not-a-section", data={"toggle": "like-animals:on"}).status_code == 404


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_is_shown_inert_and_prints(no_csrf: Flask, world: World, name: str) -> None:
    client = _as(no_csrf, world.ta)
    base = f"/passport/{world.learner.id}"
    response = client.post(f"{base}/sections/must-know", data={"text": HOSTILE[name]})
    if len(" ".join(HOSTILE[name].split())) > passport.MAX_TEXT:  # refused with the limit named, never cut
        assert response.status_code == 400
        assert "Please use 200 letters or fewer." in response.get_data(as_text=True)
        assert _statements(no_csrf, world.learner) == []
        return
    assert response.status_code == 302
    [statement] = _statements(no_csrf, world.learner)
    assert "\x00" not in statement.text and len(statement.text) <= passport.MAX_TEXT
    for url in (base, f"{base}/print/profile", f"{base}/print/booklet", f"{base}/statements/{statement.id}",
                f"{base}/sections/must-know"):
        html = _page(client, url)
        assert "<script>alert" not in html
        assert 'onmouseover="alert(1)' not in html
        assert "test-secret" not in html
        assert str(escape(statement.text))[:40] in html
    pdf = client.get(f"{base}/passport.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.get_data())
    assert "Sam Patel" in text
    if name in {"script", "sql", "template"}:
        assert " ".join(statement.text.split()[:2]) in " ".join(text.split())


def test_pdf_holds_the_statements_and_evidence(no_csrf: Flask, world: World, entries: Entries) -> None:
    client = _as(no_csrf, world.ta)
    base = f"/passport/{world.learner.id}"
    for section, toggle in (("likes", "like-animals"), ("how-to-help", "help-time"), ("hopes", "hope-cafe")):
        assert client.post(f"{base}/sections/{section}", data={"toggle": f"{toggle}:on"}).status_code == 302
    animals = next(s for s in _statements(no_csrf, world.learner) if s.text == "I like animals")
    assert client.post(f"{base}/statements/{animals.id}/evidence",
                       data={"experience_id": str(entries.shared.id)}).status_code == 302
    for size in ("A4", "A5"):
        response = client.get(f"{base}/passport.pdf?size={size}")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == 'attachment; filename="passport-sam-patel.pdf"'
        text = " ".join(_pdf_text(response.get_data()).split())
        for words in ("I like animals", "Give me time to answer", "I would like to work in a café",
                      "What I like and do not like", "Sam Patel", "Green Fingers Garden Centre"):
            assert words in text, (size, words)
        assert "My strengths" not in text  # empty parts are left out


def test_statement_ids_must_belong_to_the_learner_in_the_url(no_csrf: Flask, world: World) -> None:
    with no_csrf.app_context():
        session = db.session()
        other = session.get(User, world.other_learner.id)
        theirs = passport.add_own(session, other, other, "likes", "I like cats")
        session.commit()
        theirs_id = theirs.id
    client = _as(no_csrf, world.ta)  # Sam's TA: may edit Sam's passport, not Ruby's statements through it
    base = f"/passport/{world.learner.id}/statements/{theirs_id}"
    assert client.get(base).status_code == 404
    assert client.post(base, data={"action": "text", "text": "Changed"}).status_code == 404
    assert client.post(f"{base}/voice/remove").status_code == 404
    assert client.get(f"{base}/voice").status_code == 404
    assert client.post(f"{base}/evidence", data={"experience_id": "1"}).status_code == 404
    assert client.post(f"{base}/review", data={"decision": "accept"}).status_code == 404
    assert client.get(f"/passport/{world.learner.id}/statements/999999").status_code == 404
    assert [s.text for s in _statements(no_csrf, world.other_learner)] == ["I like cats"]


def test_parent_suggests_and_staff_accept_or_decline(no_csrf: Flask, world: World) -> None:
    parent = _as(no_csrf, world.parent)
    base = f"/passport/{world.learner.id}"
    _page(parent, f"{base}/suggest")
    bad = parent.post(f"{base}/suggest", data={"section": "nowhere", "text": "Sam likes trains"})
    assert bad.status_code == 400 and "Please choose one of the parts" in bad.get_data(as_text=True)
    empty = parent.post(f"{base}/suggest", data={"section": "likes", "text": ""})
    assert empty.status_code == 400 and "Please write your idea first." in empty.get_data(as_text=True)
    for text in ("I like trains", "I like trains", "I am good at jigsaws"):
        assert parent.post(f"{base}/suggest", data={"section": "likes", "text": text}).status_code == 302
    html = _page(parent, base)
    assert passport.SUGGESTED_THANKS in html
    assert "Your ideas waiting for school" in html and "I like trains" in html
    waiting = _statements(no_csrf, world.learner, StatementStatus.SUGGESTED)
    assert [s.text for s in waiting] == ["I like trains", "I am good at jigsaws"]
    assert _statements(no_csrf, world.learner) == []

    # the learner does not see suggestions until staff accept them
    assert "I like trains" not in _page(_as(no_csrf, world.learner), base)

    ta = _as(no_csrf, world.ta)
    assert "Ideas from home (2)" in _page(ta, base)
    html = _page(ta, f"{base}/suggestions")
    assert "I like trains" in html and world.parent.display_name in html
    trains, jigsaws = waiting
    assert ta.post(f"{base}/statements/{trains.id}/review", data={"decision": "accept"}).status_code == 302
    assert ta.post(f"{base}/statements/{trains.id}/review", data={"decision": "decline"}).status_code == 302
    assert ta.post(f"{base}/statements/{jigsaws.id}/review", data={"decision": "decline"}).status_code == 302
    assert ta.post(f"{base}/statements/{jigsaws.id}/review", data={"decision": "maybe"}).status_code == 400
    assert [s.text for s in _statements(no_csrf, world.learner)] == ["I like trains"]
    assert [s.text for s in _statements(no_csrf, world.learner, StatementStatus.DECLINED)] == ["I am good at jigsaws"]
    assert "I like trains" in _page(_as(no_csrf, world.learner), base)
    assert "There are no ideas waiting." in _page(ta, f"{base}/suggestions")


def test_evidence_links_show_on_both_sides(no_csrf: Flask, world: World, entries: Entries) -> None:
    ta = _as(no_csrf, world.ta)
    base = f"/passport/{world.learner.id}"
    ta.post(f"{base}/sections/likes", data={"toggle": "like-animals:on"})
    [statement] = _statements(no_csrf, world.learner)
    html = _page(ta, f"{base}/statements/{statement.id}")
    assert f'id="link-{entries.shared.id}"' in html and f'id="link-{entries.draft.id}"' in html

    for entry in (entries.shared, entries.draft, entries.shared):
        assert ta.post(f"{base}/statements/{statement.id}/evidence",
                       data={"experience_id": str(entry.id)}).status_code == 302
    [statement] = _statements(no_csrf, world.learner)
    assert sorted(e.id for e in statement.evidence) == sorted([entries.shared.id, entries.draft.id])
    assert f'id="unlink-{entries.shared.id}"' in _page(ta, f"{base}/statements/{statement.id}")

    # the passport names the entries; a parent sees only the shared one
    staff_view = _page(ta, base)
    assert staff_view.count('class="evidence-link"') == 2
    parent_view = _page(_as(no_csrf, world.parent), base)
    assert parent_view.count('class="evidence-link"') == 1
    assert f'/experiences/{entries.shared.id}"' in parent_view and f'/experiences/{entries.draft.id}"' not in parent_view

    # the experience side: the include lists the statement the entry backs up
    with no_csrf.test_request_context():
        from flask import render_template_string
        from flask_login import login_user

        session = db.session()
        login_user(session.get(User, world.ta.id))
        from portfolio.models import Experience

        shared = session.get(Experience, entries.shared.id)
        fragment = render_template_string('{% include "passport/_statement_links.html" %}', experience=shared)
        assert "I like animals" in fragment and f"#statement-{statement.id}" in fragment
        login_user(session.get(User, world.other_ta.id))
        assert "I like animals" not in render_template_string('{% include "passport/_statement_links.html" %}',
                                                              experience=shared)

    # another learner's entry cannot be linked, and a missing id is a kind message
    with no_csrf.app_context():
        session = db.session()
        from tests.factories import make_experience

        other = session.get(User, world.other_learner.id)
        theirs = make_experience(session, other, other).id
        session.commit()
    refused = ta.post(f"{base}/statements/{statement.id}/evidence", data={"experience_id": str(theirs)})
    assert refused.status_code == 400 and "Please choose one of this learner’s entries." in refused.get_data(as_text=True)
    assert ta.post(f"{base}/statements/{statement.id}/evidence", data={"experience_id": "x"}).status_code == 400

    assert ta.post(f"{base}/statements/{statement.id}/evidence",
                   data={"experience_id": str(entries.draft.id), "action": "unlink"}).status_code == 302
    [statement] = _statements(no_csrf, world.learner)
    assert [e.id for e in statement.evidence] == [entries.shared.id]


def test_learner_records_their_voice_for_a_statement(no_csrf: Flask, world: World) -> None:
    client = _as(no_csrf, world.learner)
    base = f"/passport/{world.learner.id}"
    client.post(f"{base}/sections/how-i-communicate", data={"toggle": "talk-symbols:on"})
    [statement] = _statements(no_csrf, world.learner)
    url = f"{base}/statements/{statement.id}"
    html = _page(client, url)
    assert f'data-upload="{url}/voice"' in html and 'data-target="statement-voice"' in html

    voice = (FIXTURES / "voice_chrome.webm").read_bytes()
    # the in-page recorder asks for just the voice box back
    response = client.post(f"{url}/voice", data={"voice": (io.BytesIO(voice), "voice.webm")},
                           headers={"HX-Request": "true", "HX-Target": "statement-voice"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="statement-voice"') and 'id="play-voice"' in fragment
    played = client.get(f"{url}/voice")
    assert played.status_code == 200 and played.headers["Content-Type"] == "audio/mp4"
    assert 'id="play-statement-' in _page(client, base)
    # the parent hears it too
    assert _as(no_csrf, world.parent).get(f"{url}/voice").status_code == 200

    bad = client.post(f"{url}/voice", data={"voice": (io.BytesIO(b"not audio"), "voice.webm")})
    assert bad.status_code == 400 and "not a voice recording" in bad.get_data(as_text=True)
    assert client.post(f"{url}/voice").status_code == 400

    assert client.post(f"{url}/voice/remove").status_code == 302
    assert client.get(f"{url}/voice").status_code == 404
    [statement] = _statements(no_csrf, world.learner)
    assert statement.voice is None


def test_staff_change_words_symbol_and_help_and_learners_cannot_set_help(no_csrf: Flask, world: World) -> None:
    ta = _as(no_csrf, world.ta)
    base = f"/passport/{world.learner.id}"
    ta.post(f"{base}/sections/strengths", data={"toggle": "good-team:on"})
    [statement] = _statements(no_csrf, world.learner)
    assert statement.help_level == "staff"
    url = f"{base}/statements/{statement.id}"
    html = _page(ta, f"{url}?q=dog")
    assert 'id="symbol-dog"' in html and 'name="help_level"' in html

    assert ta.post(url, data={"action": "help", "help_level": "prompts"}).status_code == 302
    assert ta.post(url, data={"action": "symbol", "symbol": "dog"}).status_code == 302
    assert ta.post(url, data={"action": "text", "text": "I am good in a team"}).status_code == 302
    [statement] = _statements(no_csrf, world.learner)
    assert (statement.help_level, statement.symbol, statement.text) == ("prompts", "dog", "I am good in a team")
    assert "With a few prompts" in _page(ta, base)

    for form, message in (({"action": "help", "help_level": "loads"}, "Please choose how much help there was."),
                          ({"action": "symbol", "symbol": "../../secret"}, "Please choose one of the symbols shown."),
                          ({"action": "text", "text": " "}, "Please write some words"),
                          ({"action": "fly"}, "Please choose what to change.")):
        response = ta.post(url, data=form)
        assert response.status_code == 400 and message in response.get_data(as_text=True), form

    learner = _as(no_csrf, world.learner)
    assert 'name="help_level"' not in _page(learner, url)
    assert learner.post(url, data={"action": "help", "help_level": "own"}).status_code == 403

    assert learner.post(url, data={"action": "remove"}).status_code == 302
    assert _statements(no_csrf, world.learner) == []
    assert learner.get(url).status_code == 404


def test_printable_pages_and_print_button(no_csrf: Flask, world: World) -> None:
    client = _as(no_csrf, world.learner)
    base = f"/passport/{world.learner.id}"
    client.post(f"{base}/sections/likes", data={"toggle": "like-music:on"})
    for path in ("print/profile", "print/booklet"):
        html = _page(client, f"{base}/{path}")
        assert 'id="print-button"' in html and "I like music" in html
        assert "css/passport.css" in html
    assert 'class="booklet-page booklet-cover"' in _page(client, f"{base}/print/booklet")
    css = (ROOT / "static" / "css" / "passport.css").read_text()
    assert "@page booklet { size: A5" in css and "@media print" in css


def test_csrf_is_required(app: Flask, world: World) -> None:
    client = _as(app, world.learner)
    response = client.post(f"/passport/{world.learner.id}/sections/likes", data={"toggle": "like-animals:on"})
    assert response.status_code == 400
    assert _statements(app, world.learner) == []
