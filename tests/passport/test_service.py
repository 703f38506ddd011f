"""The passport service without HTTP: the starter bank, changes, suggestions, evidence and the PDF."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.media import recordings
from portfolio.media.storage import media_store
from portfolio.media.voice import ingest_voice
from portfolio.models import MediaFile, PassportSection, StatementStatus, User
from portfolio.passport import service as passport
from portfolio.passport.service import PassportError
from portfolio.symbols import library as symbols
from portfolio.web import policy
from tests.conftest import FIXTURES, ROOT
from tests.factories import Entries, World, make_experience


@pytest.fixture
def dbs(app: Flask):  # type: ignore[no-untyped-def]
    with app.app_context():
        yield db.session()


def _people(dbs: Session, world: World) -> tuple[User, User, User]:
    return dbs.get(User, world.learner.id), dbs.get(User, world.ta.id), dbs.get(User, world.parent.id)  # type: ignore[return-value]


def test_the_sections_follow_the_model_and_every_starter_has_a_real_symbol() -> None:
    assert [s.key for s in passport.SECTIONS] == [s.value for s in PassportSection]
    keys = [starter.key for section in passport.SECTIONS for starter in section.starters]
    assert len(keys) == len(set(keys))
    for section in passport.SECTIONS:
        assert section.symbol in symbols.ALL_SYMBOLS and section.label == section.enum.label
        assert len(section.starters) >= 6, section.key
        for starter in section.starters:
            assert starter.symbol in symbols.ALL_SYMBOLS, starter
            assert (ROOT / "static" / "symbols" / f"{starter.symbol}.svg").is_file(), starter
            assert len(starter.text) <= passport.MAX_TEXT
    with pytest.raises(PassportError):
        passport.section("nowhere")


def test_starters_switch_on_and_off_by_name(dbs: Session, world: World) -> None:
    learner, ta, _ = _people(dbs, world)
    passport.set_starter(dbs, learner, learner, "likes", "like-music", True)
    passport.set_starter(dbs, learner, learner, "likes", "like-music", True)
    passport.set_starter(dbs, learner, ta, "hopes", "hope-cafe", True)
    found = passport.statements(dbs, learner)
    assert [(s.section, s.text, s.symbol, s.help_level) for s in found] == [
        ("likes", "I like music", "guitar", None), ("hopes", "I would like to work in a café", "cafe", "staff")]
    likes = passport.section("likes")
    assert passport.pressed_starters(found, likes) == {"like-music"}
    passport.set_starter(dbs, learner, learner, "likes", "like-music", False)
    passport.set_starter(dbs, learner, learner, "likes", "like-music", False)
    assert [s.text for s in passport.statements(dbs, learner)] == ["I would like to work in a café"]
    with pytest.raises(PassportError):
        passport.set_starter(dbs, learner, learner, "likes", "hope-cafe", True)  # a starter from another part


def test_statements_come_in_section_order(dbs: Session, world: World) -> None:
    learner, _, _ = _people(dbs, world)
    for section, text in (("hopes", "I want to drive"), ("about-me", "I am 16"), ("likes", "I like maps"),
                          ("about-me", "I live in Leeds")):
        passport.add_own(dbs, learner, learner, section, text)
    grouped = passport.by_section(passport.statements(dbs, learner))
    assert list(grouped) == list(passport.SECTION_KEYS)
    assert [s.text for s in grouped["about-me"]] == ["I am 16", "I live in Leeds"]
    assert [s.text for s in passport.statements(dbs, learner)] == ["I am 16", "I live in Leeds", "I like maps",
                                                                     "I want to drive"]


def test_typed_statements_are_cleaned_and_limited(dbs: Session, world: World) -> None:
    learner, _, _ = _people(dbs, world)
    first = passport.add_own(dbs, learner, learner, "likes", "  I like\x00 the\nfarm  ")
    assert first.text == "I like the farm"
    assert "\x00" not in first.text and "\n" not in first.text and first.symbol == "farm"
    assert passport.add_own(dbs, learner, learner, "likes", first.text).id == first.id
    with pytest.raises(PassportError, match="That is too long. Please use 200 letters or fewer."):
        passport.add_own(dbs, learner, learner, "likes", "x" * (passport.MAX_TEXT + 1))
    assert len(passport.add_own(dbs, learner, learner, "likes", "x" * passport.MAX_TEXT).text) == passport.MAX_TEXT
    assert passport.add_own(dbs, learner, learner, "likes", "zzz qqq").symbol == "heart"  # the section's own
    assert passport.add_own(dbs, learner, learner, "likes", "Ok", symbol="dog").symbol == "dog"
    with pytest.raises(PassportError):
        passport.add_own(dbs, learner, learner, "likes", "Ok then", symbol="not-a-symbol")
    for n in range(passport.MAX_PER_SECTION - len(passport.statements(dbs, learner))):
        passport.add_own(dbs, learner, learner, "likes", f"Thing {n}")
    with pytest.raises(PassportError, match="Take one away first"):
        passport.add_own(dbs, learner, learner, "likes", "One too many")


def test_school_symbols_can_be_chosen(dbs: Session, world: World, entries: Entries) -> None:
    learner, _, _ = _people(dbs, world)
    reference = f"school:{entries.school_symbol_id}"
    statement = passport.add_own(dbs, learner, learner, "about-me", "I help in the kitchen")
    assert statement.symbol == reference  # the school's own picture for "kitchen" comes first
    passport.set_symbol(dbs, statement, "dog")
    passport.set_symbol(dbs, statement, reference)
    other_school = dbs.get(User, world.other_school_learner.id)
    theirs = passport.add_own(dbs, other_school, other_school, "about-me", "I like it")
    with pytest.raises(PassportError):
        passport.set_symbol(dbs, theirs, reference)


def test_suggestions_wait_for_staff(dbs: Session, world: World) -> None:
    learner, ta, parent = _people(dbs, world)
    idea = passport.suggest(dbs, learner, parent, "strengths", "I am good at jigsaws")
    assert passport.suggest(dbs, learner, parent, "strengths", "I am good at jigsaws").id == idea.id
    assert idea.status == StatementStatus.SUGGESTED.value and idea.help_level is None
    assert passport.statements(dbs, learner) == []
    assert passport.suggestions(dbs, learner) == [idea] and passport.suggested_by(dbs, learner, parent) == [idea]
    assert policy.can_see_statement(parent, idea) and policy.can_see_statement(ta, idea)
    assert not policy.can_see_statement(learner, idea)
    assert passport.review(dbs, idea, ta, "accept") is True
    assert passport.review(dbs, idea, ta, "decline") is False  # already decided
    assert idea.status == StatementStatus.ACTIVE.value and policy.can_see_statement(learner, idea)
    other = passport.suggest(dbs, learner, parent, "likes", "I like trains")
    with pytest.raises(PassportError):
        passport.review(dbs, other, ta, "perhaps")
    assert passport.review(dbs, other, ta, "decline") is True
    assert other.status == StatementStatus.DECLINED.value and not policy.can_see_statement(ta, other)
    with pytest.raises(PassportError):
        passport.suggest(dbs, learner, parent, "likes", " ")


def test_evidence_only_from_the_same_learner(dbs: Session, world: World, entries: Entries) -> None:
    learner, _, _ = _people(dbs, world)
    statement = passport.add_own(dbs, learner, learner, "likes", "I like plants")
    passport.link_evidence(dbs, statement, entries.shared.id)
    passport.link_evidence(dbs, statement, entries.shared.id)
    assert [e.id for e in statement.evidence] == [entries.shared.id]
    assert statement in statement.evidence[0].passport_statements
    other = dbs.get(User, world.other_learner.id)
    theirs = make_experience(dbs, other, other)
    for bad in (theirs.id, None, 999_999):
        with pytest.raises(PassportError):
            passport.link_evidence(dbs, statement, bad)
    assert passport.evidence_text(entries.shared) == "Work placement at Green Fingers Garden Centre, 12 June 2026"
    passport.unlink_evidence(statement, entries.shared.id)
    assert statement.evidence == []


def test_voice_is_kept_replaced_and_removed_with_the_statement(dbs: Session, world: World) -> None:
    learner, _, _ = _people(dbs, world)
    store = media_store()
    statement = passport.add_own(dbs, learner, learner, "likes", "I like plants")
    voice = (FIXTURES / "voice_chrome.webm").read_bytes()
    first = ingest_voice(voice, store, "voice/test")
    assert recordings.attach(dbs, statement, first).replaced == []
    second = ingest_voice(voice, store, "voice/test")
    assert recordings.attach(dbs, statement, second).replaced == [first.key]
    dbs.commit()
    assert passport.remove(dbs, statement) == [second.key]
    dbs.commit()
    assert dbs.query(MediaFile).filter_by(key=second.key).count() == 0
    again = passport.add_own(dbs, learner, learner, "likes", "I like trees")
    assert recordings.remove(dbs, again).replaced == []


def test_the_pdf_has_every_statement_and_only_readable_evidence(dbs: Session, world: World, entries: Entries) -> None:
    learner, ta, _ = _people(dbs, world)
    music = passport.add_own(dbs, learner, learner, "likes", "I like music")
    passport.set_starter(dbs, learner, ta, "how-to-help", "help-time", True)
    passport.add_own(dbs, learner, learner, "about-me", "I help in the kitchen")  # a school symbol (a PNG)
    passport.link_evidence(dbs, music, entries.shared.id)
    passport.link_evidence(dbs, music, entries.draft.id)
    static = ROOT / "static"
    data = passport.passport_pdf(dbs, learner, media_store(), static,
                                 lambda s: [e for e in s.evidence if e.status == "shared"])
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    for words in ("Sam Patel", "I like music", "Give me time to answer", "I help in the kitchen",
                  "How to help me communicate", "For example: Work placement at Green Fingers Garden Centre"):
        assert words in text
    assert text.count("For example") == 1
    empty = passport.passport_pdf(dbs, dbs.get(User, world.other_learner.id), media_store(), static, lambda s: [])
    assert "There is nothing in this passport yet." in " ".join(
        PdfReader(io.BytesIO(empty)).pages[0].extract_text().split())


def test_symbol_pictures_for_print(dbs: Session, world: World, entries: Entries, tmp_path: Path) -> None:
    static = ROOT / "static"
    assert passport.symbol_picture(dbs, media_store(), static, world.school.id, "dog") == static / "symbols" / "dog.svg"
    assert passport.symbol_picture(dbs, media_store(), static, world.school.id, "../secret") is None
    assert passport.symbol_picture(dbs, media_store(), static, world.school.id, None) is None
    own = passport.symbol_picture(dbs, media_store(), static, world.school.id, f"school:{entries.school_symbol_id}")
    assert isinstance(own, bytes) and len(own) > 100
    assert passport.symbol_picture(dbs, media_store(), static, world.other_school.id,
                                   f"school:{entries.school_symbol_id}") is None
