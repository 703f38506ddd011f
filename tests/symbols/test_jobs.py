"""The jobs a careers programme needs: over 100, each with its own picture, grouped by sector."""
from __future__ import annotations

from collections import Counter

import pytest

from portfolio.symbols import library as symbols
from portfolio.symbols import vocabulary

# The jobs grid learners already know, in its places; these keys are stored in entries and employers.
FIRST_JOBS = (
    "chef", "gardener", "shop-assistant", "bus-driver", "nurse", "mechanic", "cleaner", "office-worker",
    "hairdresser", "vet", "builder", "farmer", "care-worker", "delivery-driver", "waiter", "receptionist",
    "warehouse-worker", "police-officer", "firefighter", "doctor", "scientist", "artist", "it-technician",
)

# The jobs a careers programme asked for by name.
ASKED_FOR = {
    "plumber": "plumber", "hairdresser": "hairdresser", "chef": "chef", "mechanic": "mechanic",
    "care worker": "care-worker", "gardener": "gardener", "retail assistant": "shop-assistant",
    "porter": "porter", "groundskeeper": "gardener", "electrician": "electrician", "builder": "builder",
    "nurse": "nurse", "vet": "vet", "cleaner": "cleaner", "waiter": "waiter", "barista": "barista",
    "baker": "baker", "bus driver": "bus-driver", "delivery driver": "delivery-driver",
    "warehouse worker": "warehouse-worker", "farmer": "farmer", "office worker": "office-worker",
    "IT support": "it-technician", "hotel receptionist": "receptionist", "teaching assistant": "teaching-assistant",
}


def test_there_are_over_100_job_words() -> None:
    assert len(vocabulary.JOB_WORDS) >= 100
    assert all(w.category == "jobs" for w in vocabulary.JOB_WORDS)


def test_the_jobs_grid_stays_as_learners_know_it() -> None:
    assert tuple(w.key for w in vocabulary.words_in("jobs")) == FIRST_JOBS


def test_every_job_is_in_exactly_one_sector() -> None:
    placed = Counter(w.key for sector in vocabulary.JOB_SECTORS for w in sector.words)
    assert {w.key for w in vocabulary.JOB_WORDS} <= set(placed)
    assert [key for key, n in placed.items() if n > 1] == []
    # Only jobs, plus the people words that are jobs too.
    others = {w.key for sector in vocabulary.JOB_SECTORS for w in sector.words if w.category != "jobs"}
    assert others == {"teacher", "teaching-assistant"}


@pytest.mark.parametrize("sector", vocabulary.JOB_SECTORS, ids=lambda c: c.key)
def test_each_sector_is_a_grid_of_distinct_pictures(sector: vocabulary.Category) -> None:
    assert 6 <= len(sector.words) <= 24
    assert len({w.emoji for w in sector.words}) == len(sector.words)
    assert vocabulary.category(sector.key) is sector
    assert sector.symbol in symbols.ALL_SYMBOLS
    assert sector.key.startswith("jobs-") and sector.key not in {c.key for c in vocabulary.CATEGORIES}


@pytest.mark.parametrize(("name", "key"), sorted(ASKED_FOR.items()))
def test_each_job_asked_for_is_found_and_shown(name: str, key: str) -> None:
    assert vocabulary.search(name)[0].key == key
    caption = vocabulary.symbolise(f"I want to be a {name}")
    assert caption[5].symbol == key


def test_new_jobs_are_drawn_and_copied() -> None:
    for w in vocabulary.MORE_JOBS:
        assert symbols.ALL_SYMBOLS[w.key] == w.emoji
        assert (symbols.STATIC_DIR / f"{w.key}.svg").is_file(), w.key
