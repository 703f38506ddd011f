"""An entry made on the school tablet with no Wi-Fi, in real Chromium: photo and (fake) microphone
on /offline/entry while the network is off, "Waiting to send" on the home, exactly one entry when the
network is back, a sync cut off half way that is retried without a second photo, and a shared tablet
where the next learner never sees the first one's queue.

Each test signs in learners of its own (so no demo learner's portfolio changes).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, expect
from sqlalchemy import select

from portfolio import db
from portfolio.models import Experience, ExperienceStatus, Role, SyncKey, User
from portfolio.offline import sync
from tests.conftest import FIXTURES, sign_in_as
from tests.factories import make_adult, make_group, make_learner

from .conftest import LiveServer, check_accessible, microphone_ipad, path_is, person, screenshot

# The worker is what these tests are about.
pytestmark = pytest.mark.with_service_worker

WORKER_TIMEOUT_MS = 60_000
SYNC_TIMEOUT_S = 30.0
RECORD_SECONDS = 2


@pytest.fixture
def tablet(microphone_tablet: BrowserContext) -> BrowserContext:
    """A school iPad whose (fake) microphone learners may use."""
    return microphone_tablet


@pytest.fixture
def tablet_routed(browser: Browser, playwright: Playwright, live_server: LiveServer,
                  tablet_cookie: dict[str, Any]) -> Iterator[BrowserContext]:
    """The same iPad with the service worker blocked, so Playwright can cut requests off on their way
    (it cannot route what a service worker fetches). The queue is the page's own work either way."""
    yield from microphone_ipad(browser, playwright, live_server, tablet_cookie, service_worker=False)


def new_learner(live: LiveServer, name: str) -> int:
    with live.app.app_context():
        session = db.session()
        priya = session.scalar(select(User).where(User.email == person(live.rows, "Priya Shah")["email"]))
        assert priya is not None
        learner = make_learner(session, priya.school, None, name=name)
        session.commit()
        return learner.id


def sign_in_on(live: LiveServer, context: BrowserContext, person_id: int) -> None:
    """Put this person's signed-in session on the tablet (the card and password sign-ins have their own tests)."""
    client = live.app.test_client()
    with live.app.app_context():
        someone = db.session().get(User, person_id)
        assert someone is not None
        sign_in_as(client, someone)
    cookie = client.get_cookie(live.app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live.url}])


def owner_of(live: LiveServer, learner_id: int) -> str:
    return sync.queue_owner(live.app.config["SECRET_KEY"], learner_id)


def entries_of(live: LiveServer, learner_id: int) -> list[Experience]:
    with live.app.app_context():
        found = list(db.session().scalars(select(Experience).where(Experience.learner_id == learner_id)))
        for entry in found:
            _ = (entry.photos, entry.voice, entry.tags)
        return found


def keys_of(live: LiveServer, learner_id: int) -> list[str]:
    with live.app.app_context():
        return list(db.session().scalars(select(SyncKey.step).where(SyncKey.learner_id == learner_id)))


QUEUE_JS = """
() => new Promise((resolve, reject) => {
  const open = indexedDB.open("mns-offline", 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore("items", { keyPath: "id" });
    open.result.createObjectStore("meta", { keyPath: "name" });
  };
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction(["items", "meta"], "readonly");
    const items = tx.objectStore("items").getAll();
    const meta = tx.objectStore("meta").getAll();
    tx.oncomplete = () => {
      const me = (meta.result.find((m) => m.name === "owner") || {}).value || null;
      const out = {
        items: items.result.map((i) => ({ owner: i.owner, state: i.state, fields: Object.keys(i).sort(),
                                          sealed: !!(i.sealed && i.sealed.data instanceof ArrayBuffer) })),
        owner: me ? me.owner : null,
        key: me && me.key ? { type: me.key.type, extractable: me.key.extractable } : null,
      };
      open.result.close();
      resolve(out);
    };
  };
})
"""


MINE_JS = """
() => window.offlineQueue.mine().then((items) => items.map((i) => ({
  owner: i.owner, state: i.state, kind: i.kind,
  photos: i.photos.map((p) => ({ size: p.blob ? p.blob.size : 0, type: p.blob ? p.blob.type : "", done: !!p.done })),
  voice: i.voice ? { size: i.voice.blob ? i.voice.blob.size : 0, done: !!i.voice.done } : null })))
"""


# Try the key this page carries on every item in IndexedDB, as someone with devtools could.
OPEN_WITH_PAGE_KEY_JS = """
() => new Promise((resolve) => {
  const text = document.querySelector("meta[name=queue-owner]").dataset.key.replace(/-/g, "+").replace(/_/g, "/");
  const raw = Uint8Array.from(atob(text + "=".repeat((4 - text.length % 4) % 4)), (c) => c.charCodeAt(0));
  const open = indexedDB.open("mns-offline", 1);
  open.onsuccess = () => {
    const all = open.result.transaction("items").objectStore("items").getAll();
    all.onsuccess = () => crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["decrypt"])
      .then((key) => Promise.all(all.result.map((item) => crypto.subtle.decrypt(
        { name: "AES-GCM", iv: item.sealed.iv }, key, item.sealed.data).then(() => "opened", () => "refused"))))
      .then((results) => { open.result.close(); resolve(results); });
  };
})
"""


def queue(page: Page) -> dict[str, Any]:
    """What the tablet holds in IndexedDB as anyone could read it: every item (whoever's, sealed)
    and the current owner."""
    return page.evaluate(QUEUE_JS)


def mine(page: Page) -> list[dict[str, Any]]:
    """The signed-in learner's own items, opened with their key as offline-queue.js opens them."""
    return page.evaluate(MINE_JS)


def wait_until(page: Page, check: Callable[[], bool], failure: str, seconds: float = SYNC_TIMEOUT_S) -> None:
    """Poll ``check``, waiting in Playwright (not in ``time.sleep``) so route handlers keep running."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, failure
        page.wait_for_timeout(200)


def open_home(page: Page, owner: str) -> None:
    """The learner's home, once offline-queue.js has remembered whose tablet queue this is."""
    page.goto("/me/")
    page.wait_for_load_state("load")
    wait_until(page, lambda: queue(page)["owner"] == owner, "the owner was not remembered")


def make_offline_entry(page: Page, *, photo: str = "photo_sideways_gps.jpg", voice: bool = True,
                       look: bool = False) -> None:
    """Sam's taps on /offline/entry: kind, place, a photo, what I did, a feeling, the voice, Send.
    With ``look``, the first screen and the photo screen are checked (axe, 64 px targets) and kept."""
    expect(page.locator("[data-step='kind']")).to_be_visible()
    if look:
        check_accessible(page, "offline-entry-kind", learner_sized=True)
    page.locator("#offline-kind-placement").tap()  # moves on by itself
    expect(page.locator("[data-step='place']")).to_be_visible()
    page.locator("#offline-place-farm").tap()
    page.locator("#offline-next").tap()
    page.locator("#offline-photo-input").set_input_files(str(FIXTURES / photo))
    expect(page.locator("[data-photo-state]")).to_have_text("1 photo kept.", timeout=20_000)
    if look:
        check_accessible(page, "offline-entry-photos", learner_sized=True)
    page.locator("#offline-next").tap()
    page.locator("[data-step='did'] button.symbol-choice:visible").first.tap()
    page.locator("#offline-next").tap()
    page.locator("#offline-feeling-feeling-liked").tap()  # moves on by itself
    expect(page.locator("[data-step='voice']")).to_be_visible()
    if voice:
        page.locator("#record-start").tap()
        page.wait_for_timeout(RECORD_SECONDS * 1000)
        page.locator("#record-stop").tap()
        page.locator("#record-keep").tap()
        page.wait_for_function("() => document.getElementById('offline-voice-file').files.length === 1")
    page.locator("#offline-next").tap()
    expect(page.locator("[data-summary]")).to_contain_text("Work placement")
    page.locator("#offline-send").tap()
    expect(page.locator("[data-offline-saved]")).to_be_visible()
    expect(page.locator("[data-offline-nav]")).to_be_hidden()


def wait_for_worker(page: Page) -> None:
    page.wait_for_function("() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)",
                           timeout=WORKER_TIMEOUT_MS)


# --------------------------------------------------------------------------- the whole journey


def test_an_entry_made_with_no_wifi_arrives_once_with_its_photo_and_voice(
        tablet: BrowserContext, live_server: LiveServer) -> None:
    learner_id = new_learner(live_server, "Ola Offline")
    owner = owner_of(live_server, learner_id)
    sign_in_on(live_server, tablet, learner_id)
    home = tablet.new_page()
    open_home(home, owner)
    wait_for_worker(home)
    expect(home.locator("#offline-queue")).to_be_empty()

    tablet.set_offline(True)
    entry_page = tablet.new_page()
    entry_page.goto("/offline/entry")  # from the service worker's cache: there is no network
    make_offline_entry(entry_page, look=True)
    check_accessible(entry_page, "offline-entry-saved", learner_sized=True)

    held = queue(entry_page)
    assert [(i["owner"], i["state"], i["sealed"]) for i in held["items"]] == [(owner, "waiting", True)]
    assert held["items"][0]["fields"] == ["blobs", "id", "made_at", "owner", "sealed", "state"]
    assert held["key"] == {"type": "secret", "extractable": False}
    [item] = mine(entry_page)
    assert item["kind"] == "placement"
    [photo] = item["photos"]
    original = (FIXTURES / "photo_sideways_gps.jpg").stat().st_size
    assert photo["type"] == "image/jpeg" and 0 < photo["size"] < original
    assert item["voice"]["size"] > 1000

    # The home, open since before the Wi-Fi went, shows it (told by the entry's tab).
    expect(home.locator("#offline-queue-heading")).to_have_text("Waiting to send")
    expect(home.locator("[data-queue-item]")).to_have_count(1)
    expect(home.locator("[data-item-words]")).to_have_text("Work placement: Waiting to send")
    assert home.evaluate(OPEN_WITH_PAGE_KEY_JS) == ["opened"], "the learner's own key opens their item"
    home.bring_to_front()
    check_accessible(home, "offline-waiting-to-send", learner_sized=True)
    assert entries_of(live_server, learner_id) == []

    tablet.set_offline(False)  # the "online" event sends it
    expect(home.locator("[data-item-words]")).to_have_text("Work placement: Sent", timeout=SYNC_TIMEOUT_S * 1000)
    [entry] = entries_of(live_server, learner_id)
    assert entry.status == ExperienceStatus.WAITING.value
    assert (entry.kind, entry.place_symbol, entry.feeling) == ("placement", "farm", "feeling-liked")
    assert len(entry.photos) == 1 and entry.voice is not None and len(entry.tags) == 1
    assert max(entry.photos[0].width, entry.photos[0].height) <= 1600
    assert queue(home)["items"] == []
    home.reload()
    expect(home.locator("#offline-queue")).to_be_empty()
    assert len(entries_of(live_server, learner_id)) == 1


# --------------------------------------------------------------------------- an interrupted sync


def test_a_sync_cut_off_half_way_is_retried_without_a_second_photo(
        tablet_routed: BrowserContext, live_server: LiveServer) -> None:
    tablet = tablet_routed
    learner_id = new_learner(live_server, "Ike Interrupted")
    owner = owner_of(live_server, learner_id)
    sign_in_on(live_server, tablet, learner_id)
    page = tablet.new_page()
    open_home(page, owner)
    cut: list[str] = []

    def arrive_but_lose_the_answer(route: Route) -> None:
        """The photo reaches the server, but the tablet never hears back (the hotspot dropped)."""
        if not cut:
            cut.append(route.request.url)
            route.fetch()
            route.abort("internetdisconnected")
        else:
            route.continue_()

    def voice_fails_once(route: Route) -> None:
        if len(cut) < 2:
            cut.append(route.request.url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/sync/*/entries/*/photos", arrive_but_lose_the_answer)
    page.route("**/sync/*/entries/*/voice", voice_fails_once)
    page.route("**/sync/*", lambda route: route.abort("internetdisconnected"))  # not yet: keep it queued
    page.goto("/offline/entry")
    make_offline_entry(page, photo="photo_small.png")
    page.unroute("**/sync/*")
    open_home(page, owner)  # page load starts a sync
    wait_until(page, lambda: len(cut) == 1, "the photo was not sent")
    waiting = page.locator("[data-item-words]")
    expect(waiting).to_have_text("Work placement: Waiting to send", timeout=SYNC_TIMEOUT_S * 1000)
    assert keys_of(live_server, learner_id).count("photo") == 1, "the photo arrived although the answer was lost"
    page.locator("#offline-send-now").tap()
    wait_until(page, lambda: len(cut) == 2, "the voice was not tried")
    expect(waiting).to_have_text("Work placement: Waiting to send", timeout=SYNC_TIMEOUT_S * 1000)
    assert mine(page)[0]["photos"][0]["done"], "the photo's retry was answered with the first photo"
    page.locator("#offline-send-now").tap()
    expect(page.locator("[data-item-words]")).to_have_text("Work placement: Sent", timeout=SYNC_TIMEOUT_S * 1000)
    [entry] = entries_of(live_server, learner_id)
    assert len(entry.photos) == 1 and entry.voice is not None
    assert entry.status == ExperienceStatus.WAITING.value
    assert sorted(keys_of(live_server, learner_id)) == ["entry", "photo", "send", "voice"]


# --------------------------------------------------------------------------- a shared tablet


def test_the_next_learner_never_sees_the_first_ones_queue_and_it_goes_when_they_are_back(
        tablet_routed: BrowserContext, live_server: LiveServer) -> None:
    tablet = tablet_routed
    first_id, second_id = new_learner(live_server, "Amy Alder"), new_learner(live_server, "Bo Birch")
    first, second = owner_of(live_server, first_id), owner_of(live_server, second_id)
    sign_in_on(live_server, tablet, first_id)
    page = tablet.new_page()
    open_home(page, first)
    page.route("**/sync/**", lambda route: route.abort("internetdisconnected"))  # the Wi-Fi is down
    page.goto("/offline/entry")
    make_offline_entry(page, voice=False)
    page.goto("/me/")
    expect(page.locator("[data-queue-item]")).to_have_count(1)

    page.locator("#sign-out").click()
    expect(page).to_have_url(path_is("/"))
    wait_until(page, lambda: queue(page)["owner"] is None, "signing out did not forget the tablet's learner")
    held = queue(page)
    assert [(i["owner"], i["state"], i["sealed"]) for i in held["items"]] == [(first, "waiting", True)], \
        "only the unsent item stays, locked to its owner"
    assert held["key"] is None, "the tablet forgot the key: nobody here can open the item now"
    page.goto("/offline/entry")
    expect(page.locator("[data-offline-no-owner]")).to_be_visible()  # nobody to file an entry under

    page.unroute("**/sync/**")
    sign_in_on(live_server, tablet, second_id)
    open_home(page, second)
    page.wait_for_timeout(1000)  # time enough for a sync, were there anything of the second learner's
    expect(page.locator("#offline-queue")).to_be_empty()
    assert page.locator("body").inner_text().count("Waiting to send") == 0
    assert entries_of(live_server, first_id) == [] and entries_of(live_server, second_id) == []
    assert [i["owner"] for i in queue(page)["items"]] == [first]
    assert mine(page) == []
    assert page.evaluate(OPEN_WITH_PAGE_KEY_JS) == ["refused"], "the second learner's key cannot open it"

    page.locator("#sign-out").click()
    expect(page).to_have_url(path_is("/"))
    sign_in_on(live_server, tablet, first_id)
    open_home(page, first)
    expect(page.locator("[data-item-words]")).to_have_text("Work placement: Sent", timeout=SYNC_TIMEOUT_S * 1000)
    [entry] = entries_of(live_server, first_id)
    assert page.evaluate(OPEN_WITH_PAGE_KEY_JS) == [], "sent, so nothing is left on the tablet"
    assert len(entry.photos) == 1 and entry.voice is None
    assert entries_of(live_server, second_id) == [] and queue(page)["items"] == []
    screenshot(page, "offline-sent-after-sign-in")


# --------------------------------------------------------------------------- a refusal


def test_a_refused_photo_is_shown_in_words_and_stays_until_someone_leaves_it_out(
        tablet_routed: BrowserContext, live_server: LiveServer) -> None:
    learner_id = new_learner(live_server, "Rey Refused")
    owner = owner_of(live_server, learner_id)
    sign_in_on(live_server, tablet_routed, learner_id)
    page = tablet_routed.new_page()
    open_home(page, owner)
    page.route("**/sync/*", lambda route: route.abort("internetdisconnected"))  # keep it queued for now
    page.goto("/offline/entry")
    make_offline_entry(page, photo="not_an_image.jpg", voice=False)  # the tablet cannot shrink it either
    page.unroute("**/sync/*")
    open_home(page, owner)
    words = page.locator("[data-item-words]")
    expect(words).to_contain_text("Work placement: ", timeout=SYNC_TIMEOUT_S * 1000)
    expect(page.locator("[data-queue-item]")).to_have_attribute("data-state", "refused",
                                                                timeout=SYNC_TIMEOUT_S * 1000)
    refusal = words.inner_text().removeprefix("Work placement: ")
    assert refusal and "Waiting" not in refusal
    expect(page.locator("#offline-leave-out-0")).to_be_visible()
    expect(page.locator("#offline-try-again-0")).to_be_visible()
    check_accessible(page, "offline-refused", learner_sized=True)
    [entry] = entries_of(live_server, learner_id)
    assert entry.status == ExperienceStatus.DRAFT.value and entry.photos == []
    assert refusal in entry.staff_note, "staff see the same words on the entry"

    page.reload()  # still there after a reload: it stays on the tablet until someone decides
    expect(page.locator("[data-queue-item]")).to_have_attribute("data-state", "refused")
    page.locator("#offline-leave-out-0").tap()
    expect(words).to_have_text("Work placement: Sent", timeout=SYNC_TIMEOUT_S * 1000)
    [entry] = entries_of(live_server, learner_id)
    assert entry.status == ExperienceStatus.WAITING.value and entry.photos == []


# --------------------------------------------------------------------------- a TA, for a learner


def ta_and_learner(live: LiveServer) -> tuple[int, int]:
    """A TA of a new group and a learner in it (so no demo class list changes): their ids."""
    with live.app.app_context():
        session = db.session()
        priya = session.scalar(select(User).where(User.email == person(live.rows, "Priya Shah")["email"]))
        assert priya is not None
        group = make_group(session, priya.school, "Offline class")
        ta = make_adult(session, priya.school, Role.STAFF, "Tess Offline", groups=[group])
        learner = make_learner(session, priya.school, group, name="Nell Offline")
        session.commit()
        return ta.id, learner.id


def test_a_ta_makes_an_entry_for_a_learner_with_no_wifi(tablet: BrowserContext, live_server: LiveServer) -> None:
    """Tess, a TA, has Nell's page open at the placement when the Wi-Fi goes. She makes Nell's entry on
    the tablet, which says (and can say aloud) whom it is for, and it arrives as Nell's, made by Tess,
    once the network is back."""
    ta_id, learner_id = ta_and_learner(live_server)
    owner = owner_of(live_server, learner_id)
    sign_in_on(live_server, tablet, ta_id)
    staff_page = tablet.new_page()
    staff_page.goto(f"/staff/learners/{learner_id}")
    wait_until(staff_page, lambda: queue(staff_page)["owner"] == owner, "Nell's queue was not opened")
    wait_for_worker(staff_page)

    tablet.set_offline(True)
    entry_page = tablet.new_page()
    entry_page.goto("/offline/entry")
    expect(entry_page.locator("[data-offline-for-words]")).to_have_text("For Nell")
    expect(entry_page.locator("[data-offline-for] .hear")).to_have_attribute("aria-label", "Hear: For Nell")
    check_accessible(entry_page, "offline-entry-for-a-learner", learner_sized=True)
    make_offline_entry(entry_page)
    expect(staff_page.locator("[data-item-words]")).to_have_text("Work placement: Waiting to send")
    assert entries_of(live_server, learner_id) == []

    tablet.set_offline(False)
    expect(staff_page.locator("[data-item-words]")).to_have_text("Work placement: Sent",
                                                                 timeout=SYNC_TIMEOUT_S * 1000)
    [entry] = entries_of(live_server, learner_id)
    assert (entry.learner_id, entry.created_by_id) == (learner_id, ta_id)
    assert len(entry.photos) == 1 and entry.voice is not None and len(entry.tags) == 1
    assert keys_of(live_server, ta_id) == []  # the keys are the learner's, whoever sent them
