"""Where a symbol's picture is served from: the public library in ``static/symbols/``, any other
OpenMoji drawing from the installed package (``openmoji:<code points>``, through a public route), or
the guarded route for a school's own pictures. Web glue, used by templates and the share pages."""
from __future__ import annotations

from flask import current_app, request, url_for

from portfolio.symbols import library, openmoji
from portfolio.symbols.service import REFERENCE_PREFIX


def _url_for_name(name: str) -> str:
    if name in library.ALL_SYMBOLS:
        return url_for("static", filename=f"symbols/{name}.svg")
    if openmoji.is_reference(name):
        # The package version in the URL lets the route say "keep for a year": a new OpenMoji is a new URL.
        return url_for("symbols.openmoji", stem=openmoji.stem_of(name), v=openmoji.version())
    return url_for("static", filename="symbols/info.svg")


def symbol_url(name: str) -> str:
    # A portfolio page asks for the same few symbols thousands of times; url_for is not free.
    cache: dict[tuple[str, str], str] = current_app.extensions.setdefault("symbol_urls", {})
    key = (request.script_root, name)
    url = cache.get(key)
    if url is None:
        url = cache[key] = _url_for_name(name)
    return url


def symbol_src(reference: str) -> str:
    """The picture for a symbol reference: a vocabulary name, or ``school:<id>`` for a school's own."""
    if reference.startswith(REFERENCE_PREFIX):
        return url_for("symbols.image", symbol_id=reference[len(REFERENCE_PREFIX):])
    return symbol_url(reference)
