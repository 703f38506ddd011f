"""The installable app: the web app manifest, the service worker script and the calm offline page.

All three are public and carry nothing personal: the service worker keeps ``/offline`` in a cache
every person on the tablet shares.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, url_for

from portfolio.offline import shell
from portfolio.speech import service as speech_service
from portfolio.web import policy

bp = Blueprint("app_shell", __name__)

#: Always asked again: a new version of the worker must reach the tablet the next time it looks.
REVALIDATE = "no-cache"


def _static_url(filename: str) -> str:
    return url_for("static", filename=filename)


def _interface_link(text: str) -> str:
    return speech_service.audio_url(text, private=False)


@bp.get("/manifest.webmanifest")
@policy.public
def manifest():
    response = jsonify(shell.manifest(_static_url))
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = REVALIDATE
    return response


@bp.get("/sw.js")
@policy.public
def service_worker():
    """The worker, written from a template so its precache list and version are always current."""
    built = shell.build_shell(
        current_app.static_folder or "", Path(current_app.root_path, current_app.template_folder or "templates"),
        static_url=_static_url, interface_link=_interface_link, spoken_links=speech_service.spoken_interface_links,
    )
    response = Response(render_template("offline/sw.js", shell=built, shell_pages=shell.SHELL_PAGES),
                        mimetype="text/javascript")
    response.headers["Cache-Control"] = REVALIDATE
    return response


@bp.get("/offline")
@policy.public
def offline():
    return render_template("offline/offline.html", entry_page=shell.SHELL_PAGES[1])
