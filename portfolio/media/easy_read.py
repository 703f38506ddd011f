"""A small builder for easy-read PDF documents: big plain text with a symbol beside each line.

The communication passport and the annual review pack both need the same kind of document,
so the layout rules live here once: a title, section headings with a symbol, and statements
with a symbol on the left and short words on the right. Callers pass pictures as a file path
(an SVG from ``static/symbols/``, or a PNG/JPEG) or as bytes (a photo or a school's own
symbol from the media store); a picture that cannot be drawn is left out rather than
failing the whole document.

Text is drawn with a Unicode TrueType font when the machine has one (DejaVu Sans or
Liberation Sans from Debian's font packages), so names like "Zoë" print as written.
Characters the font has no glyph for (emoji, for example) are dropped. Without any TrueType
font the builder falls back to the PDF core font Helvetica, which only knows Latin-1, and
every other character is replaced by its nearest Latin-1 spelling or removed. Either way no
text a person typed can make the document fail.

Usage::

    document = EasyReadDocument("Sam's communication passport", page_size="A5")
    document.title_page("Sam Patel", picture=symbol_path("card"), subtitle="My passport")
    document.heading("What I like", picture=symbol_path("heart"))
    document.statement("I like animals", picture=symbol_path("dog"), notes=["Farm visit, 12 June 2026"])
    pdf_bytes = document.output()
"""
from __future__ import annotations

import io
import logging
import re
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Union

if TYPE_CHECKING:
    from fpdf import FPDF

log = logging.getLogger(__name__)

__all__ = ["FONT_CANDIDATES", "EasyReadDocument", "Picture", "find_unicode_font", "latin1_text"]

#: A picture to draw: a file on disk, or image bytes (PNG or JPEG) from the media store.
Picture = Union[Path, bytes, None]
PageSize = Literal["A4", "A5"]

#: Regular and bold faces tried in order; the first pair whose regular face exists is used.
FONT_CANDIDATES: tuple[tuple[Path, Path], ...] = (
    (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")),
    (Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
     Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf")),
    (Path("/usr/share/fonts/TTF/DejaVuSans.ttf"), Path("/usr/share/fonts/TTF/DejaVuSans-Bold.ttf")),
)

# Given in millimetres, not by name, so every fpdf2 release makes the same page.
_PAGE_MM: dict[PageSize, tuple[float, float]] = {"A4": (210, 297), "A5": (148, 210)}
# Sizes in points, chosen for reading at arm's length by people who find reading hard.
_SIZES: dict[PageSize, dict[str, float]] = {
    "A4": {"title": 26, "heading": 18, "text": 15, "note": 11, "symbol": 16, "heading_symbol": 13, "margin": 15},
    "A5": {"title": 20, "heading": 15, "text": 13, "note": 10, "symbol": 13, "heading_symbol": 11, "margin": 11},
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# Typographic characters people paste from word processors, spelled in Latin-1.
_LATIN1_SPELLINGS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
    "\u2026": "...", "\u2022": "*", "\u00a0": " ", "\u2212": "-",
})


def find_unicode_font(candidates: Sequence[tuple[Path, Path]] = FONT_CANDIDATES) -> tuple[Path, Path | None] | None:
    """The first TrueType font (regular, bold or None) present on this machine, or None."""
    for regular, bold in candidates:
        if regular.is_file():
            return regular, bold if bold.is_file() else None
    return None


def latin1_text(text: str) -> str:
    """``text`` spelled with Latin-1 characters only, for the core-font fallback.

    Accented letters Latin-1 has are kept ("Zoë"); others lose their accent ("ł" → "l");
    anything with no Latin-1 spelling at all (emoji, Arabic) is removed.
    """
    out = []
    for char in text.translate(_LATIN1_SPELLINGS):
        if ord(char) < 256:
            out.append(char)
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        out.append("".join(part for part in decomposed if ord(part) < 256 and not unicodedata.combining(part)))
    return re.sub(r"[ \t]{2,}", " ", "".join(out))


class EasyReadDocument:
    """An easy-read PDF: one column, large text, a symbol beside every statement.

    ``fonts`` is for tests and unusual machines: pass ``()`` to force the Latin-1 fallback,
    or other candidates to try first.
    """

    def __init__(self, title: str, *, page_size: PageSize = "A4", author: str = "",
                 fonts: Sequence[tuple[Path, Path]] = FONT_CANDIDATES) -> None:
        self.page_size: PageSize = page_size
        self._size = _SIZES[page_size]
        # fpdf pulls in numpy and fontTools (about a second of CPU): only a document being made pays for it,
        # not every worker's start-up.
        from fpdf import FPDF

        self._pdf: FPDF = FPDF(orientation="portrait", unit="mm", format=_PAGE_MM[page_size])
        margin = self._size["margin"]
        self._pdf.set_margins(margin, margin, margin)
        self._pdf.set_auto_page_break(auto=True, margin=margin)
        self._pdf.set_creator("My Next Steps")
        found = find_unicode_font(fonts)
        self.unicode = found is not None
        self._cmap: set[int] = set()
        if found is not None:
            regular, bold = found
            self._pdf.add_font("Body", "", str(regular))
            self._pdf.add_font("Body", "B", str(bold or regular))
            self._family = "Body"
            self._cmap = set(self._pdf.fonts["body"].cmap)
        else:
            log.warning("No TrueType font found: the PDF uses Helvetica and Latin-1 text only.")
            self._family = "Helvetica"
        self._pdf.set_title(self.clean(title))
        if author:
            self._pdf.set_author(self.clean(author))
        self._pdf.add_page()

    # ----------------------------------------------------------------------------- text

    def clean(self, text: str) -> str:
        """Text the chosen font can draw: no control characters, no glyphs the font lacks."""
        text = _CONTROL.sub("", unicodedata.normalize("NFC", text or ""))
        text = re.sub(r"\s+", " ", text).strip()
        if not self.unicode:
            return latin1_text(text)
        kept = "".join(char for char in text if ord(char) in self._cmap or char == " ")
        return re.sub(r" {2,}", " ", kept).strip()

    def _font(self, size_key: str, bold: bool = False) -> None:
        self._pdf.set_font(self._family, "B" if bold else "", self._size[size_key])

    def _write(self, text: str, size_key: str, bold: bool = False, indent: float = 0, height: float = 1.45) -> None:
        self._font(size_key, bold)
        line_height = self._size[size_key] * 0.3528 * height  # points to mm, with room between lines
        self._pdf.set_x(self._pdf.l_margin + indent)
        width = self._pdf.w - self._pdf.r_margin - self._pdf.l_margin - indent
        # Left-aligned: justified text leaves uneven gaps that make easy-read harder to follow.
        self._pdf.multi_cell(width, line_height, self.clean(text), align="L", new_x="LMARGIN", new_y="NEXT")

    # ----------------------------------------------------------------------------- pictures

    def _draw(self, picture: Picture, x: float, y: float, size: float) -> bool:
        if picture is None:
            return False
        source: Path | io.BytesIO = io.BytesIO(picture) if isinstance(picture, bytes) else picture
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # fpdf2 warns about SVG features it skips
                self._pdf.image(source if isinstance(source, io.BytesIO) else str(source), x=x, y=y, w=size, h=size,
                                keep_aspect_ratio=True)
        except Exception as problem:  # a broken picture must not stop the document
            log.warning("Left a picture out of the PDF: %s", problem)
            return False
        return True

    def _room_for(self, height: float) -> None:
        """Start a new page if ``height`` mm would not fit, so a symbol never parts from its words."""
        if self._pdf.get_y() + height > self._pdf.h - self._pdf.b_margin:
            self._pdf.add_page()

    # ----------------------------------------------------------------------------- blocks

    def title_page(self, title: str, *, picture: Picture = None, subtitle: str = "") -> None:
        """A big title with an optional picture above it: the cover of a booklet or the top of a profile."""
        size = self._size["symbol"] * 2
        if self._draw(picture, self._pdf.l_margin, self._pdf.get_y(), size):
            self._pdf.set_y(self._pdf.get_y() + size + 3)
        self._write(title, "title", bold=True, height=1.3)
        if subtitle:
            self._write(subtitle, "heading")
        self._pdf.ln(4)

    def heading(self, text: str, *, picture: Picture = None) -> None:
        """A section heading with its symbol; kept on the same page as the first lines under it."""
        symbol = self._size["heading_symbol"]
        self._room_for(symbol + self._size["symbol"] + 8)
        self._pdf.ln(2)
        top = self._pdf.get_y()
        indent = symbol + 3 if self._draw(picture, self._pdf.l_margin, top, symbol) else 0
        self._write(text, "heading", bold=True, indent=indent)
        self._pdf.set_y(max(self._pdf.get_y(), top + (symbol if indent else 0)) + 1.5)
        left, right = self._pdf.l_margin, self._pdf.w - self._pdf.r_margin
        self._pdf.set_line_width(0.4)
        self._pdf.line(left, self._pdf.get_y(), right, self._pdf.get_y())
        self._pdf.ln(3)

    def statement(self, text: str, *, picture: Picture = None, notes: Iterable[str] = ()) -> None:
        """One statement: symbol on the left, the words beside it, small notes (evidence) under the words."""
        symbol = self._size["symbol"]
        self._room_for(symbol + 2)
        top = self._pdf.get_y()
        page = self._pdf.page
        indent = symbol + 4
        self._draw(picture, self._pdf.l_margin, top, symbol)
        self._write(text, "text", indent=indent)
        for note in notes:
            self._write(note, "note", indent=indent, height=1.35)
        if self._pdf.page == page:
            self._pdf.set_y(max(self._pdf.get_y(), top + symbol))
        self._pdf.ln(3)

    def paragraph(self, text: str) -> None:
        """Plain words with no symbol, for an introduction or a note at the end."""
        self._write(text, "text")
        self._pdf.ln(2)

    def output(self) -> bytes:
        """The finished PDF."""
        return bytes(self._pdf.output())
