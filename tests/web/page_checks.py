"""Structural checks every HTML page must pass: one h1, unique ids, labelled controls, alt text."""
from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.h1 = 0
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.images_without_alt: list[str] = []
        self.html_lang: str | None = None
        self.open_label = 0
        self.buttons_without_text: list[str] = []
        self._button: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "h1":
            self.h1 += 1
        if tag == "label":
            self.open_label += 1
            if a.get("for"):
                self.label_for.add(a["for"] or "")
        if tag == "img" and "alt" not in a:
            self.images_without_alt.append(a.get("src") or "?")
        if tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit", "button"}:
            self.controls.append({**a, "_wrapped": "yes" if self.open_label else None})
        if tag == "button":
            self._button = {"text": "", "aria": a.get("aria-label"), "id": a.get("id")}

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_label -= 1
        if tag == "button" and self._button is not None:
            if not (self._button["text"].strip() or self._button["aria"]):
                self.buttons_without_text.append(self._button["id"] or "?")
            self._button = None

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button["text"] += data


def check_page(html: str) -> list[str]:
    """Return the problems found; an empty list means the page passes."""
    parser = _Collector()
    parser.feed(html)
    problems = []
    if parser.html_lang != "en-GB":
        problems.append(f"html lang is {parser.html_lang!r}")
    if parser.h1 != 1:
        problems.append(f"{parser.h1} h1 elements")
    duplicates = [i for i, n in Counter(parser.ids).items() if n > 1]
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    for control in parser.controls:
        labelled = (control.get("id") in parser.label_for or control.get("aria-label")
                    or control.get("aria-labelledby") or control.get("_wrapped"))
        if not labelled:
            problems.append(f"unlabelled control: {control.get('name')}")
    if parser.images_without_alt:
        problems.append(f"images without alt: {parser.images_without_alt}")
    if parser.buttons_without_text:
        problems.append(f"buttons without a name: {parser.buttons_without_text}")
    if 'id="main"' not in html or 'class="skip-link"' not in html or 'aria-live="polite"' not in html:
        problems.append("missing main landmark, skip link or live region")
    return problems


_PUBLIC_SPEECH = re.compile(r'data-src="/speech/ui/([^"]+)"')


def names_in_public_speech(app: Flask, html: str, names: tuple[str, ...]) -> list[str]:
    """The read-aloud texts on a page that would be spoken into the public audio folder and
    contain one of ``names``; an empty list means no one's name is published."""
    from portfolio.speech import service as speech_service

    found = []
    with app.app_context():
        for token in _PUBLIC_SPEECH.findall(html):
            text = speech_service.text_from_token(token, private=False) or ""
            if any(re.search(rf"\b{re.escape(name)}\b", text) for name in names):
                found.append(text)
    return found


class PageCheckingClient(FlaskClient):
    """The test client every page test uses: each whole HTML page it receives (a GET, or a form
    sent back with its message) must pass :func:`check_page`, as GOV.UK Notify's ``client_request``
    does. Fragments that htmx swaps in, redirects and files are not whole pages and are left alone."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:  # type: ignore[override]
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            html = response.get_data(as_text=True)
            if "<html" in html[:300]:
                problems = check_page(html)
                assert problems == [], f"{response.request.method} {response.request.path}: {problems}"
        return response
