"""Captions: every key word of 250 real sentences gets the symbol checked by eye, and nothing else."""
from __future__ import annotations

import pytest

from portfolio.symbols import vocabulary
from tests.symbols.caption_sentences import SENTENCES


def _symbols_by_word(text: str) -> dict[str, set[str | None]]:
    found: dict[str, set[str | None]] = {}
    for word in vocabulary.symbolise(text):
        found.setdefault(vocabulary.normalise_word(word.text), set()).add(word.symbol)
    return found


def test_there_are_enough_sentences_and_words() -> None:
    assert len(SENTENCES) >= 200
    assert len({text for text, _expected in SENTENCES}) == len(SENTENCES)
    assert sum(len(expected) for _text, expected in SENTENCES) >= 600


@pytest.mark.parametrize(("text", "expected"), SENTENCES, ids=[text for text, _ in SENTENCES])
def test_each_key_word_gets_its_checked_symbol(text: str, expected: dict[str, str | None]) -> None:
    got = _symbols_by_word(text)
    for word, symbol in expected.items():
        assert got[word] == {symbol}, word
    # No word outside the list gets a picture: a surprise picture is the thing that misleads.
    surprises = {word: symbols for word, symbols in got.items() if word not in expected and symbols != {None}}
    assert surprises == {}


def test_expected_symbols_are_vocabulary_words() -> None:
    used = {symbol for _text, expected in SENTENCES for symbol in expected.values() if symbol}
    assert all(vocabulary.word(symbol) is not None for symbol in used)


@pytest.mark.parametrize(("text", "word"), [
    ("I saw a tractor", "saw"),
    ("I stayed till three", "till"),
    ("I want to train as a chef", "train"),
    ("I did my training", "training"),
    ("I parked the car", "parked"),
    ("I was patient", "patient"),
    ("I used the lift", "lift"),
    ("I felt safe", "safe"),
    ("We went on a coach", "coach"),
    ("I did not like it", "like"),
    ("I didn't enjoy it", "enjoy"),
    ("I was not happy", "happy"),
])
def test_a_word_with_another_meaning_gets_no_picture(text: str, word: str) -> None:
    assert _symbols_by_word(text)[word] == {None}


@pytest.mark.parametrize(("text", "word", "symbol"), [
    ("I used the saw", "saw", "saw"),
    ("I worked on the till", "till", "cash-register"),
    ("We went by train", "train", "train"),
    ("We got the trains", "trains", "train"),
    ("I went to the park", "park", "park"),
    ("The patients were kind", "patients", "patient"),
    ("I liked it", "liked", "feeling-liked"),
    ("I did IT", "IT", "it-technician"),
])
def test_the_same_word_as_a_thing_keeps_its_picture(text: str, word: str, symbol: str) -> None:
    caption = {w.text: w.symbol for w in vocabulary.symbolise(text)}
    assert caption[word] == symbol


def test_it_in_small_letters_is_still_a_small_word() -> None:
    assert {w.symbol for w in vocabulary.symbolise("I liked it")} == {None, "feeling-liked"}


def test_staff_choices_still_win_over_the_rules() -> None:
    caption = vocabulary.symbolise("I saw a tractor and did IT", overrides={"saw": "farmer", "it": ""})
    assert {w.text: w.symbol for w in caption}["saw"] == "farmer"
    assert {w.text: w.symbol for w in caption}["IT"] is None


def test_helping_is_not_drawn_as_praying_hands() -> None:
    # OpenMoji draws "palms up together" exactly like "folded hands", so it can never mean helping.
    helping = vocabulary.lookup("helped")
    assert helping is not None and helping.emoji not in {"🤲", "🙏"}
    plants = vocabulary.lookup("plants")
    assert plants is not None and plants.emoji == "🌱"
