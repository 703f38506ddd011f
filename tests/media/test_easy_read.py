"""The easy-read PDF builder: Unicode text, pictures from files and bytes, and the Latin-1 fallback."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from portfolio.media.easy_read import FONT_CANDIDATES, EasyReadDocument, find_unicode_font, latin1_text
from tests.conftest import FIXTURES, ROOT

SYMBOLS = ROOT / "static" / "symbols"
HOSTILE: dict[str, str] = json.loads((FIXTURES / "hostile_text.json").read_text())


def _text(data: bytes) -> str:
    return " ".join("\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).split())


def _pages(data: bytes) -> list:
    return list(PdfReader(io.BytesIO(data)).pages)


def _document(fonts=FONT_CANDIDATES, size="A4") -> EasyReadDocument:  # type: ignore[no-untyped-def]
    document = EasyReadDocument("Zoë’s passport", page_size=size, fonts=fonts)
    document.title_page("Zoë Brontë", picture=SYMBOLS / "card.svg", subtitle="My communication passport")
    document.heading("What I like", picture=SYMBOLS / "heart.svg")
    document.statement("I like animals", picture=SYMBOLS / "dog.svg", notes=["For example: Farm visit, 12 June 2026"])
    document.statement("I like my photo", picture=(FIXTURES / "photo_small.png").read_bytes())
    return document


def test_a_document_has_its_words_and_pictures() -> None:
    data = _document().output()
    assert data.startswith(b"%PDF")
    text = _text(data)
    for words in ("Zoë Brontë", "My communication passport", "What I like", "I like animals",
                  "For example: Farm visit, 12 June 2026", "I like my photo"):
        assert words in text
    page = _pages(data)[0]
    assert round(float(page.mediabox.width) / 72 * 25.4) == 210
    assert len(page.images) >= 1  # the photo; the SVG symbols are drawn as paths


def test_a5_pages_are_a5() -> None:
    page = _pages(_document(size="A5").output())[0]
    assert (round(float(page.mediabox.width) / 72 * 25.4), round(float(page.mediabox.height) / 72 * 25.4)) == (148, 210)


@pytest.mark.parametrize("fonts", [FONT_CANDIDATES, ()], ids=["unicode-font", "latin1-fallback"])
def test_hostile_text_never_breaks_a_document(fonts) -> None:  # type: ignore[no-untyped-def]
    document = EasyReadDocument(HOSTILE["emoji_and_accents"], fonts=fonts)
    for name, text in HOSTILE.items():
        document.heading(text, picture=SYMBOLS / "warning.svg")
        document.statement(text, picture=SYMBOLS / "info.svg", notes=[text])
    text = _text(document.output())
    assert "<script>alert('caption')</script>" in text
    assert "Robert'); DROP TABLE experiences;--" in text
    assert "Zoë did the café" in text
    assert "\x00" not in text


def test_the_fallback_keeps_latin1_and_drops_the_rest() -> None:
    assert latin1_text("Zoë ő “quoted” — 🧑‍🍳 café") == 'Zoë o "quoted" - café'
    document = _document(fonts=())
    assert not document.unicode
    assert "Zoë Brontë" in _text(document.output())


def test_a_broken_picture_is_left_out(tmp_path: Path) -> None:
    document = EasyReadDocument("Broken pictures")
    document.statement("A missing file", picture=tmp_path / "nothing.svg")
    document.statement("Not an image", picture=(FIXTURES / "not_an_image.jpg").read_bytes())
    document.statement("A script SVG", picture=FIXTURES / "script.svg")
    text = _text(document.output())
    assert "A missing file" in text and "Not an image" in text and "A script SVG" in text


def test_long_documents_flow_onto_more_pages() -> None:
    document = EasyReadDocument("Long", page_size="A5")
    for number in range(60):
        document.statement(f"Statement number {number}", picture=SYMBOLS / "star.svg")
    data = document.output()
    assert len(_pages(data)) > 3
    assert "Statement number 59" in _text(data)


def test_the_machine_has_a_unicode_font_or_the_fallback_says_so() -> None:
    found = find_unicode_font()
    assert _document().unicode is (found is not None)
