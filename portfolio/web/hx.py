"""Everything that reads or writes htmx headers lives here, so moving htmx version is one file.

A response is a fragment only when htmx asked to swap the fragment's own target; any
other request (a normal visit, a history restore, an htmx boost of the whole body) gets
the full page. ``Vary`` tells caches that the answer depends on those headers.
"""
from __future__ import annotations

from typing import Any

from flask import Response, make_response, redirect, render_template

from portfolio.web.extensions import htmx


def wants_fragment(target_id: str) -> bool:
    return bool(htmx) and htmx.target == target_id and not htmx.history_restore_request


def render(page: str, fragment: str, target_id: str, status: int = 200, **context: Any) -> Response:
    template = fragment if wants_fragment(target_id) else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    response.vary.add("HX-Target")
    return response


def redirect_to(location: str) -> Response:
    """A redirect that also works when htmx made the request (it would otherwise swap the target)."""
    if htmx:
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location)
