"""Drafts belong to the learner: throwing one away (never anything sent), the 14-day fold into one
"Unfinished" card, staff clearing old drafts, and the family's two-tap way in."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portfolio import db
from portfolio.experiences import drafts
from portfolio.experiences import service as experiences
from portfolio.experiences.drafts import DraftError
from portfolio.media import recordings
from portfolio.media.changes import commit_or_clean_up
from portfolio.media.photos import ingest_photo
from portfolio.media.storage import media_store
from portfolio.media.voice import ingest_voice
from portfolio.models import (
    AuditEvent,
    Experience,
    ExperiencePhoto,
    ExperienceStatus,
    MediaFile,
    Role,
    School,
    User,
    utcnow,
)
from portfolio.reviews import service as annual_review
from portfolio.web.paging import PAGE_SIZE
from tests.conftest import FIXTURES, sign_in_as
from tests.factories import (
    PASSWORD,
    Entries,
    World,
    make_adult,
    make_experience,
    make_learner,
)

NOW = datetime(2026, 11, 30, 12, 0, 0)


@pytest.fixture
def dbs(app: Flask, world: World, entries: Entries):  # type: ignore[no-untyped-def]
    with app.app_context():
        yield db.session()


def _person(dbs: Session, user: User) -> User:
    found = dbs.get(User, user.id)
    assert found is not None
    return found


def _draft_with_media(dbs: Session, learner: User, touched: datetime | None = None) -> tuple[Experience, list[str]]:
    """A never-sent draft with a real photo and recording; returns it with its storage keys."""
    store = media_store()
    draft = make_experience(dbs, learner, learner)
    photo = experiences.add_photo(dbs, draft, ingest_photo((FIXTURES / "photo_small.png").read_bytes(), store,
                                                          f"photos/{learner.school_id}"))
    recordings.attach(dbs, draft, ingest_voice((FIXTURES / "voice_chrome.webm").read_bytes(), store,
                                               f"voice/{learner.school_id}"))
    dbs.commit()
    keys = [photo.display.key, photo.thumb.key, draft.voice.key]  # type: ignore[union-attr]
    if touched is not None:
        _touch(dbs, draft, touched)
    return draft, keys


def _touch(dbs: Session, experience: Experience, when: datetime) -> None:
    experience.updated_at = when
    dbs.commit()


def _sent_back(dbs: Session, learner: User, ta: User) -> Experience:
    entry = make_experience(dbs, learner, learner)
    experiences.send_to_check(entry)
    experiences.send_back(entry, ta, "photos")
    dbs.commit()
    return entry


# The service ------------------------------------------------------------------------------------


def test_only_a_never_sent_draft_can_be_thrown_away(dbs: Session, world: World, entries: Entries) -> None:
    learner, ta = _person(dbs, world.learner), _person(dbs, world.ta)
    sent_back = _sent_back(dbs, learner, ta)
    assert sent_back.status == ExperienceStatus.DRAFT.value and sent_back.submitted_at is not None
    assert drafts.never_sent(dbs.get(Experience, entries.draft.id))  # type: ignore[arg-type]
    for entry_id in (entries.waiting.id, entries.shared.id, sent_back.id):
        with pytest.raises(DraftError, match="was sent"):
            drafts.throw_away(dbs, learner, entry_id, learner)
        dbs.rollback()
        assert dbs.get(Experience, entry_id) is not None


def test_throwing_away_removes_the_rows_and_files_and_the_trail_records_it(dbs: Session, world: World) -> None:
    learner = _person(dbs, world.learner)
    draft, keys = _draft_with_media(dbs, learner)
    store = media_store()
    assert all(store.exists(key) for key in keys)
    draft_id = draft.id
    change = drafts.throw_away(dbs, learner, draft_id, learner)
    assert sorted(change.replaced) == sorted(keys) and change.written == []
    commit_or_clean_up(dbs, store, change)
    assert dbs.get(Experience, draft_id) is None
    assert dbs.scalar(select(func.count()).select_from(ExperiencePhoto)
                      .where(ExperiencePhoto.experience_id == draft_id)) == 0
    assert dbs.scalars(select(MediaFile).where(MediaFile.key.in_(keys))).all() == []
    assert not any(store.exists(key) for key in keys)
    removed = dbs.scalars(select(AuditEvent).where(AuditEvent.record_kind == "experiences",
                                                   AuditEvent.record_id == draft_id,
                                                   AuditEvent.action == "removed")).all()
    assert len(removed) == 1 and removed[0].learner_id == learner.id


def test_a_second_throw_away_and_someone_elses_draft_are_refused_kindly(dbs: Session, world: World,
                                                                      entries: Entries) -> None:
    learner, other = _person(dbs, world.learner), _person(dbs, world.other_learner)
    change = drafts.throw_away(dbs, learner, entries.draft.id, learner)
    commit_or_clean_up(dbs, media_store(), change)
    with pytest.raises(DraftError, match="already been thrown away"):
        drafts.throw_away(dbs, learner, entries.draft.id, learner)
    others = make_experience(dbs, other, other)
    dbs.commit()
    with pytest.raises(DraftError, match="already been thrown away"):
        drafts.throw_away(dbs, learner, others.id, learner)  # named under the wrong learner
    with pytest.raises(DraftError):
        drafts.discard(dbs, others, learner)  # a learner never throws away another's draft
    with pytest.raises(DraftError):
        drafts.discard(dbs, others, _person(dbs, world.other_parent))
    assert dbs.get(Experience, others.id) is not None


def test_drafts_fold_at_exactly_fourteen_days(dbs: Session, world: World, entries: Entries) -> None:
    learner = _person(dbs, world.learner)
    draft = dbs.get(Experience, entries.draft.id)
    assert draft is not None
    _touch(dbs, draft, NOW - timedelta(days=14) + timedelta(seconds=1))
    assert drafts.count_unfinished(dbs, learner, NOW) == 0 and not drafts.is_unfinished(draft, NOW)
    _touch(dbs, draft, NOW - timedelta(days=14))
    assert drafts.count_unfinished(dbs, learner, NOW) == 1 and drafts.is_unfinished(draft, NOW)
    assert [d.id for d in drafts.unfinished(dbs, learner, NOW)] == [draft.id]
    listed = experiences.portfolio_page(dbs, learner, unfinished_before=drafts.fold_cutoff(NOW))
    assert draft.id not in [e.id for e in listed]
    # Without the new argument the list means what it meant before: every entry.
    assert draft.id in [e.id for e in experiences.portfolio_page(dbs, learner)]


def test_an_old_sent_back_entry_never_folds(dbs: Session, world: World) -> None:
    learner, ta = _person(dbs, world.learner), _person(dbs, world.ta)
    sent_back = _sent_back(dbs, learner, ta)
    _touch(dbs, sent_back, NOW - timedelta(days=60))
    assert drafts.count_unfinished(dbs, learner, NOW) == 0
    listed = experiences.portfolio_page(dbs, learner, unfinished_before=drafts.fold_cutoff(NOW))
    assert sent_back.id in [e.id for e in listed]


def test_paging_without_the_folded_drafts_sees_every_other_entry_once(dbs: Session, world: World) -> None:
    learner = _person(dbs, world.learner)
    kept_ids, folded_ids = [], []
    for number in range(PAGE_SIZE * 2 + 3):
        entry = make_experience(dbs, learner, learner, ExperienceStatus.SHARED if number % 3 else ExperienceStatus.DRAFT)
        dbs.flush()
        if number % 3 == 0 and number % 2 == 0:
            entry.updated_at = NOW - timedelta(days=20)
            folded_ids.append(entry.id)
        else:
            entry.updated_at = NOW - timedelta(days=1)
            kept_ids.append(entry.id)
    dbs.commit()
    everything = set(dbs.scalars(select(Experience.id).where(Experience.learner_id == learner.id)))
    expected = everything - set(folded_ids)
    cutoff = drafts.fold_cutoff(NOW)
    seen: list[int] = []
    page = experiences.portfolio_page(dbs, learner, unfinished_before=cutoff)
    seen += [e.id for e in page]
    while page.has_more:
        page = experiences.portfolio_page(dbs, learner, after=page.next_cursor, unfinished_before=cutoff)
        seen += [e.id for e in page]
    assert len(seen) == len(set(seen)) and set(seen) == expected
    assert set(kept_ids) <= set(seen) and not set(folded_ids) & set(seen)
    assert drafts.count_unfinished(dbs, learner, NOW) == len(folded_ids)


def test_staff_clear_only_old_never_sent_drafts_with_their_files(dbs: Session, world: World,
                                                                  entries: Entries) -> None:
    learner, ta = _person(dbs, world.learner), _person(dbs, world.ta)
    old, keys = _draft_with_media(dbs, learner, touched=NOW - timedelta(days=30))
    second = make_experience(dbs, learner, learner)
    dbs.commit()
    _touch(dbs, second, NOW - timedelta(days=14))
    recent = dbs.get(Experience, entries.draft.id)
    assert recent is not None
    _touch(dbs, recent, NOW - timedelta(days=2))
    sent_back = _sent_back(dbs, learner, ta)
    _touch(dbs, sent_back, NOW - timedelta(days=40))
    old_id, second_id = old.id, second.id
    count, change = drafts.clear_unfinished(dbs, learner, ta, NOW)
    commit_or_clean_up(dbs, media_store(), change)
    assert count == 2
    assert dbs.get(Experience, old_id) is None and dbs.get(Experience, second_id) is None
    assert not any(media_store().exists(key) for key in keys)
    for kept in (recent.id, sent_back.id, entries.waiting.id, entries.shared.id):
        assert dbs.get(Experience, kept) is not None
    assert drafts.clear_unfinished(dbs, learner, ta, NOW)[0] == 0


# Through HTTP -----------------------------------------------------------------------------------


def _as(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    with app.app_context():
        sign_in_as(client, user)
    return client


def _fold(app: Flask, experience_id: int, days: int = 15) -> None:
    with app.app_context():
        dbs = db.session()
        entry = dbs.get(Experience, experience_id)
        assert entry is not None
        _touch(dbs, entry, utcnow() - timedelta(days=days))


def test_learner_throws_away_a_draft_after_yes_and_a_double_tap_is_kind(no_csrf: Flask, world: World,
                                                                        entries: Entries) -> None:
    client = _as(no_csrf, world.learner)
    home = client.get("/me/").get_data(as_text=True)
    confirm_url = f"/learners/{world.learner.id}/drafts/{entries.draft.id}/throw-away"
    assert 'id="throw-away-draft"' in home and f'id="throw-away-{entries.draft.id}"' in home
    assert f'id="throw-away-{entries.waiting.id}"' not in home  # a sent entry has no such button
    page = client.get(confirm_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Yes, throw it away" in html and "No, keep it" in html
    assert html.count('class="hear hear-learner"') >= 3  # the question, Yes and No can each be heard
    no_link = re.search(r'href="([^"]+)" id="throw-away-no"', html)
    assert no_link and no_link.group(1) == "/me/"
    answer = client.post(confirm_url, data={"from": "home"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/me/")
    with no_csrf.app_context():
        assert db.session().get(Experience, entries.draft.id) is None
    again = client.post(confirm_url, data={"from": "home"})
    assert again.status_code == 400 and "already been thrown away" in again.get_data(as_text=True)
    sent = client.post(f"/learners/{world.learner.id}/drafts/{entries.waiting.id}/throw-away")
    assert sent.status_code == 400 and "was sent" in sent.get_data(as_text=True)


def test_old_drafts_fold_into_one_unfinished_card_on_the_learners_home(no_csrf: Flask, world: World,
                                                                       entries: Entries) -> None:
    with no_csrf.app_context():
        dbs = db.session()
        learner = _person(dbs, world.learner)
        extra = make_experience(dbs, learner, learner, kind=None, place="")
        dbs.commit()
        extra_id = extra.id
    _fold(no_csrf, entries.draft.id)
    _fold(no_csrf, extra_id, days=40)
    client = _as(no_csrf, world.learner)
    home = client.get("/me/").get_data(as_text=True)
    assert "Unfinished (2)" in home
    assert f'id="experience-{entries.draft.id}"' not in home and f'id="experience-{extra_id}"' not in home
    assert f'id="experience-{entries.shared.id}"' in home
    listing = client.get(f"/learners/{world.learner.id}/unfinished").get_data(as_text=True)
    for draft_id in (entries.draft.id, extra_id):
        assert f'id="carry-on-{draft_id}"' in listing and f'id="throw-away-{draft_id}"' in listing
    answer = client.post(f"/learners/{world.learner.id}/drafts/{extra_id}/throw-away", data={"from": "unfinished"})
    assert answer.headers["Location"].endswith(f"/learners/{world.learner.id}/unfinished")
    assert "Unfinished (1)" in client.get("/me/").get_data(as_text=True)


def test_staff_clear_unfinished_entries_from_the_learner_page(no_csrf: Flask, world: World,
                                                              entries: Entries) -> None:
    client = _as(no_csrf, world.ta)
    page = client.get(f"/staff/learners/{world.learner.id}").get_data(as_text=True)
    assert 'id="clear-unfinished"' not in page
    _fold(no_csrf, entries.draft.id)
    page = client.get(f"/staff/learners/{world.learner.id}").get_data(as_text=True)
    assert "Clear unfinished entries (1)" in page
    confirm = client.get(f"/learners/{world.learner.id}/unfinished/clear").get_data(as_text=True)
    assert "Yes, clear 1 entry" in confirm
    done = client.post(f"/learners/{world.learner.id}/unfinished/clear", follow_redirects=True)
    assert done.status_code == 200 and "1 unfinished entry was thrown away." in done.get_data(as_text=True)
    with no_csrf.app_context():
        assert db.session().get(Experience, entries.draft.id) is None
        assert db.session().get(Experience, entries.waiting.id) is not None


# The family in two taps, and the plan and review pack from the homes --------------------------


def test_a_parent_with_one_child_lands_on_the_childs_page(app: Flask, world: World, entries: Entries) -> None:
    client = app.test_client()
    sign_in_as(client, world.parent, via_form=True)
    landing = client.get("/")
    assert landing.status_code == 302 and landing.headers["Location"] == f"/family/learners/{world.learner.id}"
    child = client.get(landing.headers["Location"]).get_data(as_text=True)
    first_card = re.search(r'<a class="experience-link" href="([^"]+)"', child)
    assert first_card and first_card.group(1) == f"/experiences/{entries.shared.id}"
    assert client.get(first_card.group(1)).status_code == 200
    assert client.get("/family/").status_code == 200  # the family home is still there


def test_a_parent_with_two_children_keeps_the_family_home(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        learner = _person(dbs, world.learner)
        school = dbs.get(School, learner.school_id)
        assert school is not None
        second = make_learner(dbs, school, learner.group, "cat", "Leo Patel")
        parent = make_adult(dbs, school, Role.PARENT, "Ama Patel", children=[learner, second])
        email = parent.email
        dbs.commit()
    client = app.test_client()
    token_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page)
    assert token
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)})
    assert answer.status_code == 302 and answer.headers["Location"] == "/family/"


def test_plan_and_latest_final_review_pack_are_linked_and_open(app: Flask, world: World, entries: Entries) -> None:
    learner_client, parent_client = _as(app, world.learner), _as(app, world.parent)
    home = learner_client.get("/me/").get_data(as_text=True)
    assert 'id="my-plan"' in home and 'id="my-review"' not in home
    with app.app_context():
        dbs = db.session()
        learner, ta = _person(dbs, world.learner), _person(dbs, world.ta)
        older = annual_review.create(dbs, learner, ta, "2026-01-01", "2026-03-31")
        annual_review.finalise(dbs, media_store(), older, ta)
        newer = annual_review.create(dbs, learner, ta, "2026-04-01", "2026-07-31")
        annual_review.finalise(dbs, media_store(), newer, ta)
        newer.finalised_at = (older.finalised_at or utcnow()) + timedelta(minutes=1)
        annual_review.create(dbs, learner, ta, "2026-08-01", "2026-09-30")  # a draft: never linked
        dbs.commit()
        newest_id = newer.id
    for client, page, ids in ((learner_client, "/me/", ("my-plan", "my-review")),
                              (parent_client, f"/family/learners/{world.learner.id}", ("plan-link", "review-link"))):
        html = client.get(page).get_data(as_text=True)
        for link_id in ids:
            found = re.search(rf'href="([^"]+)" id="{link_id}"', html)
            assert found, (page, link_id)
            if "review" in link_id:
                assert found.group(1) == f"/learners/{world.learner.id}/reviews/{newest_id}"
            assert client.get(found.group(1)).status_code == 200
            # The button reads its words aloud.
            assert re.search(rf'id="{link_id}">.*?</a>\s*<button type="button" class="hear', html, re.DOTALL)


def test_every_recording_choice_is_a_symbol_and_word_button(app: Flask, world: World, entries: Entries) -> None:
    parent_client, learner_client = _as(app, world.parent), _as(app, world.learner)
    comment_form = parent_client.get(f"/experiences/{entries.shared.id}").get_data(as_text=True)
    voice_step = learner_client.get(f"/experiences/{entries.draft.id}/steps/voice").get_data(as_text=True)
    for html, input_id in ((comment_form, "field-comment-voice"), (voice_step, f"voice-file-{entries.draft.id}")):
        label = re.search(rf'<label class="button [^"]*file-button" for="{input_id}">(.*?)</label>', html, re.DOTALL)
        assert label, input_id
        assert '<img class="symbol' in label.group(1) and 'class="button-text"' in label.group(1)
        assert re.search(rf'<input class="file-input visually-hidden" type="file" id="{input_id}" name="voice"', html)
        assert 'class="input" type="file"' not in html
