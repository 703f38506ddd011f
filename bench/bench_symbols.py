"""Staff symbol search over every named OpenMoji drawing, against the vocabulary-only search.

The library search adds about 1,900 drawings to the 400 or so vocabulary words; its index is
built once per process, so each search should cost little more than searching the vocabulary.
The baseline is ``vocabulary.search`` on the same queries, timed turn about in the same run.
"""
from __future__ import annotations

from collections.abc import Callable

from portfolio.symbols import finder, vocabulary

QUERIES = ("plumber", "hairdresser", "plants", "helped", "cooking", "dishes", "fire engine", "bus", "tea", "e",
           "garden centre", "person", "hand", "cake", "tractor", "kitchen", "money", "berries", "zz", "chef")
SEARCHES_PER_REPEAT = 200


def _searches(search: Callable[[str], object]) -> Callable[[int], object]:
    def run(_: int) -> object:
        for n in range(SEARCHES_PER_REPEAT):
            search(QUERIES[n % len(QUERIES)])
        return None
    return run


def run(repeats: int, timer: Callable[..., tuple[float, float]]) -> tuple[str, float, float]:
    """(label, median seconds per search over every symbol, the same for the vocabulary alone)."""
    school = {f"word{n}": f"school:{n}" for n in range(50)}
    finder.search_all("warm up", school)  # builds the library's name index once, as a server's first search does
    every, vocabulary_only = timer(_searches(lambda q: finder.search_all(q, school)),
                                   _searches(vocabulary.search), repeats)
    label = f"symbol search, every OpenMoji name vs vocabulary only ({len(QUERIES)} queries)"
    return label, every / SEARCHES_PER_REPEAT, vocabulary_only / SEARCHES_PER_REPEAT
