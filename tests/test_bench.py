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


def test_the_benchmarks_empty_route_is_guarded_like_any_other(tmp_path, monkeypatch) -> None:
    """The learner home's requests per second are set beside ``/bench/empty``; that is only a fair
    floor if it pays for the same sign-in check, so a visitor is sent away and a learner gets a 204."""
    from bench import server_app

    monkeypatch.setenv("PORTFOLIO_INSTANCE_PATH", str(tmp_path / "instance"))
    app = server_app.make()
    run.migrate.upgrade(app)
    learner_id = run.add_learner(app, 1)
    assert app.test_client().get(server_app.EMPTY_PATH).status_code == 302
    signed_in = run.signed_in_client(app, learner_id).get(server_app.EMPTY_PATH)
    assert signed_in.status_code == 204 and signed_in.get_data() == b""
