"""Paged lists in the pages: a real link without JavaScript, only the next cards for htmx, and a
fixed number of SQL statements however long the portfolio is."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portfolio import db
from portfolio.models import ExperienceStatus, User
from portfolio.web.paging import PAGE_SIZE
from tests.conftest import sign_in_as
from tests.factories import World, make_experience
from tests.web.test_paging import recorded_sql

CARD = re.compile(r'<li class="experience-card" id="experience-(\d+)"')


def add_entries(app: Flask, learner_id: int, count: int, status: ExperienceStatus = ExperienceStatus.SHARED) -> list[int]:
    """``count`` entries a day apart, newest last made; returns their ids newest first."""
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, learner_id)
        made = [make_experience(dbs, learner, learner, status, on=date(2026, 1, 1) + timedelta(days=n))
                for n in range(count)]
        dbs.commit()
        return [entry.id for entry in reversed(made)]


def cards(html: str) -> list[int]:
    return [int(found) for found in CARD.findall(html)]


def more_link(html: str, list_id: str) -> str | None:
    found = re.search(rf'id="{list_id}-show-more" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def htmx_get(client: FlaskClient, url: str, target: str):  # type: ignore[no-untyped-def]
    return client.get(url, headers={"HX-Request": "true", "HX-Target": target})


def test_learner_home_shows_twelve_and_a_real_show_more_link(app: Flask, world: World, client: FlaskClient) -> None:
    newest_first = add_entries(app, world.learner.id, 30)
    sign_in_as(client, world.learner)
    seen: list[int] = []
    url: str | None = "/me/"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        seen.extend(cards(html))
        url = more_link(html, "portfolio-list")
        if url:
            assert "after=" in url and url.endswith("#portfolio-heading")
    assert seen == newest_first
    assert 'id="portfolio-list-newest"' in html  # a later page offers the way back


def test_htmx_asks_for_the_next_cards_only(app: Flask, world: World, client: FlaskClient) -> None:
    newest_first = add_entries(app, world.learner.id, 14)
    sign_in_as(client, world.learner)
    first = client.get("/me/").get_data(as_text=True)
    assert cards(first) == newest_first[:PAGE_SIZE]
    link = re.search(r'data-hx-get="([^"]+)" data-hx-target="#portfolio-list"\s+data-hx-swap="beforeend"', first)
    assert link, "the Show more control does not ask htmx to add to the list"
    response = htmx_get(client, link.group(1).replace("&amp;", "&"), "portfolio-list")
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment and "<h1" not in fragment
    assert cards(fragment) == newest_first[PAGE_SIZE:]
    # the control is replaced out of band, and at the end of the list it is gone
    assert 'id="portfolio-list-more" data-hx-swap-oob="true"' in fragment
    assert "portfolio-list-show-more" not in fragment
    assert "HX-Request" in response.headers.get("Vary", "")


def test_a_new_entry_shows_at_once_and_personal_pages_are_not_stored(app: Flask, world: World,
                                                                      client: FlaskClient) -> None:
    add_entries(app, world.learner.id, 13)
    sign_in_as(client, world.learner)
    before = client.get("/me/")
    assert "no-store" in before.headers.get("Cache-Control", "")
    with app.app_context():
        dbs = db.session()
        learner = dbs.get(User, world.learner.id)
        newest = make_experience(dbs, learner, learner, ExperienceStatus.WAITING, on=date(2026, 6, 1)).id
        dbs.commit()
    after = client.get("/me/")
    assert cards(after.get_data(as_text=True))[0] == newest
    assert newest not in cards(before.get_data(as_text=True))


@pytest.mark.parametrize("path", ["/me/?after=nonsense", "/staff/to-check?after=W10",
                                  "/family/learners/{learner}?after=x", "/staff/learners/{learner}?after=x"])
def test_a_broken_show_more_link_gets_a_kind_400(app: Flask, world: World, client: FlaskClient, path: str) -> None:
    actor = world.learner if path.startswith("/me") else world.parent if "family" in path else world.ta
    sign_in_as(client, actor)
    response = client.get(path.format(learner=world.learner.id))
    assert response.status_code == 400
    assert "Please go back to the start of it." in response.get_data(as_text=True)


def portfolio_sql(app: Flask, client: FlaskClient, url: str = "/me/") -> list[str]:
    client.get(url)  # settle the session first, as a second visit would find it
    with recorded_sql(app) as statements:
        assert client.get(url).status_code == 200
    return statements


def test_portfolio_queries_do_not_grow_with_entries(app: Flask, world: World) -> None:
    """Ten entries and two hundred cost the same statements, on the first page and on a later one."""
    add_entries(app, world.learner.id, 10)
    add_entries(app, world.other_learner.id, 200)
    small, large = app.test_client(), app.test_client()
    sign_in_as(small, world.learner)
    sign_in_as(large, world.other_learner)
    small_sql, large_sql = portfolio_sql(app, small), portfolio_sql(app, large)
    assert len(small_sql) == len(large_sql), (len(small_sql), len(large_sql))
    later = more_link(large.get("/me/").get_data(as_text=True), "portfolio-list")
    assert later is not None
    assert len(portfolio_sql(app, large, later)) == len(large_sql)


def test_staff_queue_pages_with_a_link_and_the_home_counts_all(app: Flask, world: World, client: FlaskClient) -> None:
    oldest_first = list(reversed(add_entries(app, world.learner.id, 13, ExperienceStatus.WAITING)))
    sign_in_as(client, world.ta)
    assert "13" in client.get("/staff/").get_data(as_text=True)
    first = client.get("/staff/to-check").get_data(as_text=True)
    link = more_link(first, "to-check-list")
    assert link is not None
    rest = htmx_get(client, link, "to-check-list").get_data(as_text=True)
    assert cards(first) + cards(rest) == sorted(oldest_first)
    assert "<html" not in rest


def test_family_page_pages_shared_entries(app: Flask, world: World, client: FlaskClient) -> None:
    shared = add_entries(app, world.learner.id, 13)
    add_entries(app, world.learner.id, 2, ExperienceStatus.WAITING)
    sign_in_as(client, world.parent)
    page = client.get(f"/family/learners/{world.learner.id}").get_data(as_text=True)
    link = more_link(page, "family-entries")
    assert cards(page) == shared[:PAGE_SIZE] and link is not None
    second = client.get(link)
    assert second.status_code == 200 and cards(second.get_data(as_text=True)) == shared[PAGE_SIZE:]
    fragment = htmx_get(client, link, "family-entries").get_data(as_text=True)
    assert cards(fragment) == shared[PAGE_SIZE:] and "<html" not in fragment


def test_staff_learner_page_pages_every_entry(app: Flask, world: World, client: FlaskClient) -> None:
    made = add_entries(app, world.learner.id, 13, ExperienceStatus.DRAFT)
    sign_in_as(client, world.ta)
    page = client.get(f"/staff/learners/{world.learner.id}").get_data(as_text=True)
    link = more_link(page, "learner-entries")
    assert cards(page) == made[:PAGE_SIZE] and link is not None
    fragment = htmx_get(client, link, "learner-entries").get_data(as_text=True)
    assert cards(fragment) == made[PAGE_SIZE:] and "<html" not in fragment
