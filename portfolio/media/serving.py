"""Serving and tidying private media (photos, recordings, school symbols).

Files are only ever sent by routes that have passed the policy check. Keys are random and
never reused, so a browser may keep a private copy for a while, but shared caches may not.

A file on this disk is sent by path. An object in S3 is streamed through the app rather than
handed out as a presigned link: the answer then carries exactly the same headers as a local file
(private caching, ``nosniff``, same-origin, ``ETag``, ``Last-Modified`` and byte ranges for the audio
player), and no address that works without the policy check ever leaves the server.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

from flask import Response, abort, current_app, request, send_file
from sqlalchemy.orm import Session
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from portfolio.media.changes import MediaChange, commit_or_clean_up, delete_quietly
from portfolio.media.storage import MediaStore, media_store
from portfolio.models import MediaFile

PRIVATE_CACHE = "private, max-age=86400, immutable"


def send_media(media: MediaFile | None, download_name: str | None = None) -> Response:
    if media is None:
        abort(404)
    store = media_store()
    path = store.path(media.key)
    if path is None:
        response = _stream(store, media, download_name)
    elif not store.exists(media.key):
        _missing(media)
    else:
        response = send_file(
            path, mimetype=media.content_type, conditional=True, max_age=0, download_name=download_name
        )
    response.headers["Cache-Control"] = PRIVATE_CACHE
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Content-Disposition"] = "inline"
    return response


def _missing(media: MediaFile) -> NoReturn:
    current_app.logger.error("Media file %s is missing from the store", media.key)
    abort(404)


def _stream(store: MediaStore, media: MediaFile, download_name: str | None) -> Response:
    """Send an object from a store that is not on this disk, answering ``If-None-Match`` and ``Range``
    as ``send_file`` does for a file (it cannot tell a stream's length, so the length is given here)."""
    try:
        opened = store.open(media.key)
    except FileNotFoundError:
        _missing(media)
    response = send_file(opened.stream, mimetype=media.content_type, conditional=False, max_age=0,
                         download_name=download_name, etag=opened.etag, last_modified=opened.modified)
    response.content_length = opened.size
    try:
        response = response.make_conditional(request.environ, accept_ranges=True, complete_length=opened.size)
    except RequestedRangeNotSatisfiable:
        opened.stream.close()
        raise
    if response.status_code == 304:  # no body will be read: let the connection go now
        opened.stream.close()
    return response


def delete_keys(keys: Iterable[str]) -> None:
    """Remove files whose rows are gone. Called after the commit, so a failed commit loses nothing."""
    delete_quietly(media_store(), keys)


def commit(dbs: Session, change: MediaChange) -> None:
    """Routes that wrote media end with this: commit, or delete the files just written."""
    commit_or_clean_up(dbs, media_store(), change)
