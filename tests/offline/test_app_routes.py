"""The manifest, the service worker script and the offline page, as the browser fetches them."""
from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from portfolio import db
from portfolio.models import User
from portfolio.speech import service as speech_service
from tests.conftest import sign_in_as
from tests.factories import World


def _script_list(script: str, name: str) -> list[str]:
    found = re.search(rf"^const {name} = (\[.*\]);$", script, re.MULTILINE)
    assert found, f"{name} is not in /sw.js"
    return json.loads(found.group(1))


def test_manifest_is_served_as_a_manifest_with_icons_that_load(client: FlaskClient) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    assert response.headers["Cache-Control"] == "no-cache"
    made = response.get_json(force=True)
    assert made["name"] == "My Next Steps" and made["display"] == "standalone"
    for icon in made["icons"]:
        assert "?v=" in icon["src"]
        fetched = client.get(icon["src"])
        assert fetched.status_code == 200 and fetched.mimetype == "image/png"


def test_every_page_links_the_manifest_icon_and_worker(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert re.search(r'<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon-180.png\?v=\w+">', page)
    for meta in ("apple-mobile-web-app-capable", "mobile-web-app-capable", "apple-mobile-web-app-title",
                 "theme-color"):
        assert f'<meta name="{meta}"' in page
    assert re.search(r'<script src="/static/js/pwa.js\?v=\w+" data-service-worker="/sw.js" defer>', page)


def test_csp_names_this_origin_for_workers_and_manifests(client: FlaskClient) -> None:
    policy = client.get("/sw.js").headers["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy
    assert "'unsafe-inline'" not in policy


def test_service_worker_is_javascript_never_cached_and_lists_the_shell(client: FlaskClient) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    # Served from the root, so its scope is the whole app without a Service-Worker-Allowed header.
    assert "Service-Worker-Allowed" not in response.headers
    script = response.get_data(as_text=True)
    precache = _script_list(script, "PRECACHE")
    assert precache[:2] == ["/offline", "/offline/entry"]
    assert any(url.startswith("/static/css/app.css?v=") for url in precache)
    assert any(url.startswith("/static/symbols/wifi.svg?v=") for url in precache)
    for url in precache[2:]:
        assert client.get(url).status_code == 200, url
    speech = _script_list(script, "PRECACHE_SPEECH")
    assert speech and all(url.startswith("/speech/ui/") for url in speech)


def test_service_worker_version_follows_the_files(app: Flask, client: FlaskClient) -> None:
    first = client.get("/sw.js").get_data(as_text=True)
    assert client.get("/sw.js").get_data(as_text=True) == first, "the same files must give the same worker"
    version = re.search(r'^const VERSION = "(\w+)";$', first, re.MULTILINE)
    assert version
    # A new app.css (as after a release) gives it a new URL, so a new worker.
    app.extensions["static_versions"]["css/app.css"] = "0" * 16
    second = client.get("/sw.js").get_data(as_text=True)
    assert f'"{version.group(1)}"' not in second
    assert "/static/css/app.css?v=0000000000000000" in _script_list(second, "PRECACHE")


def test_interface_words_already_spoken_are_kept_for_offline(app: Flask, client: FlaskClient) -> None:
    engine = app.extensions["speech"]
    assert engine is not None
    with app.test_request_context():
        audio = Path(app.config["INTERFACE_AUDIO_DIR"])
        audio.mkdir(parents=True, exist_ok=True)
        (audio / f"{engine.cache_key('Try again')}.mp3").write_bytes(b"ID3")
        spoken = speech_service.spoken_interface_links()
        link = speech_service.audio_url("Try again", private=False)
    assert spoken == [link]
    assert link in _script_list(client.get("/sw.js").get_data(as_text=True), "PRECACHE_SPEECH")


def test_offline_page_is_calm_learner_sized_and_links_the_tablet_entry(client: FlaskClient) -> None:
    response = client.get("/offline")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "No Wi-Fi. Your work is saved on this tablet." in page
    assert 'href="/offline/entry"' in page and 'id="try-again"' in page
    assert "page-learner" in page
    assert 'aria-label="Hear: No Wi-Fi. Your work is saved on this tablet."' in page
    assert "/static/symbols/wifi.svg" in page
    # Kept in a shared cache: no CSRF token, and not taken for a signed-out page.
    assert "X-CSRFToken" not in page and "data-signed-out" not in page


def test_offline_page_shows_no_personal_data_even_when_signed_in(app: Flask, client: FlaskClient,
                                                                 world: World) -> None:
    with app.app_context():
        learner = db.session().get(User, world.learner.id)
        assert learner is not None
        name = learner.display_name
    sign_in_as(client, learner)
    page = client.get("/offline").get_data(as_text=True)
    assert name not in page
    assert 'id="sign-out"' not in page


def test_signed_out_page_carries_the_marker_and_the_banner(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "data-signed-out" in page
    assert '<template id="offline-banner">' in page
    assert 'id="connection-status"' in page and 'role="status"' in page
