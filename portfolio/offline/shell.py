"""What the tablet keeps so the app still opens with no Wi-Fi: the app shell and its version.

The service worker precaches a fixed list: the public pages a learner can use offline
(``SHELL_PAGES``), the CSS, scripts and htmx, every symbol a learner page can draw, the app's
icons and the interface speech. Every static file is listed by the same content-hashed URL a page
uses (``web/static_files.py``), so the worker can answer those URLs from its cache for a year
without asking, and ``cache_version`` is worked out from those hashes: a changed file gives a new
URL, a new version, a changed ``/sw.js`` and so a new service worker.

Nothing here is personal. The shell pages are fetched by the worker without cookies, so even a
signed-in person's tablet keeps only the anonymous copy; a person's own speech goes in a separate
``personal-`` cache that sign-out deletes (see ``static/js/pwa.js``).
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The public pages kept on the tablet: the calm page shown when a page cannot load, and the
#: page that makes an entry on the tablet to send later.
SHELL_PAGES: tuple[str, ...] = ("/offline", "/offline/entry")

#: Scripts and styles every page loads. A file not written yet is left out, not an error.
SHELL_STATIC: tuple[str, ...] = (
    "css/app.css",
    "css/access.css",
    "css/pwa.css",
    "css/offline.css",
    "vendor/htmx-2.0.11.min.js",
    "js/app.js",
    "js/access.js",
    "js/paging.js",
    "js/pwa.js",
    "js/offline-queue.js",
    "js/offline-entry.js",
)

#: Folders whose every file is kept: the symbols learner pages draw (the whole vocabulary, since
#: any step may show any of them), the app's icons and the interface speech already spoken.
SHELL_FOLDERS: tuple[tuple[str, str], ...] = (("symbols", ".svg"), ("icons", ".png"), ("audio", ".mp3"))

#: Words the offline page and banner say. Their read-aloud links are precached, so Hear works
#: with no Wi-Fi on the very page that tells the learner there is none.
OFFLINE_WORDS: tuple[str, ...] = (
    "No Wi-Fi. Your work is saved on this tablet.",
    "Make my entry on this tablet",
    "Try again",
)

#: The templates the shell pages are drawn from: part of the version, since a changed page must
#: reach tablets too.
SHELL_TEMPLATES: tuple[str, ...] = ("base.html", "offline", "components")


@dataclass(frozen=True)
class Shell:
    """Everything the service worker script is written from."""

    version: str
    precache: tuple[str, ...]
    speech: tuple[str, ...]


def static_files(static_folder: str | os.PathLike[str]) -> list[str]:
    """The static files to keep, by name under ``static/``: the fixed list, then whole folders."""
    root = Path(static_folder)
    names = [name for name in SHELL_STATIC if (root / name).is_file()]
    for folder, suffix in SHELL_FOLDERS:
        base = root / folder
        if base.is_dir():
            names.extend(f"{folder}/{path.name}" for path in sorted(base.iterdir())
                         if path.is_file() and path.suffix == suffix)
    return names


def templates_digest(template_folder: str | os.PathLike[str]) -> str:
    """A hash of the templates the shell pages are drawn from."""
    digest = hashlib.sha256()
    root = Path(template_folder)
    for name in SHELL_TEMPLATES:
        path = root / name
        files = sorted(path.rglob("*.html")) if path.is_dir() else [path] if path.is_file() else []
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def precache_urls(static_folder: str | os.PathLike[str], static_url: Callable[[str], str]) -> list[str]:
    """The shell pages, then every kept static file by its versioned URL (as pages link to it)."""
    return [*SHELL_PAGES, *(static_url(name) for name in static_files(static_folder))]


def cache_version(precache: Iterable[str], speech: Iterable[str], templates: str) -> str:
    """A short version that changes whenever any kept file, spoken word or shell template changes."""
    digest = hashlib.sha256()
    for part in (*precache, "|", *speech, "|", templates):
        digest.update(part.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


def build_shell(static_folder: str | os.PathLike[str], template_folder: str | os.PathLike[str], *,
                static_url: Callable[[str], str], interface_link: Callable[[str], str],
                spoken_links: Callable[[], Sequence[str]]) -> Shell:
    """The precache list, the speech links and the version, ready for the ``/sw.js`` template.

    The speech links are the offline page's own words (spoken now if need be, so Hear works there)
    and every interface sentence already spoken into ``static/audio/``."""
    precache = tuple(precache_urls(static_folder, static_url))
    speech = tuple(dict.fromkeys([*(interface_link(words) for words in OFFLINE_WORDS), *spoken_links()]))
    return Shell(version=cache_version(precache, speech, templates_digest(template_folder)),
                 precache=precache, speech=speech)


#: The app's colours, from ``static/css/app.css`` (``--accent`` and ``--paper``).
THEME_COLOUR = "#0b5394"
BACKGROUND_COLOUR = "#fdfcf8"

#: (file under static/, size, purpose). 180 px is Apple's touch icon, linked from every page instead.
ICONS: tuple[tuple[str, str, str], ...] = (
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/icon-maskable-512.png", "512x512", "maskable"),
)
APPLE_TOUCH_ICON = "icons/apple-touch-icon-180.png"


def manifest(static_url: Callable[[str], str]) -> dict[str, object]:
    """The web app manifest: what a tablet needs to put the app on its home screen, full screen."""
    return {
        "id": "/",
        "name": "My Next Steps",
        "short_name": "Next Steps",
        "description": "My work experiences in photos, symbols and my own voice.",
        "lang": "en-GB",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [{"src": static_url(name), "sizes": sizes, "type": "image/png", "purpose": purpose}
                  for name, sizes, purpose in ICONS],
    }
