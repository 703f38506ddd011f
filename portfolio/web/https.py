"""Running behind an HTTPS proxy: trust its forwarded headers, mark cookies Secure, send HSTS.

A school's install usually sits behind a reverse proxy (nginx, a load balancer) that ends TLS
and talks plain HTTP to gunicorn. The app only learns the visitor used HTTPS from the proxy's
``X-Forwarded-Proto`` header, and anyone can send that header, so it is believed only when
``TRUSTED_PROXY_COUNT`` says how many proxies stand in front (werkzeug's ProxyFix then reads
exactly that many hops). With the default of 0 the header is ignored.

Once a request is known to be HTTPS (directly or through a trusted proxy), every cookie the
app sets is ``Secure`` and the answer carries ``Strict-Transport-Security``.
"""
from __future__ import annotations

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

HSTS = "max-age=31536000; includeSubDomains"


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie (which also holds the CSRF token) is Secure on every HTTPS request,
    not only when ``SESSION_COOKIE_SECURE`` was remembered in the settings."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    hops = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)  # type: ignore[method-assign]
    app.session_interface = HttpsAwareSessionInterface()
    app.after_request(_https_headers)


def _https_headers(response: Response) -> Response:
    """HSTS, and Secure on cookies the routes set themselves (the school tablet's cookie)."""
    if not request.is_secure:
        return response
    response.headers["Strict-Transport-Security"] = HSTS
    cookies = response.headers.getlist("Set-Cookie")
    if any(not _is_secure(cookie) for cookie in cookies):
        response.headers.remove("Set-Cookie")
        for cookie in cookies:
            response.headers.add("Set-Cookie", cookie if _is_secure(cookie) else f"{cookie}; Secure")
    return response


def _is_secure(cookie: str) -> bool:
    return any(part.strip().lower() == "secure" for part in cookie.split(";")[1:])
