"""Access settings: defaults with no row, saving every field, refusing unknown values, and the classes."""
from __future__ import annotations

import json

import pytest
from flask import Flask

from portfolio import db
from portfolio.errors import KindError
from portfolio.models import AccessSetting, User
from portfolio.people import access
from tests.factories import World

EVERYTHING = {"text_size": "extra-large", "symbol_mode": "symbols-only", "high_contrast": "on",
              "scan_mode": "two-switch", "scan_seconds": "1.5", "scan_speaks": "on", "hear_first": "on"}


def _learner(world: World) -> User:
    found = db.session().get(User, world.learner.id)
    assert found is not None
    return found


def test_a_learner_staff_never_changed_has_everything_off_and_no_row(app: Flask, world: World) -> None:
    with app.app_context():
        settings = access.settings_for(db.session(), _learner(world))
        assert settings == access.AccessSettings()
        assert settings.classes() == []
        assert db.session().query(AccessSetting).count() == 0


def test_saving_keeps_every_setting_in_one_row_and_on_the_account(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = _learner(world)
        saved = access.save_settings(dbs, learner, EVERYTHING)
        dbs.commit()
        assert saved == access.settings_for(dbs, learner)
        assert (saved.text_size, saved.symbol_mode, saved.high_contrast) == ("extra-large", "symbols-only", True)
        assert (saved.scan_mode, saved.scan_seconds, saved.scan_speaks, saved.hear_first) == ("two-switch", 1.5, True, True)
        row = dbs.query(AccessSetting).one()
        assert (row.learner_id, row.school_id) == (learner.id, learner.school_id)
        assert saved.classes() == ["text-extra-large", "contrast-high", "words-off", "scan-on", "hear-first"]
        # Saving again changes the same row; unticked boxes are off.
        again = access.save_settings(dbs, learner, {**EVERYTHING, "scan_mode": "off", "scan_speaks": "",
                                                     "hear_first": "", "high_contrast": "", "symbol_mode": "text-only"})
        dbs.commit()
        assert dbs.query(AccessSetting).count() == 1
        assert again.classes() == ["text-extra-large", "symbols-off"]
        assert not again.scan_speaks and not again.hear_first


def test_settings_travel_as_json_the_script_reads(app: Flask, world: World) -> None:
    with app.app_context():
        saved = access.save_settings(db.session(), _learner(world), EVERYTHING)
        assert json.loads(saved.as_json()) == {
            "text_size": "extra-large", "symbol_mode": "symbols-only", "high_contrast": True,
            "scan_mode": "two-switch", "scan_seconds": 1.5, "scan_speaks": True, "hear_first": True}


@pytest.mark.parametrize("field, value", [
    ("text_size", "huge"), ("symbol_mode", "<script>"), ("scan_mode", "three-switch"),
    ("scan_seconds", "0.1"), ("scan_seconds", "fast"), ("scan_seconds", "nan"),
])
def test_unknown_values_are_refused_and_nothing_changes(app: Flask, world: World, field: str, value: str) -> None:
    with app.app_context():
        dbs = db.session()
        learner = _learner(world)
        with pytest.raises(KindError) as refused:
            access.save_settings(dbs, learner, {**EVERYTHING, field: value})
        assert refused.value.message.startswith("Choose one of the options shown")
        assert learner.text_size == "normal" and learner.symbol_mode == "symbols-and-text"
        assert dbs.query(AccessSetting).count() == 0


def test_only_learners_have_access_settings(app: Flask, world: World) -> None:
    with app.app_context():
        ta = db.session().get(User, world.ta.id)
        with pytest.raises(KindError):
            access.save_settings(db.session(), ta, EVERYTHING)  # type: ignore[arg-type]
