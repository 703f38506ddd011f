"""Performance benchmarks for the portfolio app.

A package so that ``tests/test_bench.py`` can import the query-count check
and keep the "queries must not grow with entries" rule under test in CI.
"""
