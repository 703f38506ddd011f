"""Run by hand: how long 1,000 staff searches take over every symbol (no timing is asserted).

    SYMBOL_SEARCH_TIMING=1 .venv/bin/python -m pytest -q -s -p no:cacheprovider tests/symbols/test_search_speed.py
"""
from __future__ import annotations

import os
import time

import pytest

from portfolio.symbols import finder

QUERIES = ("plumber", "hairdresser", "plants", "helped", "cooking", "dishes", "fire engine", "bus", "tea", "e",
           "garden centre", "person", "hand", "cake", "tractor", "kitchen", "money", "berries", "zz", "chef")


@pytest.mark.skipif(not os.environ.get("SYMBOL_SEARCH_TIMING"), reason="timing is run by hand")
def test_time_1000_searches() -> None:
    school = {f"word{n}": f"school:{n}" for n in range(50)}
    first = {query: finder.search_all(query, school) for query in QUERIES}  # also builds the index
    started = time.perf_counter()
    for n in range(1000):
        query = QUERIES[n % len(QUERIES)]
        assert finder.search_all(query, school) == first[query]
    elapsed = time.perf_counter() - started
    print(f"\n1,000 searches over {len(QUERIES)} queries: {elapsed:.3f} s, {elapsed:.3f} ms each")
