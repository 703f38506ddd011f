"""The experiences service on its own, without HTTP: steps, tags, photos, checking, comments, symbols."""
from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import event

from portfolio import db
from portfolio.experiences import comments
from portfolio.experiences import service as experiences
from portfolio.experiences.service import ExperienceError
from portfolio.media.photos import ingest_photo
from portfolio.media.storage import media_store
from portfolio.models import Experience, ExperienceStatus, HelpLevel, Role, TagScheme, User
from portfolio.symbols import service as school_symbols
from portfolio.web import policy
from tests.conftest import FIXTURES
from tests.factories import World, make_experience
from tests.media_fixtures import stored_keys


@pytest.fixture
def ctx(app: Flask, world: World):  # type: ignore[no-untyped-def]
    with app.app_context():
        yield db.session()


TODAY = date(2026, 11, 23)


def _user(session, user: User) -> User:  # type: ignore[no-untyped-def]
    found = session.get(User, user.id)
    assert found is not None
    return found


def test_every_step_is_in_the_strip_once_with_the_main_path_first() -> None:
    assert len(set(experiences.STEP_KEYS)) == len(experiences.STEPS) == 11
    assert sorted(experiences.FLOW_KEYS) == sorted(experiences.STEP_KEYS)
    assert experiences.FLOW_KEYS[:len(experiences.MAIN_STEP_KEYS)] == experiences.MAIN_STEP_KEYS
    assert experiences.FLOW_KEYS[-1] == "send"


def test_start_reuses_an_untouched_draft_but_not_a_used_one(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _user(ctx, world.learner)
    first = experiences.start(ctx, learner, learner, TODAY)
    assert experiences.start(ctx, learner, learner, TODAY).id == first.id
    experiences.set_kind(first, "visit")
    ctx.flush()
    assert experiences.start(ctx, learner, learner, TODAY).id != first.id


def test_staff_made_entries_start_as_made_by_staff(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    entry = experiences.start(ctx, _user(ctx, world.learner), _user(ctx, world.ta), TODAY)
    assert entry.help_level == HelpLevel.STAFF.value
    assert experiences.start(ctx, _user(ctx, world.learner), _user(ctx, world.learner), TODAY).help_level is None


def test_choices_are_checked_against_the_vocabulary(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _user(ctx, world.learner)
    entry = experiences.start(ctx, learner, learner, TODAY)
    for bad in (lambda: experiences.set_kind(entry, "party"),
                lambda: experiences.set_place(entry, "dog", None),
                lambda: experiences.set_feeling(entry, "happy-ish"),
                lambda: experiences.set_would_like(entry, "perhaps"),
                lambda: experiences.toggle_tag(entry, TagScheme.SKILL, "sweep", True),
                lambda: experiences.toggle_tag(entry, TagScheme.DID, "skill-money", True),
                lambda: experiences.set_help_level(entry, "some")):
        with pytest.raises(ExperienceError) as refused:
            bad()
        assert refused.value.message
    experiences.set_place(entry, "farm", None)
    assert (entry.place_symbol, entry.place) == ("farm", "Farm")
    experiences.set_place(entry, None, "  Hill Top Farm\n")
    assert (entry.place_symbol, entry.place) == ("farm", "Hill Top Farm")


def test_tags_toggle_by_naming_the_state_wanted(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _user(ctx, world.learner)
    entry = experiences.start(ctx, learner, learner, TODAY)
    for _ in range(3):
        experiences.toggle_tag(entry, TagScheme.DID, "sweep", True)
    experiences.toggle_tag(entry, TagScheme.DID, "make-tea", True)
    experiences.toggle_tag(entry, TagScheme.SKILL, "skill-money", True)
    assert entry.tag_values(TagScheme.DID) == ["sweep", "make-tea"]
    experiences.toggle_tag(entry, TagScheme.DID, "sweep", False)
    experiences.toggle_tag(entry, TagScheme.DID, "sweep", False)
    assert entry.tag_values(TagScheme.DID) == ["make-tea"]
    assert entry.tag_values(TagScheme.SKILL) == ["skill-money"]


def test_dates(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _user(ctx, world.learner)
    entry = experiences.start(ctx, learner, learner, TODAY)
    experiences.set_dates(entry, "yesterday", today=date(2026, 11, 23))
    assert entry.start_date == date(2026, 11, 22)
    experiences.set_dates(entry, "other", "2026-06-10", "2026-06-12", today=date(2026, 11, 23))
    assert (entry.start_date, entry.end_date) == (date(2026, 6, 10), date(2026, 6, 12))
    assert experiences.when_text(entry) == "10 June 2026 to 12 June 2026"
    for start, end in (("2026-06-12", "2026-06-10"), ("not a date", ""), ("2030-01-01", "")):
        with pytest.raises(ExperienceError):
            experiences.set_dates(entry, "other", start, end, today=date(2026, 11, 23))


def test_caption_built_by_tapping_words(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _user(ctx, world.learner)
    entry = experiences.start(ctx, learner, learner, TODAY)
    for word in ("I", "made", "tea"):
        experiences.add_caption_word(entry, word)
    assert entry.caption == "I made tea"
    experiences.remove_last_caption_word(entry)
    assert entry.caption == "I made"
    with pytest.raises(ExperienceError, match="What you wrote is too long. Please use 500 letters or fewer."):
        experiences.set_caption(entry, "x" * 501)
    assert entry.caption == "I made"  # refused, not cut and kept
    experiences.set_caption(entry, "x" * experiences.MAX_CAPTION)
    with pytest.raises(ExperienceError, match="Your words are full"):
        experiences.add_caption_word(entry, "more")
    assert len(entry.caption) == experiences.MAX_CAPTION


def test_caption_symbol_choice_and_none(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _user(ctx, world.learner)
    entry = experiences.start(ctx, learner, learner, TODAY)
    experiences.set_caption_symbol(entry, "Plants,", "dog")
    assert entry.caption_symbols == {"plants": "dog"}
    experiences.set_caption_symbol(entry, "plants", None)
    assert entry.caption_symbols == {}
    with pytest.raises(ExperienceError):
        experiences.set_caption_symbol(entry, "!!", "dog")


def test_photos_add_move_remove_and_dedupe(app: Flask, ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _user(ctx, world.learner)
    entry = experiences.start(ctx, learner, learner, TODAY)
    store = media_store()
    small = (FIXTURES / "photo_small.png").read_bytes()
    first = experiences.add_photo(ctx, entry, ingest_photo(small, store, "photos/t"))
    again = ingest_photo(small, store, "photos/t")
    assert experiences.add_photo(ctx, entry, again).id == first.id
    second = experiences.add_photo(ctx, entry, ingest_photo((FIXTURES / "photo_transparent.webp").read_bytes(),
                                                            store, "photos/t"))
    experiences.move_photo(entry, second.id, "up")
    assert [p.id for p in entry.photos] == [second.id, first.id]
    experiences.move_photo(entry, second.id, "up")  # already first: nothing moves
    assert [p.id for p in entry.photos] == [second.id, first.id]
    keys = experiences.remove_photo(ctx, entry, second.id)
    ctx.commit()
    assert len(keys) == 2 and all(store.exists(k) for k in keys)  # the caller deletes after commit
    with pytest.raises(ExperienceError):
        experiences.remove_photo(ctx, entry, second.id)


def test_add_photos_keeps_good_ones_and_leaves_nothing_behind_for_refused_ones(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _user(ctx, world.learner)
    entry = experiences.start(ctx, learner, learner, TODAY)
    store = media_store()
    small = (FIXTURES / "photo_small.png").read_bytes()
    webp = (FIXTURES / "photo_transparent.webp").read_bytes()
    change, problem = experiences.add_photos(ctx, store, entry, [small, (FIXTURES / "script.svg").read_bytes(), small,
                                                                 webp], max_bytes=20_000_000)
    assert problem is not None and "photo" in problem.lower()
    assert len(entry.photos) == 2 and len(change.written) == 4  # the repeat of ``small`` kept one copy
    assert stored_keys(store, "photos") == sorted(change.written)


def test_one_photo_too_many_writes_no_file(ctx, world: World, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    learner = _user(ctx, world.learner)
    entry = experiences.start(ctx, learner, learner, TODAY)
    store = media_store()
    monkeypatch.setattr(experiences, "MAX_PHOTOS", 1)
    small = (FIXTURES / "photo_small.png").read_bytes()
    change, problem = experiences.add_photos(ctx, store, entry, [small, (FIXTURES / "photo_transparent.webp")
                                                                 .read_bytes()], max_bytes=20_000_000)
    assert problem == "An entry can have up to 1 photos. Take one away first."
    assert len(entry.photos) == 1 and stored_keys(store, "photos") == sorted(change.written)


def test_status_flow_draft_waiting_shared_and_back(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner, ta = _user(ctx, world.learner), _user(ctx, world.ta)
    entry = experiences.start(ctx, learner, learner, TODAY)
    with pytest.raises(ExperienceError):
        experiences.send_to_check(entry)  # the kind is the one thing needed
    experiences.set_kind(entry, "taster")
    experiences.send_to_check(entry)
    experiences.send_to_check(entry)
    assert entry.status == ExperienceStatus.WAITING.value and entry.submitted_at is not None
    experiences.send_back(entry, ta, "voice")
    assert (entry.status, entry.check_note, entry.step) == ("draft", "Please record your voice.", "voice")
    experiences.send_to_check(entry)
    assert entry.check_note == ""
    with pytest.raises(ExperienceError):
        experiences.approve(entry, ta, "")
    experiences.approve(entry, ta, "lots")
    assert entry.status == ExperienceStatus.SHARED.value and entry.checked_by_id == ta.id
    with pytest.raises(ExperienceError):
        experiences.send_back(entry, ta, "", "   ")


def test_checker_is_the_groups_first_active_member_of_staff(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    assert experiences.checker_for(_user(ctx, world.learner)).id == world.ta.id
    _user(ctx, world.ta).active = False
    assert experiences.checker_for(_user(ctx, world.learner)) is None


def test_portfolio_is_newest_first_and_filtered(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _user(ctx, world.learner)
    old = make_experience(ctx, learner, learner, ExperienceStatus.SHARED, on=date(2025, 1, 1))
    new = make_experience(ctx, learner, learner, ExperienceStatus.SHARED, on=date(2026, 3, 1))
    draft = make_experience(ctx, learner, learner, ExperienceStatus.DRAFT, on=date(2026, 5, 1))
    assert [e.id for e in experiences.portfolio(ctx, learner)] == [draft.id, new.id, old.id]
    assert [e.id for e in experiences.portfolio(ctx, learner, [ExperienceStatus.SHARED])] == [new.id, old.id]


def test_portfolio_query_count_does_not_grow(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _user(ctx, world.learner)
    statements: list[str] = []

    def count(*args) -> None:  # type: ignore[no-untyped-def]
        statements.append(args[2])

    def measure() -> int:
        ctx.expire_all()
        statements.clear()
        event.listen(db.engine(), "before_cursor_execute", count)
        try:
            for entry in experiences.portfolio(ctx, learner):
                _ = ([t.value for t in entry.tags], [p.thumb.key for p in entry.photos], entry.voice)
        finally:
            event.remove(db.engine(), "before_cursor_execute", count)
        return len(statements)

    make_experience(ctx, learner, learner)
    few = measure()
    for _ in range(20):
        make_experience(ctx, learner, learner)
    assert measure() == few


def test_reading_aloud_covers_the_whole_card(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner = _user(ctx, world.learner)
    entry = make_experience(ctx, learner, learner)
    text = experiences.sentence_for_reading(entry)
    for part in ("Work placement at Green Fingers Garden Centre", "12 June 2026", "I loved it", "teamwork",
                 "I watered the plants"):
        assert part in text


def test_comments_dedupe_and_reach_the_learner_when_passed_on(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    learner, parent, ta = _user(ctx, world.learner), _user(ctx, world.parent), _user(ctx, world.ta)
    entry = make_experience(ctx, learner, learner, ExperienceStatus.SHARED)
    first, _ = comments.add(ctx, media_store(), entry, parent, "Well done!")
    assert comments.add(ctx, media_store(), entry, parent, "Well done!")[0].id == first.id
    with pytest.raises(comments.CommentError):
        comments.add(ctx, media_store(), entry, parent, "  ")
    assert policy.visible_comments(learner, entry) == []
    assert policy.visible_comments(ta, entry) == [first]
    assert comments.pass_on(entry, first.id, ta) and policy.visible_comments(learner, entry) == [first]
    assert not comments.pass_on(entry, 999_999, ta)


def test_school_symbols_add_replace_and_stay_in_their_school(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    ta = _user(ctx, world.ta)
    store = media_store()
    png = (FIXTURES / "photo_small.png").read_bytes()
    symbol, change = school_symbols.upload(ctx, store, ta.school_id, "Kitchen", png, ta)
    assert symbol.word == "kitchen" and change.replaced == [] and stored_keys(store, "symbols") == change.written
    replaced, again = school_symbols.upload(ctx, store, ta.school_id, "kitchen", png, ta)
    assert replaced.id == symbol.id and again.replaced == change.written
    assert school_symbols.own_symbol_map(ctx, ta.school_id) == {"kitchen": f"school:{symbol.id}"}
    assert school_symbols.own_symbol_map(ctx, world.other_school.id) == {}
    assert school_symbols.find_reference(ctx, world.other_school.id, f"school:{symbol.id}") is None
    for bad_word in ("", "two words", "x" * 70):
        with pytest.raises(school_symbols.SymbolError):
            school_symbols.upload(ctx, store, ta.school_id, bad_word, png, ta)


def test_experience_kinds_and_help_levels_have_symbols() -> None:
    from portfolio.models import ExperienceKind, WouldLike
    from portfolio.symbols import library as symbols

    for item in [*ExperienceKind, *HelpLevel, *WouldLike]:
        assert item.symbol in symbols.ALL_SYMBOLS, item
        assert item.label


def test_roles_that_cannot_start_entries(ctx, world: World) -> None:  # type: ignore[no-untyped-def]
    from portfolio.web import policy

    learner = _user(ctx, world.learner)
    assert policy.allows(learner, "experience.start", learner)
    assert not policy.allows(_user(ctx, world.parent), "experience.start", learner)
    assert not policy.allows(_user(ctx, world.other_learner), "experience.start", learner)
    assert _user(ctx, world.parent).role_enum is Role.PARENT
    waiting = make_experience(ctx, learner, learner, ExperienceStatus.WAITING)
    assert not policy.allows(learner, "experience.edit", waiting)
    assert policy.allows(_user(ctx, world.ta), "experience.edit", waiting)
    assert not policy.allows(_user(ctx, world.parent), "experience.view", waiting)
    shared: Experience = make_experience(ctx, learner, learner, ExperienceStatus.SHARED)
    assert policy.allows(_user(ctx, world.parent), "experience.view", shared)
    assert not policy.allows(_user(ctx, world.other_parent), "experience.view", shared)
