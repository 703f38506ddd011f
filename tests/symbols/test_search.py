"""Search over every symbol: the OpenMoji name index, endings both ways, and the order staff see."""
from __future__ import annotations

import pytest

from portfolio.symbols import finder, openmoji, vocabulary
from portfolio.symbols.finder import LIBRARY, SCHOOL, VOCABULARY


def test_the_index_names_the_installed_drawings_once_each() -> None:
    symbols = openmoji.symbols()
    assert len(symbols) > 1800
    references = [s.reference for s in symbols]
    assert len(references) == len(set(references))
    # One drawing per person or hand: skin-tone variants would fill a search with look-alikes.
    assert not any(tone in s.reference for s in symbols for tone in ("1F3FB", "1F3FC", "1F3FD", "1F3FE", "1F3FF"))
    folder = openmoji.svg_folder()
    assert all((folder / f"{openmoji.stem_of(s.reference)}.svg").is_file() for s in symbols[::50])
    assert openmoji.symbols() is symbols  # built once, then cached


def test_references_are_checked_before_any_path_is_made() -> None:
    assert openmoji.find("openmoji:1FAA0") is not None and openmoji.find("openmoji:1FAA0").label == "plunger"
    for bad in ("1FAA0", "openmoji:", "openmoji:../../etc/passwd", "openmoji:1F44D-1F3FB", "openmoji:E000",
                "school:1", "openmoji:1faa0"):
        assert openmoji.find(bad) is None, bad
    assert openmoji.svg_path("1FAA0") == openmoji.svg_folder() / "1FAA0.svg"
    assert openmoji.svg_path("../1FAA0") is None


@pytest.mark.parametrize(("word", "base"), [
    ("plants", "plant"), ("helped", "help"), ("cooking", "cook"), ("dishes", "dish"), ("berries", "berry"),
    ("baked", "bake"), ("shopping", "shop"), ("boxes", "box"),
])
def test_endings_reach_the_base_word(word: str, base: str) -> None:
    assert base in vocabulary.word_forms(word)


@pytest.mark.parametrize(("query", "label"), [
    ("plunger", "plunger"),
    ("fire engine", "fire engine"),
    ("Fire Engine", "fire engine"),
    ("tractors", "tractor"),
    ("plants", "potted plant"),
    ("dishes", "petri dish"),
    ("haircut", "person getting haircut"),
])
def test_library_search_finds_by_official_name(query: str, label: str) -> None:
    assert label in [s.label for s in finder.search_library(query, 24)]


def test_library_search_puts_whole_words_before_word_starts() -> None:
    found = [s.label for s in finder.search_library("bus", 24)]
    assert found[0] == "bus"
    whole = [i for i, label in enumerate(found) if "bus" in label.split()]
    starts_only = [i for i, label in enumerate(found) if "bus" not in label.split()]
    assert whole and starts_only and max(whole) < min(starts_only)
    assert "bust in silhouette" in found


def test_library_search_needs_every_word_and_ignores_single_letters() -> None:
    assert [s.label for s in finder.search_library("fire engine", 24)] == ["fire engine"]
    # A single letter matches only as a whole word ("e-mail"), never as the start of every "e..." name.
    assert [s.label for s in finder.search_library("e", 24)] == ["e-mail"]
    assert finder.search_library("", 24) == finder.search_library("!!", 24) == []
    assert finder.search_library("bus", 0) == []
    assert len(finder.search_library("person", 5)) == 5


def test_search_all_puts_school_then_vocabulary_then_library() -> None:
    school = {"kitchen": "school:7", "kit": "school:8", "plate": "school:9"}
    found = finder.search_all("kitchen", school)
    assert [(c.key, c.source) for c in found[:2]] == [("school:7", SCHOOL), ("kitchen", VOCABULARY)]
    sources = [c.source for c in found]
    assert sources == sorted(sources, key=[SCHOOL, VOCABULARY, LIBRARY].index)
    assert ("openmoji:1F52A", LIBRARY) in [(c.key, c.source) for c in found]
    assert [c.key for c in finder.search_all("kitchens", school)][:1] == ["school:7"]
    assert [c.key for c in finder.search_all("ki", school)][:2] == ["school:8", "school:7"]


def test_a_picture_already_shown_as_a_word_is_not_offered_twice() -> None:
    found = finder.search_all("tractor", {})
    assert [c.key for c in found] == ["farmer"]
    assert "openmoji:1F69C" in [s.reference for s in finder.search_library("tractor", 24)]


@pytest.mark.parametrize(("query", "first"), [
    ("plumber", "plumber"), ("plumbers", "plumber"), ("hairdresser", "hairdresser"),
    ("hairdressers", "hairdresser"), ("barber", "barber"), ("helped", "skill-helping"),
    ("cooking", "cook"), ("dishes", "wash-up"), ("retail assistant", "shop-assistant"),
    ("IT support", "it-technician"), ("groundskeeper", "gardener"), ("porter", "porter"),
])
def test_staff_find_the_word_they_mean_first(query: str, first: str) -> None:
    assert finder.search_all(query, {})[0].key == first


def test_search_all_is_bounded_and_stable() -> None:
    assert len(finder.search_all("e", {}, limit=24)) == 24
    assert finder.search_all("man", {}) == finder.search_all("MAN", {})
    assert finder.search_all("   ", {}) == []
    assert len(finder.search_all("person", {}, limit=3)) == 3
