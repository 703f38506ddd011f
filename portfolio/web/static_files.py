"""Static files (CSS, JavaScript, symbols, interface audio) with their content's hash in the URL.

Every ``url_for("static", filename=...)`` in a template or in Python gets ``?v=<hash>``, the
first 16 hex digits of the file's SHA-256. A browser may then keep the file for a year without
asking again (``Cache-Control: public, max-age=31536000, immutable``): when the file changes, its
URL changes, so a new stylesheet shows at once. A URL without the current hash (an old page, a
hand-typed link) gets ``no-cache`` instead, so it is checked every time and never goes stale.

Why a small helper around ``url_for`` and not WhiteNoise: WhiteNoise's hashed names come from
Django's ``collectstatic`` step, which a Flask app does not have, and it lists the files once at
start-up, but interface audio is spoken into ``static/audio/`` while the app runs. It would also
serve files outside Flask, around the security headers of ``web/security.py``. Here Flask's own
static route still answers (conditional requests and ranges included), and each file is hashed
once, the first time a page links to it: files in ``static/`` do not change while the app runs
(speech files are written once, atomically, under a name of their own).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request, session
from werkzeug.security import safe_join

VERSION_ARG = "v"
IMMUTABLE = "public, max-age=31536000, immutable"
#: For a URL without the current hash: the browser may keep a copy but must ask before using it.
REVALIDATE = "no-cache"
_DIGEST_CHARS = 16


def init_app(app: Flask) -> None:
    app.extensions["static_versions"] = {}
    app.url_defaults(_add_version)
    app.after_request(_cache_headers)


def content_version(folder: str | os.PathLike[str], filename: str) -> str | None:
    """The hash that goes in ``filename``'s URL, or None when there is no such file under ``folder``."""
    path = safe_join(os.fspath(folder), filename)
    if path is None or not os.path.isfile(path):
        return None
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return digest[:_DIGEST_CHARS]


def static_version(app: Flask, filename: str) -> str | None:
    """``content_version`` for the app's static folder, worked out once per file."""
    versions: dict[str, str] = app.extensions["static_versions"]
    version = versions.get(filename)
    if version is None and app.static_folder is not None:
        version = content_version(app.static_folder, filename)
        if version is not None:  # a missing file may appear later (interface audio): not remembered
            versions[filename] = version
    return version


def _add_version(endpoint: str, values: dict[str, Any]) -> None:
    """``url_for`` hook: a static URL carries its file's hash unless the caller gave one."""
    if endpoint != "static" or VERSION_ARG in values or "filename" not in values:
        return
    version = static_version(current_app, values["filename"])
    if version is not None:
        values[VERSION_ARG] = version


def _cache_headers(response: Response) -> Response:
    """A year for a URL with the current hash; ``no-cache`` for any other static URL."""
    if request.endpoint != "static" or response.status_code not in (200, 206, 304):
        return response
    asked = request.args.get(VERSION_ARG)
    filename = (request.view_args or {}).get("filename", "")
    current = static_version(current_app, filename) if asked else None
    response.headers["Cache-Control"] = IMMUTABLE if asked and asked == current else REVALIDATE
    # A static file is the same whoever asks. Flask-Login peeks at the session on every request, which
    # would add "Vary: Cookie", and a browser then refetches the file whenever the cookie has changed.
    session.accessed = False
    return response
