"""The app as gunicorn runs it, plus one route that exists only for the benchmark.

``/bench/empty`` is the least a signed-in request can cost on the same server: the session cookie
is read, the person loaded and the policy checked (``signed_in``), then an empty 204 goes back.
It lives here, not in the app, so no real install ever has it; the learner home's requests per
second are set beside it.

Run by ``bench/bench_server.py`` as ``gunicorn 'bench.server_app:make()'`` with the instance folder
and secret in the environment (``PORTFOLIO_INSTANCE_PATH``, ``SECRET_KEY``).
"""
from __future__ import annotations

from flask import Flask

from portfolio import create_app
from portfolio.web import policy

EMPTY_PATH = "/bench/empty"


@policy.guard("signed_in")
def empty() -> tuple[str, int]:
    """Nothing to say: the cost of a signed-in request with no work in it."""
    return "", 204


def make() -> Flask:
    app = create_app()
    app.add_url_rule(EMPTY_PATH, "bench_empty", empty)
    return app
