"""Login cards and the picture check, without HTTP."""
from __future__ import annotations

from flask import Flask

from portfolio import db
from portfolio.models import User
from portfolio.people import cards
from portfolio.tokens import SHORT_CODE_ALPHABET, normalise_short_code
from tests.factories import World


def test_only_hashes_are_stored(app: Flask, world: World) -> None:
    with app.app_context():
        card = cards.current_card(db.session(), db.session().get(User, world.learner.id))
        assert world.card_token not in (card.token_hash, card.short_code_hash)
        assert cards.find_by_token(db.session(), world.card_token).state is cards.CardState.OK


def test_short_codes_avoid_confusable_characters() -> None:
    assert not set("0O1IL2Z5S8B") & set(SHORT_CODE_ALPHABET)
    assert normalise_short_code(" ack-34 7 ") == "ACK347"


def test_picture_choices_include_the_learner_and_are_stable(app: Flask, world: World) -> None:
    with app.app_context():
        card = cards.current_card(db.session(), db.session().get(User, world.learner.id))
        choices = cards.picture_choices(card)
        assert len(choices) == 4 and len(set(choices)) == 4 and "dog" in choices
        assert cards.picture_choices(card) == choices


def test_lock_after_wrong_tries_then_right_picture_resets(app: Flask, world: World) -> None:
    with app.app_context():
        session = db.session()
        card = cards.current_card(session, session.get(User, world.learner.id))
        assert not cards.check_picture(session, card, "cat", max_tries=3)
        assert cards.check_picture(session, card, "dog", max_tries=3)
        assert card.failed_checks == 0
        for _ in range(3):
            cards.check_picture(session, card, "cat", max_tries=3)
        assert cards.state_of(card, cards.utcnow()).state is cards.CardState.LOCKED


def test_issuing_revokes_the_previous_card(app: Flask, world: World) -> None:
    with app.app_context():
        session = db.session()
        learner = session.get(User, world.learner.id)
        new = cards.issue_card(session, learner, session.get(User, world.ta.id), 30)
        assert cards.find_by_token(session, world.card_token).state is cards.CardState.REVOKED
        assert cards.find_by_short_code(session, learner.school_id, new.short_code).card.id == new.card.id
        assert cards.find_by_short_code(session, world.other_school.id, new.short_code).state is cards.CardState.UNKNOWN
