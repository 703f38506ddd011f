"""Notices end to end: events made through the app's own pages, emails read as a real SMTP server on
loopback receives them, the unsubscribe link used signed out, and the count on the home pages."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, url_for
from sqlalchemy import select

from portfolio import db
from portfolio.experiences import service as experiences
from portfolio.feedback import service as feedback
from portfolio.feedback.service import FeedbackAnswers
from portfolio.mail import sender
from portfolio.media.storage import media_store
from portfolio.models import ActivityParticipant, LearnerRecord, Notice, User, utcnow
from portfolio.notices import kinds, mailing, raising, service
from tests.conftest import csrf_token, sign_in_as
from tests.factories import Entries, World, make_activity, make_experience
from tests.mail.smtp_server import Received, SmtpServer, keep_example, mail_app

BASE = "https://portfolio.school.example"
PRIVATE_WORDS = ("Patel", "Green Fingers", "Well done", "Lovely", "tomatoes", "Kind to customers", "Okafor", "Shah")


def _deliver(app: Flask, server: SmtpServer, expected: int) -> list[Received]:
    sent, failed = sender.deliver_for_app(app)
    assert (sent, failed) == (expected, 0)
    return server.keeper.received


def _link(body: str, path_start: str) -> str:
    match = re.search(rf"{re.escape(BASE)}({re.escape(path_start)}\S*)", body)
    assert match, body
    return match.group(1)


def _body(received: Received) -> str:
    return received.body.replace("\r\n", "\n")


def _check_plain(received: Received) -> None:
    """First name only, nothing private, a way in and a way out, and no pictures."""
    body = _body(received)
    assert ">From" not in body
    assert not any(word in body or word in received.message["Subject"] for word in PRIVATE_WORDS), body
    assert received.message.get_content_type() == "text/plain" and not received.message.is_multipart()
    assert f"{BASE}/notices/unsubscribe/" in body and f"{BASE}/notices/settings" in body
    assert all(len(line) <= 80 for line in body.splitlines() if not line.startswith("http"))


def _approve(client, entry_id: int) -> None:  # type: ignore[no-untyped-def]
    response = client.post(f"/experiences/{entry_id}/check", data={"decision": "approve", "help_level": "own"})
    assert response.status_code in (302, 303), response.status_code


def test_a_shared_entry_emails_the_family_at_once(app: Flask, world: World, entries: Entries, no_csrf: Flask,
                                                  smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    client = app.test_client()
    sign_in_as(client, world.ta)
    _approve(client, entries.waiting.id)
    [got] = _deliver(app, smtp_server, 1)
    keep_example("notice-new-shared-entry", got)
    assert got.rcpt_tos == [world.parent.email]
    assert got.message["Subject"] == "Sam has something new to show you"
    assert "Sam has a new entry to see." in got.body
    _check_plain(got)
    with app.app_context():
        notice = db.session().scalar(select(Notice).where(Notice.kind == kinds.NEW_SHARED_ENTRY))
        assert _link(got.body, "/notices/") == f"/notices/{notice.id}" and notice.emailed_at is not None


def test_the_link_in_an_email_leads_in_only_after_sign_in(app: Flask, world: World, entries: Entries,
                                                          no_csrf: Flask, smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    staff = app.test_client()
    sign_in_as(staff, world.ta)
    _approve(staff, entries.waiting.id)
    [got] = _deliver(app, smtp_server, 1)
    path = _link(got.body, "/notices/")
    family = app.test_client()
    assert family.get(path).status_code == 302  # to the sign-in page
    sign_in_as(family, world.parent)
    opened = family.get(path)
    assert opened.status_code == 303 and opened.location.endswith(f"/experiences/{entries.waiting.id}")
    other = app.test_client()
    sign_in_as(other, world.other_parent)
    assert other.get(path).status_code == 403


def test_unsubscribe_works_with_one_tap_signed_out_and_can_be_undone(app: Flask, world: World, entries: Entries,
                                                                      smtp_server: SmtpServer) -> None:
    mail_app(app, smtp_server)
    app.config["WTF_CSRF_ENABLED"] = False
    staff = app.test_client()
    sign_in_as(staff, world.ta)
    _approve(staff, entries.waiting.id)
    [got] = _deliver(app, smtp_server, 1)
    app.config["WTF_CSRF_ENABLED"] = True
    stranger = app.test_client()  # nobody signed in: the phone's mail app opening the link
    page = stranger.get(_link(got.body, "/notices/unsubscribe/"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Emails switched off" in html and "New entries shared with you" in html
    with app.app_context():
        dbs = db.session()
        assert service.preferences(dbs, dbs.get(User, world.parent.id))[kinds.NEW_SHARED_ENTRY] == kinds.NONE
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        dbs = db.session()
        ta = dbs.get(User, world.ta.id)
        entry = make_experience(dbs, dbs.get(User, world.learner.id), ta)
        dbs.commit()
        entry_id = entry.id
    _approve(staff, entry_id)
    assert sender.deliver_for_app(app) == (0, 0)  # switched off: nothing more comes
    app.config["WTF_CSRF_ENABLED"] = True
    path = _link(got.body, "/notices/unsubscribe/")
    assert stranger.post(path, data={}).status_code == 400  # the button's form carries its CSRF token
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    back = stranger.post(path, data={"csrf_token": token})
    assert back.status_code == 200 and "Your emails are back on" in back.get_data(as_text=True)
    with app.app_context():
        dbs = db.session()
        assert service.preferences(dbs, dbs.get(User, world.parent.id))[kinds.NEW_SHARED_ENTRY] == kinds.EACH


def test_a_guessed_unsubscribe_link_is_refused_kindly(client, world: World) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/notices/unsubscribe/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
    assert response.status_code == 404 and "This link does not work" in response.get_data(as_text=True)


def _every_kind_each(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        service.save_choices(dbs, dbs.get(User, world.ta.id), {k: kinds.EACH for k in kinds.STAFF_KINDS})
        dbs.commit()


def test_one_example_of_each_staff_email(app: Flask, world: World, entries: Entries, no_csrf: Flask,
                                         smtp_server: SmtpServer, runner) -> None:  # type: ignore[no-untyped-def]
    mail_app(app, smtp_server)
    _every_kind_each(app, world)
    sender.deliver_for_app(app)  # the fixture's own comment from home, raised before the choice: daily
    smtp_server.keeper.received.clear()
    parent = app.test_client()
    sign_in_as(parent, world.parent)
    assert parent.post(f"/experiences/{entries.shared.id}/comments", data={"text": "Lovely photos"}).status_code == 302
    learner = app.test_client()
    sign_in_as(learner, world.learner)
    assert learner.post(f"/experiences/{entries.draft.id}/send").status_code in (200, 302, 303)
    with app.app_context():
        dbs = db.session()
        activity = make_activity(dbs, world.school, [dbs.get(User, world.learner.id)])
        participant = dbs.scalar(select(ActivityParticipant).where(ActivityParticipant.activity_id == activity.id))
        row = feedback.create_link(dbs, participant, dbs.get(User, world.ta.id)).feedback
        dbs.commit()
        feedback.save_answers(dbs, media_store(), row, FeedbackAnswers(went_well="Kind to customers"))
        dbs.commit()
        mailing.email_each(dbs, raising.take_raised(dbs), BASE, utcnow())
        dbs.add(LearnerRecord(learner_id=world.learner.id, school_id=world.school.id,
                              annual_review_on=experiences.today().replace(day=1) + _weeks(5)))
        dbs.commit()
    result = runner.invoke(args=["notices", "digest", "--daily"])
    assert result.exit_code == 0, result.output
    to_ta = {got.message["Subject"]: got for got in smtp_server.keeper.received if got.rcpt_tos == [world.ta.email]}
    expected = {"A new comment from home for Sam": kinds.FAMILY_COMMENT, "Sam sent an entry to check": kinds.ENTRY_TO_CHECK,
                "New employer feedback for Sam": kinds.EMPLOYER_FEEDBACK,
                "Sam has an annual review coming up": kinds.REVIEW_DUE}
    assert set(expected) <= set(to_ta), sorted(to_ta)
    for subject, kind in expected.items():
        keep_example(f"notice-{kind}", to_ta[subject])
        _check_plain(to_ta[subject])


def _weeks(count: int):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return timedelta(weeks=count)


def test_the_daily_and_weekly_digests_as_received(app: Flask, world: World, entries: Entries,
                                                   smtp_server: SmtpServer, runner) -> None:  # type: ignore[no-untyped-def]
    mail_app(app, smtp_server)
    with app.app_context():
        dbs = db.session()
        for learner_id in (world.learner.id, world.learner.id, world.other_learner.id):
            entry = make_experience(dbs, dbs.get(User, learner_id), dbs.get(User, learner_id))
            dbs.commit()
            experiences.send_to_check(entry)
            dbs.commit()
    daily = runner.invoke(args=["notices", "digest", "--daily"])
    assert daily.exit_code == 0 and "2 digest(s)" in daily.output, daily.output
    by_person = {got.rcpt_tos[0]: got for got in smtp_server.keeper.received}
    ta_digest = by_person[world.ta.email]
    keep_example("notice-digest-daily", ta_digest)
    assert ta_digest.message["Subject"] == "Your daily news from My Next Steps"
    assert "Comments from families:\n- A family left a comment for Sam." in _body(ta_digest)
    assert "Entries to check:\n- Sam sent 2 entries to check." in _body(ta_digest)
    assert "Ruby" not in _body(ta_digest) and "Sam" not in by_person[world.other_ta.email].body
    _check_plain(ta_digest)
    assert world.admin.email not in by_person  # the careers leader's comments and checks come weekly
    weekly = runner.invoke(args=["notices", "digest", "--weekly"])
    assert weekly.exit_code == 0 and "1 digest(s)" in weekly.output, weekly.output
    leader = smtp_server.keeper.received[-1]
    keep_example("notice-digest-weekly", leader)
    assert leader.rcpt_tos == [world.admin.email] and "- Ruby sent an entry to check." in _body(leader)
    _check_plain(leader)
    again = runner.invoke(args=["notices", "digest", "--daily"])
    assert "0 digest(s)" in again.output  # nothing new since the last one


def test_the_count_on_the_home_page_clears_once_seen(app: Flask, world: World, entries: Entries,
                                                     no_csrf: Flask) -> None:
    staff = app.test_client()
    sign_in_as(staff, world.ta)
    _approve(staff, entries.waiting.id)
    family = app.test_client()
    sign_in_as(family, world.parent)
    assert "What is new: 1 new" in family.get("/family/").get_data(as_text=True)
    listed = family.get("/notices/").get_data(as_text=True)
    assert "Sam has a new entry to see." in listed and "Sam Patel" not in listed
    assert "What is new: nothing new" in family.get("/family/").get_data(as_text=True)
    home = staff.get("/staff/").get_data(as_text=True)
    assert "What is new: 1 new" in home  # the fixture's comment from home
    assert "A family left a comment for Sam." in staff.get("/notices/").get_data(as_text=True)
    assert "What is new: nothing new" in staff.get("/staff/").get_data(as_text=True)


def test_learners_have_no_notices(client, world: World) -> None:  # type: ignore[no-untyped-def]
    sign_in_as(client, world.learner)
    assert client.get("/notices/").status_code == 403


def test_settings_save_each_choice(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in_as(client, world.ta)
    page = client.get("/notices/settings").get_data(as_text=True)
    assert page.count('type="radio"') == 4 * len(kinds.STAFF_KINDS)
    token = csrf_token(client, "/notices/settings")
    saved = client.post("/notices/settings", data={"csrf_token": token, kinds.FAMILY_COMMENT: kinds.WEEKLY,
                                                   kinds.REVIEW_DUE: kinds.NONE})
    assert saved.status_code == 200 and "Saved." in saved.get_data(as_text=True)
    with app.app_context():
        chosen = service.preferences(db.session(), db.session().get(User, world.ta.id))
        assert chosen[kinds.FAMILY_COMMENT] == kinds.WEEKLY and chosen[kinds.REVIEW_DUE] == kinds.NONE
        assert chosen[kinds.ENTRY_TO_CHECK] == kinds.DAILY
    refused = client.post("/notices/settings", data={"csrf_token": token, kinds.FAMILY_COMMENT: "hourly"})
    assert refused.status_code == 400 and "Please choose how often" in refused.get_data(as_text=True)


def test_the_links_emails_use_are_the_apps_own(app: Flask) -> None:
    with app.test_request_context(base_url=BASE):
        assert mailing.notices_url(BASE) == url_for("notices.notice_list", _external=True)
        assert mailing.notice_url(BASE, 7) == url_for("notices.open_notice", notice_id=7, _external=True)
        assert mailing.settings_url(BASE) == url_for("notices.settings", _external=True)
        assert mailing.unsubscribe_url(BASE, "tok") == url_for("notices.unsubscribe", token="tok", _external=True)
        assert urlsplit(mailing.notices_url(BASE + "/")).path == "/notices/"
