"""Guards the benchmark's one rule that must hold on every commit, not just in a bench run.

The learner's home page lists every entry. If a relationship used by the entry
card stops being loaded up front, the page sends one more query per entry and
gets slow exactly for the learners with the most work; this catches that with
a small portfolio instead of the full 500-entry benchmark.
"""
from __future__ import annotations

from bench import run


def test_home_page_query_count_does_not_grow_with_entries() -> None:
    counts = run.measure_query_counts(3, 30)
    assert counts.small_sql, "the page must have run some queries"
    assert counts.equal, (
        f"/me/ sent {len(counts.small_sql)} queries for {counts.small_entries} entries but "
        f"{len(counts.large_sql)} for {counts.large_entries}; repeated: {counts.extra_statements()}"
    )
