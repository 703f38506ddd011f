"""Read-aloud routes with the real engine: interface words public, personal words signed-in only."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from portfolio import create_app
from portfolio.speech import service as speech_service
from tests.conftest import sign_in_as
from tests.factories import World


def _url(app: Flask, text: str, private: bool) -> str:
    with app.test_request_context():
        return speech_service.audio_url(text, private=private)


def test_interface_words_are_made_once_into_the_public_audio_folder(app: Flask, client) -> None:
    url = _url(app, "Sign in", private=False)
    response = client.get(url)
    assert response.status_code == 302
    name = response.headers["Location"].rsplit("/", 1)[1]
    assert response.headers["Location"].startswith("/static/audio/") and name.endswith(".mp3")
    stored = Path(app.config["INTERFACE_AUDIO_DIR"]) / name
    data = stored.read_bytes()
    assert data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0)
    mtime = stored.stat().st_mtime_ns
    assert client.get(url).headers["Location"].endswith(name)
    assert stored.stat().st_mtime_ns == mtime  # cached, not made again


def test_private_words_need_a_signed_in_person_and_stay_out_of_static(app: Flask, world: World) -> None:
    url = _url(app, "Sam Patel", private=True)
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302
    client = app.test_client()
    sign_in_as(client, world.ta)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"
    assert response.headers["Cache-Control"] == "private, max-age=3600"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert list(Path(app.config["SPEECH_CACHE_DIR"]).glob("*.mp3"))
    assert not list(Path(app.config["INTERFACE_AUDIO_DIR"]).glob("*.mp3"))


def test_tokens_cannot_be_forged_or_swapped(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    public_token = _url(app, "Hello", private=False).rsplit("/", 1)[1]
    assert client.get(f"/speech/private/{public_token}").status_code == 404
    assert client.get("/speech/ui/InNlY3JldCI.forged").status_code == 404


def test_without_an_engine_the_page_is_told_to_use_the_browser_voice(tmp_path: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "SPEECH_ENABLED": False})
    response = app.test_client().get(_url(app, "Sign in", private=False))
    assert response.status_code == 503 and response.get_json() == {"fallback": "browser"}


def test_every_page_offers_hear_buttons(app: Flask, client) -> None:
    html = client.get("/").get_data(as_text=True)
    assert html.count('class="hear') >= 4
    assert 'data-say="Welcome to My Next Steps"' in html
    assert "autoplay" not in html


def test_tapped_words_are_spoken_for_signed_in_people_only(app: Flask, world: World) -> None:
    anonymous = app.test_client().get("/speech/tap?t=Oak%20class")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    client = app.test_client()
    sign_in_as(client, world.ta)
    response = client.get("/speech/tap?t=Oak%20%20class%0A")
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"
    assert response.headers["Cache-Control"] == "private, max-age=3600"
    data = response.get_data()
    assert len(data) > 1000 and (data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0))
    made = list(Path(app.config["SPEECH_CACHE_DIR"]).glob("*.mp3"))
    assert len(made) == 1 and not list(Path(app.config["INTERFACE_AUDIO_DIR"]).glob("*.mp3"))
    # The same words with other spacing are the same cached file.
    assert client.get("/speech/tap?t=Oak class").get_data() == data
    assert list(Path(app.config["SPEECH_CACHE_DIR"]).glob("*.mp3")) == made


def test_tapping_nothing_gets_a_clear_answer(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    for query in ("", "?t=", "?t=%20%0A%00"):
        response = client.get(f"/speech/tap{query}")
        assert response.status_code == 400
        assert response.get_json() == {"error": "There were no words to read."}


def test_tapped_speech_is_limited_per_person(app: Flask, world: World) -> None:
    app.config["TAP_SPEECH_RATE_LIMIT"] = "3 per minute"
    busy, other = app.test_client(), app.test_client()
    sign_in_as(busy, world.ta)
    sign_in_as(other, world.admin)
    statuses = [busy.get("/speech/tap?t=Hello").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Someone else in the same school, from the same address, is not held up.
    assert other.get("/speech/tap?t=Hello").status_code == 200


def test_base_page_tells_the_script_where_tapped_words_are_spoken(app: Flask, world: World) -> None:
    anonymous = app.test_client().get("/login").get_data(as_text=True)
    assert "data-tap-speech" not in anonymous and "Tap any words to hear them." in anonymous
    client = app.test_client()
    sign_in_as(client, world.ta)
    assert 'data-tap-speech="/speech/tap"' in client.get("/staff/").get_data(as_text=True)


def test_only_words_written_in_the_apps_source_are_published(app: Flask) -> None:
    """A template that forgets ``private=True`` still cannot put a name in static/audio/."""
    with app.test_request_context():
        assert speech_service.is_interface_words("My learners")
        assert speech_service.is_interface_words("  Welcome to\n My Next Steps ")
        assert _url(app, "My learners", private=False).startswith("/speech/ui/")
        for built in ("How Sam's pages look", "Hand this tablet to Ruby", "Sam Patel"):
            # The last is a demo person's name: made up, but a real learner may share it.
            assert not speech_service.is_interface_words(built)
            assert _url(app, built, private=False).startswith("/speech/private/")
