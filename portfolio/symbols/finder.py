"""One search over every symbol staff can choose: the school's own, the vocabulary, then all of OpenMoji.

The order is a promise to staff: the school's own pictures (which learners know from their Widgit or
PCS books) come first, then our vocabulary (chosen and checked for learners), and only then the rest
of the OpenMoji library by its official names: whole name words before word starts. A plural or a
simple ending finds the base word ("plants" finds "plant", "helped" finds "help"), both ways round,
because the name index holds each name word's base forms too.

No database here: the caller passes the school's words in, so this stays a plain function that a test
can time and check without an app.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from portfolio.symbols import openmoji, vocabulary


@dataclass(frozen=True)
class SymbolChoice:
    """One search result: the reference to store (``school:3``, ``cafe``, ``openmoji:1FAA0``) and its words."""

    key: str
    label: str
    source: str


SCHOOL, VOCABULARY, LIBRARY = "school", "vocabulary", "library"


@cache
def _library_index() -> openmoji.NameIndex:
    """Built once per process: each name word of each drawing, with the base forms of its ending."""
    return openmoji.build_index(
        (position, [form for word in symbol.words for form in sorted(vocabulary.word_forms(word))])
        for position, symbol in enumerate(openmoji.symbols())
    )


def _query_words(query: str) -> tuple[str, ...]:
    return openmoji.name_words(vocabulary.normalise_word(" ".join(query.split())).replace("-", " "))


def _matches(index: openmoji.NameIndex, word: str, whole_only: bool) -> tuple[set[int], set[int]]:
    """Positions whose name has this word (or a base form of it), and those with a word starting so."""
    whole: set[int] = set()
    for form in vocabulary.word_forms(word):
        whole.update(index.exact.get(form, ()))
    starts = set() if whole_only else set(openmoji.starting_with(index, word)) - whole
    return whole, starts


def search_library(query: str, limit: int, leave_out: Iterable[str] = ()) -> list[openmoji.LibrarySymbol]:
    """Named OpenMoji drawings whose names hold every word of the query, best first.

    Rank: the whole name is the query; every word whole; some word only as a word start (a single
    letter never counts as a start, it would match half the library). Ties go to the shorter name,
    then to code-point order, so the same search always lists the same way. ``leave_out`` holds
    emoji already shown under a vocabulary word, so one picture is never offered twice.
    """
    words = _query_words(query)
    if not words or limit <= 0:
        return []
    index = _library_index()
    every = openmoji.symbols()
    ranks: dict[int, int] = {}
    for number, word in enumerate(words):
        whole, starts = _matches(index, word, whole_only=len(word) < 2)
        found = {position: 1 for position in whole} | {position: 2 for position in starts}
        ranks = found if number == 0 else {p: max(r, found[p]) for p, r in ranks.items() if p in found}
    skip = {sequence.replace("\ufe0f", "") for sequence in leave_out}
    joined = " ".join(words)
    ordered = sorted(
        (0 if " ".join(openmoji.name_words(every[p].label)) == joined else rank, len(every[p].label), p)
        for p, rank in ranks.items() if every[p].sequence.replace("\ufe0f", "") not in skip
    )
    return [every[p] for _rank, _length, p in ordered[:limit]]


def _school_rank(needle: str, word: str) -> int | None:
    if word == needle or word in vocabulary.word_forms(needle) or needle in vocabulary.word_forms(word):
        return 0
    if word.startswith(needle):
        return 1
    return None


def search_school(query: str, school_words: Mapping[str, str]) -> list[SymbolChoice]:
    """The school's own symbols (word -> reference) whose word is the query, a form of it, or starts so."""
    needle = vocabulary.normalise_word(query.strip())
    if not needle:
        return []
    ranked = sorted((rank, word) for word in school_words
                    if (rank := _school_rank(needle, word)) is not None)
    return [SymbolChoice(school_words[word], word, SCHOOL) for _rank, word in ranked]


def search_all(query: str, school_words: Mapping[str, str], limit: int = 24) -> list[SymbolChoice]:
    """School symbols, then vocabulary words, then the rest of OpenMoji, at most ``limit`` in all."""
    results = search_school(query, school_words)[:limit]
    words = vocabulary.search(query, limit=limit - len(results))
    results += [SymbolChoice(w.key, w.label, VOCABULARY) for w in words]
    shown = {w.emoji for w in words}
    library = search_library(query, limit - len(results), leave_out=shown)
    results += [SymbolChoice(symbol.reference, symbol.label, LIBRARY) for symbol in library]
    return results
