"""The other lists that grow without limit, each read a page at a time through the same "Show more":
comments on an entry, a learner's About me links, the people list and the employers directory."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from portfolio import db
from portfolio.experiences import comments
from portfolio.models import (
    Employer,
    Experience,
    ExperienceStatus,
    FamilyComment,
    Role,
    ShareLink,
    User,
)
from portfolio.people import accounts
from portfolio.web.paging import PAGE_SIZE, TABLE_PAGE_SIZE
from tests.conftest import sign_in_as
from tests.factories import World, make_adult, make_employer, make_experience

START = datetime(2026, 3, 2, 9, 0)


def follow(client: FlaskClient, url: str, list_id: str, row: str) -> list[int]:
    """Open ``url`` and tap Show more (as htmx does) until the end; the row ids in the order shown."""
    html = client.get(url).get_data(as_text=True)
    seen = [int(found) for found in re.findall(rf'id="{row}-(\d+)"', html)]
    while (link := re.search(rf'id="{list_id}-show-more" href="[^"]*"\s+data-hx-get="([^"]+)"', html)):
        response = client.get(link.group(1).replace("&amp;", "&"),
                              headers={"HX-Request": "true", "HX-Target": list_id})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in html
        seen.extend(int(found) for found in re.findall(rf'id="{row}-(\d+)"', html))
    return seen


def shared_entry_with_comments(app: Flask, world: World, count: int) -> tuple[int, list[FamilyComment]]:
    with app.app_context():
        dbs = db.session()
        learner, parent = dbs.get(User, world.learner.id), dbs.get(User, world.parent.id)
        entry = make_experience(dbs, learner, learner, ExperienceStatus.SHARED)
        made = []
        for number in range(count):
            comment = FamilyComment(school_id=entry.school_id, author_id=parent.id, text=f"Well done {number}",
                                    created_at=START + timedelta(minutes=number))
            if number % 3 == 0:
                comment.passed_on_at = START
            entry.comments.append(comment)
            made.append(comment)
        dbs.commit()
        return entry.id, [(c.id, c.created_at, c.passed_on_at) for c in made]  # type: ignore[return-value]


def test_comments_come_newest_first_a_page_at_a_time(app: Flask, world: World, client: FlaskClient) -> None:
    entry_id, made = shared_entry_with_comments(app, world, 14)
    newest_first = [row[0] for row in sorted(made, key=lambda row: (row[1], row[0]), reverse=True)]
    sign_in_as(client, world.parent)
    assert follow(client, f"/experiences/{entry_id}", "comment-list", "comment") == newest_first


def test_a_learner_pages_only_the_comments_passed_on(app: Flask, world: World) -> None:
    entry_id, made = shared_entry_with_comments(app, world, 14)
    with app.app_context():
        dbs = db.session()
        learner, entry = dbs.get(User, world.learner.id), dbs.get(Experience, entry_id)
        page = comments.visible_page(dbs, learner, entry)
        passed_on = [row[0] for row in sorted(made, key=lambda row: row[1], reverse=True) if row[2] is not None]
        assert [comment.id for comment in page] == passed_on and not page.has_more
        staff_page = comments.visible_page(dbs, dbs.get(User, world.ta.id), entry)
        assert len(staff_page) == PAGE_SIZE and staff_page.has_more


def test_about_me_links_page_newest_first(app: Flask, world: World, client: FlaskClient) -> None:
    with app.app_context():
        dbs = db.session()
        made = []
        for number in range(13):
            link = ShareLink(school_id=world.school.id, learner_id=world.learner.id, token_hash=f"{number:064d}",
                             audience=f"Employer {number}", sections=[], experience_ids=[],
                             created_at=START + timedelta(days=number), expires_at=START + timedelta(days=60))
            dbs.add(link)
            made.append(link)
        dbs.commit()
        newest_first = [link.id for link in reversed(made)]
    sign_in_as(client, world.ta)
    assert follow(client, f"/staff/learners/{world.learner.id}/share", "share-link-list", "link") == newest_first


def test_people_page_by_role_then_name_and_counts_in_the_database(app: Flask, world: World,
                                                                  client: FlaskClient) -> None:
    with app.app_context():
        dbs = db.session()
        school = dbs.get(type(world.school), world.school.id)
        for number in range(TABLE_PAGE_SIZE + 2):
            make_adult(dbs, school, Role.STAFF, f"Helper {number:02d}")
        dbs.commit()
        everyone = dbs.query(User).filter(User.school_id == world.school.id).all()
        expected = [p.id for p in sorted(everyone, key=lambda p: (p.role, p.display_name, p.id))]
        staff = [p.id for p in sorted(everyone, key=lambda p: (p.role, p.display_name, p.id)) if p.role == "staff"]
        counts = accounts.count_by_role(dbs, world.school.id)
        assert counts == {role: sum(1 for p in everyone if p.role == role.value) for role in Role}
    sign_in_as(client, world.admin)
    assert follow(client, "/admin/people", "people-rows", "person") == expected
    assert follow(client, "/admin/people?role=staff", "people-rows", "person") == staff


def test_employers_in_use_and_switched_off_page_separately(app: Flask, world: World, client: FlaskClient) -> None:
    with app.app_context():
        dbs = db.session()
        made = [make_employer(dbs, world.school, name=f"Employer {number:02d}") for number in range(TABLE_PAGE_SIZE + 3)]
        for employer in made[:TABLE_PAGE_SIZE + 1]:
            employer.active = False
        dbs.commit()
        off = [e.id for e in sorted(made[:TABLE_PAGE_SIZE + 1], key=lambda e: (e.name, e.id))]
        in_use = [e.id for e in sorted(made[TABLE_PAGE_SIZE + 1:], key=lambda e: (e.name, e.id))]
        assert dbs.query(Employer).count() == TABLE_PAGE_SIZE + 3
    sign_in_as(client, world.ta)
    html = client.get("/employers/").get_data(as_text=True)
    assert "In use (2)" in html and f"Switched off ({TABLE_PAGE_SIZE + 1})" in html
    assert follow(client, "/employers/", "employers-off", "employer") == in_use + off
