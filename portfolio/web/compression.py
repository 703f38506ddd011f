"""Brotli and gzip for the text the app sends (pages, fragments, CSS, JavaScript, JSON, SVG).

School Wi-Fi is slow and shared: a learner's portfolio page shrinks to about a tenth when
compressed, and the stylesheet and scripts to about a third. Flask-Compress does the work; this
module only decides which answers it may touch.

Left alone, whatever the browser asks for:

* media that is already compressed (JPEG, PNG, MP3, M4A, WebM, PDF, zip): compressing it again
  costs CPU and saves nothing, so only the text types below are listed;
* partial answers (``206``, or any answer with ``Content-Range``): the range a browser asked for
  is a range of the file's own bytes, so a compressed body would not match it;
* answers that already carry a ``Content-Encoding``.

Every answer gets ``Vary: Accept-Encoding`` so a cache never hands a compressed copy to a
browser that did not ask for one. ``Cache-Control`` is not touched: personal pages stay
``no-store`` and private media stays ``private`` (``web/security.py``, ``media/serving.py``).
"""
from __future__ import annotations

from flask import Flask, Response, current_app
from flask_compress import Compress

#: The text types worth compressing. Anything else (images other than SVG, audio, video, PDF,
#: zip) is either compressed already or not sent by this app.
COMPRESSED_TYPES = (
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "text/plain",
    "text/csv",
)

def init_app(app: Flask) -> None:
    """Configure Flask-Compress and register the guarded after-request hook in its place."""
    app.config.setdefault("COMPRESS_MIMETYPES", list(COMPRESSED_TYPES))
    # Brotli first (smaller, and every browser a school uses sends "br"), gzip for the rest.
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # Static files are sent from disk in chunks; those are compressed as they stream.
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    app.config["COMPRESS_REGISTER"] = False
    # One per app: Flask-Compress keeps the app's settings on the object.
    app.extensions["compress"] = Compress(app)
    app.after_request(compress_response)


def compress_response(response: Response) -> Response:
    """Compress ``response`` when Flask-Compress may; partial answers pass through untouched."""
    if response.status_code == 206 or "Content-Range" in response.headers:
        _add_vary(response)
        return response
    compressor: Compress = current_app.extensions["compress"]
    return compressor.after_request(response)


def _add_vary(response: Response) -> None:
    vary = response.headers.get("Vary")
    if not vary:
        response.headers["Vary"] = "Accept-Encoding"
    elif "accept-encoding" not in vary.lower():
        response.headers["Vary"] = f"{vary}, Accept-Encoding"
