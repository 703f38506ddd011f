"""Serving and tidying private media (photos, recordings, school symbols).

Files are only ever sent by routes that have passed the policy check. Keys are random and
never reused, so a browser may keep a private copy for a while, but shared caches may not.
"""
from __future__ import annotations

import io
from collections.abc import Iterable

from flask import Response, abort, current_app, send_file
from sqlalchemy.orm import Session

from portfolio.media.changes import MediaChange, commit_or_clean_up, delete_quietly
from portfolio.media.storage import media_store
from portfolio.models import MediaFile

PRIVATE_CACHE = "private, max-age=86400, immutable"


def send_media(media: MediaFile | None, download_name: str | None = None) -> Response:
    if media is None:
        abort(404)
    store = media_store()
    if not store.exists(media.key):
        current_app.logger.error("Media file %s is missing from the store", media.key)
        abort(404)
    path = store.path(media.key)
    source = path if path is not None else io.BytesIO(store.read(media.key))
    response = send_file(
        source, mimetype=media.content_type, conditional=True, max_age=0, download_name=download_name
    )
    response.headers["Cache-Control"] = PRIVATE_CACHE
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Content-Disposition"] = "inline"
    return response


def delete_keys(keys: Iterable[str]) -> None:
    """Remove files whose rows are gone. Called after the commit, so a failed commit loses nothing."""
    delete_quietly(media_store(), keys)


def commit(dbs: Session, change: MediaChange) -> None:
    """Routes that wrote media end with this: commit, or delete the files just written."""
    commit_or_clean_up(dbs, media_store(), change)
