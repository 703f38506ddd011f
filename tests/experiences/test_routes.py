"""Experiences through HTTP: the learner's steps, uploads of every fixture, checking, the family view."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import av
import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from portfolio import db
from portfolio.experiences.service import MAX_CAPTION, MAX_NOTE, MAX_PLACE
from portfolio.models import Experience, ExperiencePhoto, ExperienceStatus, FamilyComment, MediaFile, User
from portfolio.plain_text import without_controls
from tests.conftest import FIXTURES, sign_in_as
from tests.factories import Entries, World

PHOTO_FIXTURES = sorted(p.name for p in FIXTURES.iterdir() if p.name != "README.md")
ACCEPTED_PHOTOS = {"photo_sideways_gps.jpg", "photo_upright.heic", "photo_small.png", "photo_transparent.webp"}
ACCEPTED_VOICES = {"voice_chrome.webm", "voice_safari.m4a"}


def _as(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in_as(client, user)
    return client


def _entry(app: Flask, experience_id: int) -> Experience:
    with app.app_context():
        found = db.session().get(Experience, experience_id)
        assert found is not None
        # touch what the assertions read while the session is open
        _ = (found.tags, found.photos, found.voice, found.comments)
        return found


def _media_files(app: Flask) -> list[Path]:
    root = Path(app.instance_path) / "media"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _start(app: Flask, client: FlaskClient, learner: User) -> int:
    response = client.post(f"/experiences/start/{learner.id}")
    assert response.status_code == 302
    match = re.search(r"/experiences/(\d+)/", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def test_learner_makes_an_entry_step_by_step(no_csrf: Flask, world: World) -> None:
    app = no_csrf
    client = _as(app, world.learner)
    entry_id = _start(app, client, world.learner)
    base = f"/experiences/{entry_id}/steps"

    # every step page passes the page checks, with fixed Back and Next
    for key in ("kind", "place", "date", "photos", "did", "feeling", "skills", "job", "words", "voice", "send"):
        page = client.get(f"{base}/{key}")
        assert page.status_code == 200, key
        html = page.get_data(as_text=True)
        assert 'id="step-back"' in html

    assert client.post(f"{base}/kind", data={"choose": "placement"}).status_code == 302
    assert client.post(f"{base}/place", data={"choose": "garden-centre"}).status_code == 302
    assert client.post(f"{base}/date", data={"choose": "today"}).status_code == 302
    upload = client.post(f"/experiences/{entry_id}/photos",
                         data={"photo": (io.BytesIO((FIXTURES / "photo_sideways_gps.jpg").read_bytes()), "IMG_1.jpg")})
    assert upload.status_code == 302
    assert client.post(f"{base}/did", data={"toggle": "water-plants:on"}).status_code == 302
    assert client.post(f"{base}/feeling", data={"choose": "feeling-loved"}).status_code == 302
    assert client.post(f"{base}/skills", data={"toggle": "skill-teamwork:on"}).status_code == 302
    assert client.post(f"{base}/job", data={"choose": "yes"}).status_code == 302
    for word in ("I", "watered", "the", "plants"):
        assert client.post(f"{base}/words", data={"add_word": word}).status_code == 302
    voice = client.post(f"/experiences/{entry_id}/voice",
                        data={"voice": (io.BytesIO((FIXTURES / "voice_chrome.webm").read_bytes()), "voice.webm")})
    assert voice.status_code == 302
    # Back goes to the step before on the way through; the strip jumps to "Check and send"
    back = client.post(f"{base}/voice", data={"go": "back"})
    assert back.headers["Location"].endswith(f"{base}/feeling")
    jump = client.post(f"{base}/voice", data={"go": "send"})
    assert jump.headers["Location"].endswith(f"{base}/send")

    sent = client.post(f"/experiences/{entry_id}/send")
    assert sent.status_code == 302
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Sent to Priya Shah to check" in page

    entry = _entry(app, entry_id)
    assert entry.status == ExperienceStatus.WAITING.value
    assert (entry.kind, entry.place, entry.feeling, entry.would_like) == (
        "placement", "Garden centre", "feeling-loved", "yes")
    assert entry.caption == "I watered the plants"
    assert [t.value for t in entry.tags] == ["water-plants", "skill-teamwork"]
    assert len(entry.photos) == 1 and entry.voice is not None and entry.voice.content_type == "audio/mp4"

    # The TA sees it in the queue and shares it, recording the help level
    ta = _as(app, world.ta)
    queue = ta.get("/staff/to-check").get_data(as_text=True)
    assert f'id="experience-{entry_id}"' in queue
    approve = ta.post(f"/experiences/{entry_id}/check", data={"decision": "approve", "help_level": "prompts"})
    assert approve.status_code == 302
    assert f'id="experience-{entry_id}"' not in ta.get("/staff/to-check").get_data(as_text=True)

    # The family sees it; another family cannot
    parent = _as(app, world.parent)
    child = parent.get(f"/family/learners/{world.learner.id}").get_data(as_text=True)
    assert f'id="experience-{entry_id}"' in child
    assert parent.get(f"/experiences/{entry_id}").status_code == 200
    assert parent.get(f"/experiences/{entry_id}/voice").status_code == 200
    other = _as(app, world.other_parent)
    assert other.get(f"/experiences/{entry_id}").status_code == 403
    assert other.get(f"/experiences/{entry_id}/voice").status_code == 403


def test_help_level_is_required_to_share(no_csrf: Flask, world: World, entries: Entries) -> None:
    ta = _as(no_csrf, world.ta)
    refused = ta.post(f"/experiences/{entries.waiting.id}/check", data={"decision": "approve"})
    assert refused.status_code == 400
    assert "how much help" in refused.get_data(as_text=True)
    assert _entry(no_csrf, entries.waiting.id).status == ExperienceStatus.WAITING.value


def test_send_back_with_a_note_the_learner_hears(no_csrf: Flask, world: World, entries: Entries) -> None:
    ta = _as(no_csrf, world.ta)
    assert ta.post(f"/experiences/{entries.waiting.id}/check",
                   data={"decision": "send-back", "note": "photos"}).status_code == 302
    entry = _entry(no_csrf, entries.waiting.id)
    assert entry.status == ExperienceStatus.DRAFT.value and entry.check_note == "Please add a photo."
    assert entry.step == "photos"
    learner = _as(no_csrf, world.learner)
    home = learner.get("/me/").get_data(as_text=True)
    assert "Please add a photo." in home
    # the learner carries on exactly where the note points
    carry_on = learner.get("/experiences/continue")
    assert carry_on.headers["Location"].endswith("/steps/photos")


def test_stored_photo_is_upright_and_has_no_metadata(no_csrf: Flask, world: World, entries: Entries) -> None:
    client = _as(no_csrf, world.learner)
    raw = (FIXTURES / "photo_sideways_gps.jpg").read_bytes()
    response = client.post(f"/experiences/{entries.draft.id}/photos", data={"photo": (io.BytesIO(raw), "a.jpg")})
    assert response.status_code == 302
    entry = _entry(no_csrf, entries.draft.id)
    photo = entry.photos[0]
    served = client.get(f"/experiences/{entry.id}/photos/{photo.id}/display")
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in served.headers["Cache-Control"] and "public" not in served.headers["Cache-Control"]
    data = served.get_data()
    assert b"Exif" not in data and b"GPS" not in data
    image = Image.open(io.BytesIO(data))
    assert image.height > image.width  # upright portrait
    assert len(image.getexif()) == 0
    red = image.getpixel((image.width // 10, image.height // 10))
    blue = image.getpixel((image.width * 9 // 10, image.height * 9 // 10))
    assert red[0] > 180 and red[2] < 90, red
    assert blue[2] > 180 and blue[0] < 90, blue


@pytest.mark.parametrize("name", PHOTO_FIXTURES)
def test_every_fixture_through_the_photo_upload(no_csrf: Flask, world: World, entries: Entries, name: str) -> None:
    client = _as(no_csrf, world.learner)
    raw = (FIXTURES / name).read_bytes()
    before = set(_media_files(no_csrf))
    response = client.post(f"/experiences/{entries.draft.id}/photos", data={"photo": (io.BytesIO(raw), name)})
    html = response.get_data(as_text=True)
    written = set(_media_files(no_csrf)) - before
    if name in ACCEPTED_PHOTOS:
        assert response.status_code == 302
        assert len(written) == 2  # display size and thumbnail
    else:
        assert response.status_code == 400, name
        assert 'role="alert"' in html
        assert any(phrase in html for phrase in ("not a photo we can use", "too big", "did not finish", "empty"))
        assert written == set()
    for path in written:  # nothing is ever stored raw
        assert path.read_bytes() != raw
        assert path.read_bytes()[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize("name", PHOTO_FIXTURES)
def test_every_fixture_through_the_voice_upload(no_csrf: Flask, world: World, entries: Entries, name: str) -> None:
    client = _as(no_csrf, world.learner)
    raw = (FIXTURES / name).read_bytes()
    response = client.post(f"/experiences/{entries.draft.id}/voice", data={"voice": (io.BytesIO(raw), name)})
    entry = _entry(no_csrf, entries.draft.id)
    if name in ACCEPTED_VOICES:
        assert response.status_code == 302
        assert entry.voice is not None
        served = client.get(f"/experiences/{entry.id}/voice")
        assert served.mimetype == "audio/mp4"
        with av.open(io.BytesIO(served.get_data())) as container:
            assert container.streams.audio[0].codec_context.name == "aac"
    else:
        assert response.status_code == 400, name
        assert "recording" in response.get_data(as_text=True)
        assert entry.voice is None


def test_hostile_text_is_stored_intact_and_shown_inert(no_csrf: Flask, world: World, entries: Entries) -> None:
    hostile: dict[str, str] = json.loads((FIXTURES / "hostile_text.json").read_text(encoding="utf-8"))
    learner = _as(no_csrf, world.learner)
    parent = _as(no_csrf, world.parent)
    ta = _as(no_csrf, world.ta)
    for name, text in hostile.items():
        before = _entry(no_csrf, entries.draft.id)
        posts = ((learner, f"/experiences/{entries.draft.id}/steps/words", "caption", MAX_CAPTION, False),
                 (learner, f"/experiences/{entries.draft.id}/steps/place", "place", MAX_PLACE, False),
                 (ta, f"/experiences/{entries.draft.id}/details", "staff_note", MAX_NOTE, True),
                 (parent, f"/experiences/{entries.shared.id}/comments", "text", 500, True))
        for client, url, field, limit, lines in posts:
            answer = client.post(url, data={field: text})
            too_long = len(without_controls(text, keep_line_breaks=lines)) > limit
            # Over the limit is refused with a message naming it, never cut and saved.
            assert answer.status_code == (400 if too_long else 302), (name, field)
            assert (f"Please use {limit} letters or fewer." in answer.get_data(as_text=True)) is too_long
        entry = _entry(no_csrf, entries.draft.id)
        # Kept as typed, except that control characters (a NUL byte) become a space.
        fits = len(without_controls(text)) <= MAX_PLACE
        assert entry.caption == (without_controls(text) if fits else before.caption), name
        assert entry.place == (without_controls(text) if fits else before.place), name
        assert entry.staff_note == (without_controls(text, keep_line_breaks=True) if fits else before.staff_note), name
        for page in (learner.get(f"/experiences/{entries.draft.id}"), ta.get(f"/experiences/{entries.draft.id}/edit"),
                     parent.get(f"/experiences/{entries.shared.id}")):
            html = page.get_data(as_text=True)
            assert page.status_code == 200
            assert "<script>alert" not in html
            assert '" onmouseover="alert(1)' not in html
            assert "test-secret" not in html  # template syntax in text is never evaluated
    with no_csrf.app_context():
        stored = {c.text for c in db.session().query(FamilyComment)}
    assert {without_controls(text, keep_line_breaks=True) for text in hostile.values() if len(text) <= 500} <= stored
    assert not any(len(text) > 500 for text in stored) and hostile["long"][:500] not in stored
    assert hostile["sql"] in stored and hostile["right_to_left"] in stored and hostile["emoji_and_accents"] in stored


def test_double_taps_change_nothing_twice(no_csrf: Flask, world: World) -> None:
    client = _as(no_csrf, world.learner)
    first = _start(no_csrf, client, world.learner)
    assert _start(no_csrf, client, world.learner) == first  # a second tap on "Add" reuses the empty draft
    base = f"/experiences/{first}/steps"
    client.post(f"{base}/kind", data={"choose": "visit"})
    for _ in range(2):
        client.post(f"{base}/did", data={"toggle": "sweep:on"})
        client.post(f"/experiences/{first}/photos",
                    data={"photo": (io.BytesIO((FIXTURES / "photo_small.png").read_bytes()), "p.png")})
        client.post(f"/experiences/{first}/send")
    entry = _entry(no_csrf, first)
    assert [t.value for t in entry.tags] == ["sweep"]
    assert len(entry.photos) == 1
    assert entry.status == ExperienceStatus.WAITING.value
    # the duplicate photo's files were not kept
    assert len(_media_files(no_csrf)) == 2
    parent_client = _as(no_csrf, world.parent)
    assert parent_client.get(f"/experiences/{first}").status_code == 403  # not shared yet


def test_two_tabs_on_one_draft_keep_both_changes(no_csrf: Flask, world: World, entries: Entries) -> None:
    tab_one = _as(no_csrf, world.learner)
    tab_two = _as(no_csrf, world.learner)
    base = f"/experiences/{entries.draft.id}/steps"
    page_one = tab_one.get(f"{base}/did").get_data(as_text=True)
    page_two = tab_two.get(f"{base}/did").get_data(as_text=True)
    assert 'value="sweep:on"' in page_one and 'value="make-tea:on"' in page_two
    tab_one.post(f"{base}/did", data={"toggle": "sweep:on"})
    tab_two.post(f"{base}/did", data={"toggle": "make-tea:on"})
    tab_one.post(f"{base}/feeling", data={"choose": "feeling-ok"})
    tab_two.post(f"{base}/job", data={"choose": "maybe"})
    entry = _entry(no_csrf, entries.draft.id)
    assert {"sweep", "make-tea", "water-plants"} <= {t.value for t in entry.tags}
    assert (entry.feeling, entry.would_like) == ("feeling-ok", "maybe")


def test_an_upload_cut_off_half_way_is_refused_kindly(no_csrf: Flask, world: World, entries: Entries) -> None:
    client = _as(no_csrf, world.learner)
    raw = (FIXTURES / "photo_small.png").read_bytes()
    boundary = "cut-off-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + raw[: len(raw) // 2]
    response = client.post(f"/experiences/{entries.draft.id}/photos", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert 400 <= response.status_code < 500
    assert response.mimetype == "text/html"
    assert _entry(no_csrf, entries.draft.id).photos == []


def test_too_large_a_request_gets_a_kind_page(no_csrf: Flask, world: World, entries: Entries) -> None:
    no_csrf.config["MAX_CONTENT_LENGTH"] = 1024
    client = _as(no_csrf, world.learner)
    response = client.post(f"/experiences/{entries.draft.id}/photos",
                           data={"photo": (io.BytesIO(b"x" * 5000), "big.jpg")})
    assert response.status_code == 413
    assert "too big" in response.get_data(as_text=True).lower()


def test_another_learners_entry_is_not_theirs(no_csrf: Flask, world: World, entries: Entries) -> None:
    other = _as(no_csrf, world.other_learner)
    for url in (f"/experiences/{entries.draft.id}/steps/kind", f"/experiences/{entries.shared.id}",
                f"/experiences/{entries.shared.id}/photos/{entries.photo_id}/display"):
        assert other.get(url).status_code == 403
    assert other.post(f"/experiences/{entries.draft.id}/steps/kind", data={"choose": "visit"}).status_code == 403
    assert _entry(no_csrf, entries.draft.id).kind == "placement"


def test_a_sent_entry_is_no_longer_editable_by_the_learner(no_csrf: Flask, world: World, entries: Entries) -> None:
    learner = _as(no_csrf, world.learner)
    assert learner.get(f"/experiences/{entries.waiting.id}/steps/kind").status_code == 403
    assert learner.get(f"/experiences/{entries.waiting.id}").status_code == 200


def test_photos_reorder_and_remove_by_tapping(no_csrf: Flask, world: World, entries: Entries) -> None:
    client = _as(no_csrf, world.learner)
    for name in ("photo_small.png", "photo_transparent.webp"):
        client.post(f"/experiences/{entries.draft.id}/photos",
                    data={"photo": (io.BytesIO((FIXTURES / name).read_bytes()), name)})
    first, second = [p.id for p in _entry(no_csrf, entries.draft.id).photos]
    assert client.post(f"/experiences/{entries.draft.id}/photos/{second}", data={"action": "up"}).status_code == 302
    assert [p.id for p in _entry(no_csrf, entries.draft.id).photos] == [second, first]
    files_before = len(_media_files(no_csrf))
    assert client.post(f"/experiences/{entries.draft.id}/photos/{second}", data={"action": "remove"}).status_code == 302
    assert [p.id for p in _entry(no_csrf, entries.draft.id).photos] == [first]
    assert len(_media_files(no_csrf)) == files_before - 2
    again = client.post(f"/experiences/{entries.draft.id}/photos/{second}", data={"action": "remove"})
    assert again.status_code == 400 and "already been taken away" in again.get_data(as_text=True)
    with no_csrf.app_context():
        assert db.session().get(ExperiencePhoto, second) is None


def test_htmx_choice_returns_only_its_step(no_csrf: Flask, world: World, entries: Entries) -> None:
    """A symbol on a step with several answers stays on its step: htmx swaps only that step."""
    client = _as(no_csrf, world.learner)
    response = client.post(f"/experiences/{entries.draft.id}/steps/did", data={"toggle": "water-plants:on"},
                           headers={"HX-Request": "true", "HX-Target": "step-did"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="step-did"')
    assert 'id="toggle-did-water-plants"' in html and 'aria-pressed="true"' in html
    assert "HX-Target" in response.headers.get("Vary", "")


def test_staff_choices_stay_on_the_one_page_view(no_csrf: Flask, world: World, entries: Entries) -> None:
    """Staff choose on one page with every step: a one-answer choice swaps its step and goes nowhere."""
    client = _as(no_csrf, world.ta)
    response = client.post(f"/experiences/{entries.draft.id}/steps/feeling", data={"choose": "feeling-liked"},
                           headers={"HX-Request": "true", "HX-Target": "step-feeling"})
    assert response.status_code == 200 and "HX-Redirect" not in response.headers
    assert response.get_data(as_text=True).lstrip().startswith('<section id="step-feeling"')
    plain = client.post(f"/experiences/{entries.draft.id}/steps/job", data={"choose": "maybe"})
    assert plain.status_code == 302 and "/edit" in plain.headers["Location"]


def test_caption_words_get_symbols_and_staff_can_pick_another(no_csrf: Flask, world: World, entries: Entries) -> None:
    learner = _as(no_csrf, world.learner)
    html = learner.get(f"/experiences/{entries.shared.id}").get_data(as_text=True)
    caption = re.search(r'<p class="caption".*?</p>', html, re.DOTALL)
    assert caption
    assert 'src="/static/symbols/' in caption.group(0)
    ta = _as(no_csrf, world.ta)
    picker = ta.get(f"/experiences/{entries.shared.id}/caption-symbol?word=plants&q=dog")
    assert picker.status_code == 200 and 'value="dog"' in picker.get_data(as_text=True)
    assert ta.post(f"/experiences/{entries.shared.id}/caption-symbol",
                   data={"word": "plants", "symbol": "dog"}).status_code == 302
    html = learner.get(f"/experiences/{entries.shared.id}").get_data(as_text=True)
    caption = re.search(r'<p class="caption".*?</p>', html, re.DOTALL)
    assert caption and "/static/symbols/dog.svg" in caption.group(0)
    refused = ta.post(f"/experiences/{entries.shared.id}/caption-symbol",
                      data={"word": "plants", "symbol": "not-a-symbol"})
    assert refused.status_code == 400


def test_school_symbol_replaces_a_word(no_csrf: Flask, world: World, entries: Entries) -> None:
    ta = _as(no_csrf, world.ta)
    png = (FIXTURES / "photo_small.png").read_bytes()
    saved = ta.post("/symbols/", data={"word": "plants", "image": (io.BytesIO(png), "plants.png")})
    assert saved.status_code == 302
    html = _as(no_csrf, world.parent).get(f"/experiences/{entries.shared.id}").get_data(as_text=True)
    caption = re.search(r'<p class="caption".*?</p>', html, re.DOTALL)
    assert caption and re.search(r'src="/symbols/\d+/image"', caption.group(0))
    refused = ta.post("/symbols/", data={"word": "bad", "image": (io.BytesIO(b"<svg onload=alert(1)>"), "x.svg")})
    assert refused.status_code == 400 and "not a photo we can use" in refused.get_data(as_text=True)


def test_family_comment_reaches_the_learner_only_when_passed_on(no_csrf: Flask, world: World,
                                                                 entries: Entries) -> None:
    parent = _as(no_csrf, world.parent)
    voice = (FIXTURES / "voice_safari.m4a").read_bytes()
    response = parent.post(f"/experiences/{entries.shared.id}/comments",
                           data={"text": "So proud of you", "voice": (io.BytesIO(voice), "msg.m4a")})
    assert response.status_code == 302
    learner = _as(no_csrf, world.learner)
    assert "So proud of you" not in learner.get(f"/experiences/{entries.shared.id}").get_data(as_text=True)
    assert "So proud of you" in _as(no_csrf, world.ta).get(f"/experiences/{entries.shared.id}").get_data(as_text=True)
    with no_csrf.app_context():
        comment = db.session().query(FamilyComment).filter_by(text="So proud of you").one()
        comment_id = comment.id
    assert learner.get(f"/experiences/{entries.shared.id}/comments/{comment_id}/voice").status_code == 404
    _as(no_csrf, world.ta).post(f"/experiences/{entries.shared.id}/comments/{comment_id}/pass-on")
    assert "So proud of you" in learner.get(f"/experiences/{entries.shared.id}").get_data(as_text=True)
    assert learner.get(f"/experiences/{entries.shared.id}/comments/{comment_id}/voice").status_code == 200
    empty = parent.post(f"/experiences/{entries.shared.id}/comments", data={"text": "  "})
    assert empty.status_code == 400 and "write a few words" in empty.get_data(as_text=True)
    fake = parent.post(f"/experiences/{entries.shared.id}/comments",
                       data={"text": "", "voice": (io.BytesIO((FIXTURES / "voice_fake.webm").read_bytes()), "v.webm")})
    assert fake.status_code == 400


def test_new_pages_pass_the_page_checks(no_csrf: Flask, world: World, entries: Entries) -> None:
    pages = {
        world.learner: ["/me/", f"/experiences/{entries.shared.id}", f"/experiences/{entries.waiting.id}/sent"],
        world.ta: ["/staff/to-check", f"/experiences/{entries.waiting.id}/edit", f"/experiences/{entries.draft.id}/edit",
                   f"/experiences/{entries.shared.id}/caption-symbol?word=plants", "/symbols/",
                   f"/staff/learners/{world.learner.id}", f"/experiences/{entries.shared.id}"],
        world.parent: [f"/family/learners/{world.learner.id}", f"/experiences/{entries.shared.id}"],
    }
    for person, urls in pages.items():
        client = _as(no_csrf, person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url


def test_removed_media_rows_leave_no_orphans(no_csrf: Flask, world: World, entries: Entries) -> None:
    client = _as(no_csrf, world.learner)
    client.post(f"/experiences/{entries.draft.id}/voice",
                data={"voice": (io.BytesIO((FIXTURES / "voice_chrome.webm").read_bytes()), "v.webm")})
    client.post(f"/experiences/{entries.draft.id}/voice",
                data={"voice": (io.BytesIO((FIXTURES / "voice_safari.m4a").read_bytes()), "v.m4a")})
    client.post(f"/experiences/{entries.draft.id}/voice/remove")
    with no_csrf.app_context():
        keys = {m.key for m in db.session().query(MediaFile)}
    on_disk = {str(p.relative_to(Path(no_csrf.instance_path) / "media")) for p in _media_files(no_csrf)}
    assert on_disk == keys


def test_sent_page_only_for_entries_waiting_to_be_checked(no_csrf: Flask, world: World, entries: Entries) -> None:
    learner = _as(no_csrf, world.learner)
    assert "Sent to Priya Shah to check" in learner.get(f"/experiences/{entries.waiting.id}/sent").get_data(as_text=True)
    for entry in (entries.draft, entries.shared):
        response = learner.get(f"/experiences/{entry.id}/sent")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/experiences/{entry.id}")


def test_family_sees_photos_only_with_consent(no_csrf: Flask, world: World, entries: Entries) -> None:
    from portfolio.people import consent

    photo_url = f"/experiences/{entries.shared.id}/photos/{entries.photo_id}/thumb"
    parent = _as(no_csrf, world.parent)
    assert parent.get(photo_url).status_code == 200  # consent with family is given by default
    with no_csrf.app_context():
        learner = db.session().get(User, world.learner.id)
        staff = db.session().get(User, world.ta.id)
        consent.set_consent(db.session(), learner, staff,
                            consent.ConsentAnswers(in_school=True, with_family=False, outside_school=False))
        db.session().commit()
    assert parent.get(photo_url).status_code == 404
    for page in (f"/experiences/{entries.shared.id}", f"/family/learners/{world.learner.id}"):
        assert photo_url.rsplit("/", 1)[0] not in parent.get(page).get_data(as_text=True)
    # staff and the learner still see the photo, so entries can be checked
    assert _as(no_csrf, world.ta).get(photo_url).status_code == 200
    assert _as(no_csrf, world.learner).get(photo_url).status_code == 200


def test_pictures_a_page_loads_never_rewrite_the_session(no_csrf: Flask, world: World, entries: Entries) -> None:
    import time

    client = _as(no_csrf, world.learner)
    client.get("/me/")  # the first request completes the session as a real sign-in leaves it
    with client.session_transaction() as session:
        session["last_seen"] = time.time() - 60
    photo = client.get(f"/experiences/{entries.shared.id}/photos/{entries.photo_id}/thumb")
    assert photo.status_code == 200 and "Set-Cookie" not in photo.headers
    page = client.get("/me/")
    assert page.status_code == 200 and "Set-Cookie" in page.headers  # real activity refreshes it
    with client.session_transaction() as session:
        session["last_seen"] = time.time() - no_csrf.config["LEARNER_IDLE_TIMEOUT"].total_seconds() - 5
    # an idle session still ends, even if the first thing asked for is a picture
    assert client.get(f"/experiences/{entries.shared.id}/photos/{entries.photo_id}/thumb").status_code == 302
