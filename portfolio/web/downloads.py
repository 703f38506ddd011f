"""Zip downloads built on the server: the portable portfolio and the subject access export.

Either can be large (every photo, recording and review PDF), so the zip is written to a temporary
file (deleted when closed) and streamed from there, never held in memory. Both hold personal data,
so neither is ever cached.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO

from flask import Response, send_file


def zip_download(write: Callable[[IO[bytes]], None], download_name: str, prefix: str) -> Response:
    """Run ``write`` into a temporary file and send it; if ``write`` fails, the file goes at once."""
    out = tempfile.TemporaryFile(prefix=prefix, suffix=".zip")  # noqa: SIM115  (send_file closes it)
    try:
        write(out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    response = send_file(out, mimetype="application/zip", as_attachment=True, max_age=0,
                         download_name=download_name)
    response.headers["Cache-Control"] = "no-store"
    return response
