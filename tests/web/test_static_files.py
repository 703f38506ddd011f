"""Static URLs carry their file's content hash and are then kept for a year; a change shows at once."""
from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from flask import Flask, render_template_string, url_for

from portfolio import create_app
from portfolio.speech import service as speech_service
from portfolio.symbols.pictures import symbol_url
from portfolio.web import static_files

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
STATIC_LINK = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _app_with_static(tmp_path: Path, static: Path) -> Flask:
    """The real app, reading its static files from ``static`` (a copy the test may change)."""
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "x",
                      "SPEECH_ENABLED": True, "INTERFACE_AUDIO_DIR": str(static / "audio"),
                      "SPEECH_CACHE_DIR": str(tmp_path / "speech")})
    app.static_folder = str(static)
    return app


def test_every_static_link_on_a_page_carries_its_files_hash(app: Flask, client) -> None:
    html = client.get("/").get_data(as_text=True)
    links = STATIC_LINK.findall(html)
    assert any("css/app.css" in link for link in links) and any(".js" in link for link in links)
    for link in links:
        path, _, query = link.partition("?")
        assert query == f"v={_hash(STATIC / path.removeprefix('/static/'))}", link


def test_a_versioned_file_is_kept_for_a_year(app: Flask, client) -> None:
    with app.test_request_context():
        url = url_for("static", filename="css/app.css")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("query", ["", "?v=0123456789abcdef", "?v="])
def test_a_url_without_the_current_hash_is_checked_every_time(client, query: str) -> None:
    response = client.get(f"/static/css/app.css{query}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"


def test_pages_stay_no_store(client) -> None:
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_changing_a_files_bytes_changes_its_url(tmp_path: Path) -> None:
    static = tmp_path / "static"
    shutil.copytree(STATIC / "css", static / "css")
    before_app = _app_with_static(tmp_path, static)
    with before_app.test_request_context():
        before = url_for("static", filename="css/app.css")
    (static / "css" / "app.css").write_bytes((static / "css" / "app.css").read_bytes() + b"\n.new { color: red; }\n")
    after_app = _app_with_static(tmp_path, static)  # a restart after a deploy
    with after_app.test_request_context():
        after = url_for("static", filename="css/app.css")
    assert before != after and after.endswith(f"v={_hash(static / 'css' / 'app.css')}")
    client = after_app.test_client()
    assert client.get(before).headers["Cache-Control"] == "no-cache"  # an old page's link is not kept
    assert client.get(after).headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_symbols_and_templates_get_versioned_urls(app: Flask) -> None:
    with app.test_request_context():
        assert symbol_url("home") == f"/static/symbols/home.svg?v={_hash(STATIC / 'symbols' / 'home.svg')}"
        rendered = render_template_string("{{ url_for('static', filename='js/app.js') }}")
    assert rendered == f"/static/js/app.js?v={_hash(STATIC / 'js' / 'app.js')}"


def test_interface_audio_spoken_while_running_gets_a_versioned_url(tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "audio").mkdir(parents=True)
    app = _app_with_static(tmp_path, static)
    engine = app.extensions["speech"]
    made = static / "audio" / f"{engine.cache_key('Sign in')}.mp3"
    made.write_bytes(b"ID3" + bytes(500))  # as the engine leaves it, after the app started
    with app.test_request_context():
        link = speech_service.audio_url("Sign in", private=False)
    client = app.test_client()
    location = client.get(link).headers["Location"]
    assert location == f"/static/audio/{made.name}?v={_hash(made)}"
    response = client.get(location)
    assert response.get_data() == made.read_bytes()
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_missing_file_gets_no_version(tmp_path: Path) -> None:
    assert static_files.content_version(tmp_path, "nothing.css") is None
    assert static_files.content_version(tmp_path, "../outside.css") is None
