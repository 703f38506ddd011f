"""The symbol service: one search over the school's own, the vocabulary and OpenMoji; what may be stored."""
from __future__ import annotations

from flask import Flask

from portfolio import db
from portfolio.symbols import service as school_symbols
from tests.factories import Entries, World


def test_find_symbols_puts_the_schools_own_first(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        found = school_symbols.find_symbols(db.session(), world.school.id, "kitchen")
        assert [(c.key, c.source) for c in found[:2]] == [
            (f"school:{entries.school_symbol_id}", "school"), ("kitchen", "vocabulary"),
        ]
        assert found[0].label == "kitchen"
        # Another school never sees this school's picture.
        theirs = school_symbols.find_symbols(db.session(), world.other_school.id, "kitchen")
        assert theirs[0].key == "kitchen" and all(c.source != "school" for c in theirs)
        assert school_symbols.find_symbols(db.session(), world.school.id, "  ") == []


def test_find_symbols_reaches_the_whole_library(app: Flask, world: World) -> None:
    with app.app_context():
        found = school_symbols.find_symbols(db.session(), world.school.id, "fire engine", limit=5)
        assert [(c.key, c.label, c.source) for c in found] == [("openmoji:1F692", "fire engine", "library")]
        # The plumber's plunger is offered once, under the vocabulary's word for it.
        plunger = school_symbols.find_symbols(db.session(), world.school.id, "plunger")
        assert [(c.key, c.source) for c in plunger] == [("plumber", "vocabulary")]


def test_is_known(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        dbs = db.session()
        own = f"school:{entries.school_symbol_id}"
        for reference in ("cafe", "dog", "hear", "plumber", "openmoji:1FAA0", own):
            assert school_symbols.is_known(dbs, world.school.id, reference), reference
        for reference in ("", "nope", "openmoji:E000", "openmoji:../x", "openmoji:1F44D-1F3FB", "school:x"):
            assert not school_symbols.is_known(dbs, world.school.id, reference), reference
        assert not school_symbols.is_known(dbs, world.other_school.id, own)
