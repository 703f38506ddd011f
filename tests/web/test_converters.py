"""Ids beyond what a database column holds are pages that do not exist (404), on every route.

The walk builds each rule's URL with every integer argument set to 2**70 (or 2**31, one past
PostgreSQL's integer) and every other argument set to a plain word, then asks for it with each
method the rule takes, signed in as an admin and signed out. Before the bounded converter,
SQLite's driver raised OverflowError on such ids, PostgreSQL refused 2**31 ("integer out of
range"), and the app answered 500.
"""
from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, Rule

from portfolio.web.converters import LARGEST_ID, IdConverter
from tests.conftest import sign_in_as
from tests.factories import World

HUGE = 2**70
PAST_POSTGRES = 2**31  # the smallest number PostgreSQL's integer column refuses


def _integer_arguments(rule: Rule) -> list[str]:
    return [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]


def _url(rule: Rule, number: int) -> str:
    """The rule's path with each integer argument set to ``number`` and any other to a word."""
    numbers = set(_integer_arguments(rule))
    path = rule.rule
    for placeholder in re.findall(r"<[^>]+>", rule.rule):
        name = placeholder[1:-1].rsplit(":", 1)[-1]
        path = path.replace(placeholder, str(number) if name in numbers else "abcdefgh", 1)
    return path


def _rules_with_ids(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if _integer_arguments(rule)]


def test_every_integer_argument_uses_the_bounded_converter(app: Flask) -> None:
    rules = _rules_with_ids(app)
    assert len(rules) > 80, len(rules)
    loose = [rule.rule for rule in rules
             if not all(isinstance(rule._converters[name], IdConverter) for name in _integer_arguments(rule))]
    assert loose == []
    share_symbol = [rule.rule for rule in rules if rule.rule.startswith("/share/") and "symbols" in rule.rule]
    assert share_symbol == ["/share/<token>/symbols/<int:symbol_id>"]


@pytest.mark.parametrize(("signed_in", "number"), [(True, HUGE), (False, HUGE), (True, PAST_POSTGRES)],
                         ids=["admin", "signed-out", "admin-2**31"])
def test_an_id_past_the_columns_is_not_found_on_every_route(no_csrf: Flask, world: World, signed_in: bool,
                                                            number: int) -> None:
    app = no_csrf
    app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"
    client = app.test_client()
    if signed_in:
        sign_in_as(client, world.admin)
    answers: dict[str, int] = {}
    shared = _paths_with_several_rules(app)
    for rule in _rules_with_ids(app):
        url = _url(rule, number)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            code = client.open(url, method=method).status_code
            # Werkzeug checks methods before converters, so where another rule shares the path with
            # other methods the answer is 405: still "nothing here", never a 500.
            if not (code == 404 or (code == 405 and rule.rule in shared)):
                answers[f"{method} {url}"] = code
    assert answers == {}


def _paths_with_several_rules(app: Flask) -> set[str]:
    paths = [rule.rule for rule in app.url_map.iter_rules()]
    return {path for path in paths if paths.count(path) > 1}


def test_the_largest_id_still_reaches_the_route(no_csrf: Flask, world: World) -> None:
    """2**31 - 1 is a real id a row could have: it gets as far as the guard, which finds no
    such learner (404 from the policy, not from routing), and one more is refused by routing."""
    assert LARGEST_ID == 2**31 - 1
    client = no_csrf.test_client()
    sign_in_as(client, world.admin)
    assert client.get(f"/staff/learners/{LARGEST_ID}").status_code == 404
    adapter = no_csrf.url_map.bind("localhost")
    assert adapter.match(f"/staff/learners/{LARGEST_ID}") == ("staff.learner", {"learner_id": LARGEST_ID})
    with pytest.raises(NotFound):
        adapter.match(f"/staff/learners/{LARGEST_ID + 1}")


def test_the_share_page_symbol_with_a_huge_id_is_not_found_without_signing_in(client: FlaskClient) -> None:
    assert client.get(f"/share/{'a' * 43}/symbols/{2**63}").status_code == 404
    assert client.get(f"/share/{'a' * 43}/symbols/{HUGE}").status_code == 404


@pytest.mark.parametrize("number", [HUGE, PAST_POSTGRES, 10**17])
def test_a_huge_activity_id_in_the_query_is_ignored_not_a_500(no_csrf: Flask, world: World, number: int) -> None:
    """Ids in a query string go through ``form_id`` (up to LARGEST_ID), like every form's ids."""
    client = no_csrf.test_client()
    sign_in_as(client, world.admin)
    assert client.get(f"/staff/learners/{world.learner.id}/share/new?activity={number}").status_code == 200
