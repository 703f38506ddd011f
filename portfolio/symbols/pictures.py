"""Where a symbol's picture is served from: the public library in ``static/symbols/``, or the
guarded route for a school's own pictures. Web glue, used by templates and the share pages."""
from __future__ import annotations

from flask import current_app, request, url_for

from portfolio.symbols import library
from portfolio.symbols.service import REFERENCE_PREFIX


def symbol_url(name: str) -> str:
    # A portfolio page asks for the same few symbols thousands of times; url_for is not free.
    cache: dict[tuple[str, str], str] = current_app.extensions.setdefault("symbol_urls", {})
    key = (request.script_root, name)
    url = cache.get(key)
    if url is None:
        known = name if name in library.ALL_SYMBOLS else "info"
        url = cache[key] = url_for("static", filename=f"symbols/{known}.svg")
    return url


def symbol_src(reference: str) -> str:
    """The picture for a symbol reference: a vocabulary name, or ``school:<id>`` for a school's own."""
    if reference.startswith(REFERENCE_PREFIX):
        return url_for("symbols.image", symbol_id=reference[len(REFERENCE_PREFIX):])
    return symbol_url(reference)
