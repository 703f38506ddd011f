"""The app shell the service worker keeps: which files, under which URLs, and when its version moves."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from portfolio.offline import shell
from portfolio.offline.icons import write_icons
from portfolio.web.static_files import content_version

ROOT = Path(__file__).resolve().parents[2]


def _fake_static(tmp_path: Path) -> Path:
    """A small static folder: two of the fixed files, a symbol, an icon, a spoken word and a stray file."""
    static = tmp_path / "static"
    for name, body in {
        "css/app.css": "body {}", "js/pwa.js": "1;", "symbols/home.svg": "<svg/>", "symbols/notes.txt": "x",
        "icons/icon-192.png": "png", "audio/abc.mp3": "mp3",
    }.items():
        (static / name).parent.mkdir(parents=True, exist_ok=True)
        (static / name).write_text(body)
    return static


def _url(static: Path):
    return lambda name: f"/static/{name}?v={content_version(static, name)}"


def test_precache_lists_pages_then_versioned_files_and_skips_missing_ones(tmp_path: Path) -> None:
    static = _fake_static(tmp_path)
    urls = shell.precache_urls(static, _url(static))
    assert urls[:2] == ["/offline", "/offline/entry"]
    names = [url.split("?")[0].removeprefix("/static/") for url in urls[2:]]
    # js/offline-queue.js and the rest are not written in this folder: left out, no error.
    assert names == ["css/app.css", "js/pwa.js", "symbols/home.svg", "icons/icon-192.png", "audio/abc.mp3"]
    assert all("?v=" in url and not url.endswith("None") for url in urls[2:])


def test_the_real_shell_keeps_every_learner_symbol_and_the_scripts() -> None:
    names = shell.static_files(ROOT / "static")
    symbols = {path.name for path in (ROOT / "static" / "symbols").glob("*.svg")}
    assert {name.removeprefix("symbols/") for name in names if name.startswith("symbols/")} == symbols
    for needed in ("css/app.css", "vendor/htmx-2.0.11.min.js", "js/app.js", "js/pwa.js", "css/pwa.css",
                   "icons/icon-512.png", "icons/icon-maskable-512.png", "icons/apple-touch-icon-180.png"):
        assert needed in names


def _build(static: Path, templates: Path, spoken: list[str]) -> shell.Shell:
    return shell.build_shell(static, templates, static_url=_url(static), interface_link=lambda words: f"/ui/{words}",
                             spoken_links=lambda: spoken)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    (folder / "offline").mkdir(parents=True)
    (folder / "base.html").write_text("<html>")
    (folder / "offline" / "offline.html").write_text("No Wi-Fi")
    (folder / "elsewhere.html").write_text("not part of the shell")
    return folder


def test_version_moves_when_a_kept_file_changes_and_not_otherwise(tmp_path: Path, templates: Path) -> None:
    static = _fake_static(tmp_path)
    first = _build(static, templates, [])
    assert _build(static, templates, []).version == first.version
    (static / "css" / "app.css").write_text("body { color: black }")
    assert _build(static, templates, []).version != first.version


def test_version_moves_with_the_shell_templates_and_spoken_words(tmp_path: Path, templates: Path) -> None:
    static = _fake_static(tmp_path)
    first = _build(static, templates, []).version
    (templates / "elsewhere.html").write_text("changed, but no shell page uses it")
    assert _build(static, templates, []).version == first
    (templates / "offline" / "offline.html").write_text("No Wi-Fi. Your work is saved on this tablet.")
    second = _build(static, templates, []).version
    assert second != first
    assert _build(static, templates, ["/speech/ui/new"]).version != second


def test_speech_keeps_the_offline_words_first_without_repeats(tmp_path: Path, templates: Path) -> None:
    static = _fake_static(tmp_path)
    built = _build(static, templates, ["/ui/Try again", "/speech/ui/other"])
    assert built.speech == (*(f"/ui/{words}" for words in shell.OFFLINE_WORDS), "/speech/ui/other")


def test_offline_words_are_the_ones_the_page_and_banner_say() -> None:
    """The precached speech is only useful if these are exactly the words the templates speak."""
    written = (ROOT / "templates" / "offline" / "offline.html").read_text() + \
        (ROOT / "templates" / "offline" / "_banner.html").read_text() + (ROOT / "templates" / "base.html").read_text()
    for words in shell.OFFLINE_WORDS:
        assert f'"{words}"' in written or f">{words}<" in written, words


def test_manifest_names_the_app_and_its_icons() -> None:
    made = shell.manifest(lambda name: f"/static/{name}?v=1")
    assert made["name"] == "My Next Steps" and made["display"] == "standalone"
    assert made["start_url"] == "/" and made["scope"] == "/"
    icons = made["icons"]
    assert isinstance(icons, list)
    assert {(icon["sizes"], icon["purpose"]) for icon in icons} == {
        ("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    css = (ROOT / "static" / "css" / "app.css").read_text()
    assert f"--accent: {made['theme_color']}" in css and f"--paper: {made['background_color']}" in css


def test_icons_are_real_pngs_of_the_sizes_named() -> None:
    for name, sizes, _purpose in (*shell.ICONS, (shell.APPLE_TOUCH_ICON, "180x180", "apple")):
        with Image.open(ROOT / "static" / name) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == sizes
    with Image.open(ROOT / "static" / shell.APPLE_TOUCH_ICON) as apple:
        assert apple.mode == "RGB", "iPadOS shows transparency as black"


def test_icons_kept_are_the_ones_the_code_draws(tmp_path: Path) -> None:
    for drawn in write_icons(tmp_path):
        with Image.open(drawn) as fresh, Image.open(ROOT / "static" / "icons" / drawn.name) as kept:
            assert fresh.mode == kept.mode and fresh.size == kept.size
            assert ImageChops.difference(fresh, kept).getbbox() is None, f"{drawn.name} differs: redraw it"
