"""Security headers, the content security policy, and kind error pages."""
from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        # The service worker (/sw.js) and the web app manifest: this origin only, said outright
        # rather than left to fall back on default-src.
        "worker-src 'self'",
        "manifest-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Words and a symbol for each error a person can meet. No stack traces, no codes to decode.
ERROR_PAGES: dict[int, tuple[str, str, str]] = {
    400: ("Something went wrong", "warning", "The page could not use what was sent. Please go back and try again."),
    403: ("This page is not for you", "stop", "You do not have permission to see this page."),
    404: ("We cannot find that page", "warning", "The page may have moved, or the link may be wrong."),
    405: ("Something went wrong", "warning", "Please go back and try again."),
    413: ("That file is too big", "warning", "Please choose a smaller file and try again."),
    429: ("Please wait a moment", "clock", "There were too many tries. Wait a minute, then try again."),
    500: ("Sorry, something went wrong", "warning", "It is not your fault. Please try again in a moment."),
}


def init_app(app: Flask) -> None:
    app.after_request(_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers["Permissions-Policy"] = "camera=(self), microphone=(self), geolocation=()"
    if not request.path.startswith("/static/"):
        # Pages carry children's personal data: never keep them in shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def render_error(status: int) -> tuple[str, int]:
    title, symbol, message = ERROR_PAGES.get(status, ERROR_PAGES[400] if status < 500 else ERROR_PAGES[500])
    return render_template("errors/error.html", title=title, symbol_name=symbol, message=message, status=status), status


def _csrf_error(_error: CSRFError) -> tuple[str, int]:
    title = "This page was open a long time"
    message = "Nothing has been lost. Please go back, reload the page and try again."
    return render_template("errors/error.html", title=title, symbol_name="clock", message=message, status=400), 400


def _http_error(error: HTTPException) -> Response | tuple[str, int]:
    if error.code is None or error.code < 400:
        return error.get_response()
    return render_error(error.code)


def _unexpected_error(error: Exception) -> tuple[str, int]:
    from flask import current_app

    current_app.logger.exception("Unhandled error", exc_info=error)
    return render_error(500)
