"""The outbox: one plain address, one-line subjects, rows added in the caller's transaction."""
from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from portfolio import db
from portfolio.mail import outbox
from portfolio.models import MailMessage
from tests.factories import World

HOSTILE_ADDRESSES = [
    "",
    "   ",
    "nina@example.org\r\nBcc: evil@attacker.example",
    "nina@example.org\nBcc: evil@attacker.example",
    "nina@example.org, evil@attacker.example",
    "nina@example.org;evil@attacker.example",
    "Nina Patel <nina@example.org>",
    "<nina@example.org>",
    "nina patel@example.org",
    "nina@example.org evil@attacker.example",
    "\"nina\"@example.org",
    "nina@",
    "@example.org",
    "nina@localhost",
    "nina@example..org",
    "nina@-example.org",
    ".nina@example.org",
    "nina..p@example.org",
    "nina@exa mple.org",
    "nina@example.org\x00",
    "ni\u2028na@example.org",
    "nína@example.org",
    "a" * 65 + "@example.org",
    "nina@" + "a" * 250 + ".org",
]


@pytest.mark.parametrize("address", HOSTILE_ADDRESSES)
def test_anything_but_one_plain_address_is_refused_kindly(address: str) -> None:
    with pytest.raises(outbox.BadAddress) as refused:
        outbox.clean_address(address)
    assert refused.value.message.endswith(".") and "\n" not in refused.value.message


@pytest.mark.parametrize("address, kept", [
    ("nina@example.org", "nina@example.org"),
    ("  Nina.Patel+school@Example.ORG ", "Nina.Patel+school@example.org"),
    ("o'brien@mail.school.example", "o'brien@mail.school.example"),
])
def test_plain_addresses_are_kept_with_the_domain_in_lower_case(address: str, kept: str) -> None:
    assert outbox.clean_address(address) == kept


@pytest.mark.parametrize("subject", [
    "Riverside\r\nBcc: evil@attacker.example",
    "Riverside\nBcc: evil@attacker.example",
    "Riverside\rBcc: evil@attacker.example",
    "Riverside\u2028Bcc: evil@attacker.example",
    "Riverside\x85Bcc: evil@attacker.example",
])
def test_a_subject_with_a_line_break_becomes_one_line(subject: str) -> None:
    line = outbox.header_line(subject)
    assert line == "Riverside Bcc: evil@attacker.example"
    assert not any(ch in line for ch in "\r\n\u2028\x85")


def test_a_queued_message_is_a_row_in_the_callers_transaction(app: Flask, world: World) -> None:
    with app.app_context():
        dbs = db.session()
        row = outbox.queue_message(dbs, to="Parent1@Example.org", subject="Hello\r\nBcc: x@y.example",
                                   text="Line one\r\nLine two\x07", kind="invitation", school_id=world.school.id,
                                   user_id=world.parent.id)
        assert (row.to_address, row.subject, row.body_text) == (
            "Parent1@example.org", "Hello Bcc: x@y.example", "Line one\nLine two ")
        assert row.sent_at is None and row.attempts == 0
        dbs.rollback()  # the change it belonged to failed: nothing is left to send
        assert dbs.scalar(select(func.count()).select_from(MailMessage)) == 0


def test_an_unknown_kind_is_a_programming_error(app: Flask, world: World) -> None:
    with app.app_context(), pytest.raises(ValueError, match="unknown kind"):
        outbox.queue_message(db.session(), to="a@example.org", subject="s", text="t", kind="spam", school_id=None)


@pytest.mark.parametrize("url", ["https://app.example/unsubscribe/abc\r\nBcc: evil@attacker.example",
                                 "https://app.example/u/a b", "javascript:alert(1)", "https://app.example/u/>x",
                                 "https://app.example/u/\"x"])
def test_an_unsubscribe_link_that_could_break_a_header_is_refused(app: Flask, world: World, url: str) -> None:
    with app.app_context(), pytest.raises(ValueError, match="unsubscribe link"):
        outbox.queue_message(db.session(), to="a@example.org", subject="s", text="t", kind="notice",
                             school_id=None, unsubscribe_url=url)
