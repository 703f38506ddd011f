"""Ids from forms: anything that is not ASCII digits up to the id columns' largest is no id, never a 500."""
from __future__ import annotations

from portfolio.db import LARGEST_ID
from portfolio.web.forms import form_id, form_ids


def test_only_plain_digits_make_an_id() -> None:
    assert form_id("42") == 42 and form_id(" 7 ") == 7
    for not_an_id in (None, "", "-1", "4.2", "²", "٣", "1e3", "9" * 19, "0x10", "1 2"):
        assert form_id(not_an_id) is None, not_an_id
    assert form_ids(["3", "x", "²", "12", "9" * 40]) == [3, 12]


def test_an_id_past_what_the_columns_hold_is_no_id() -> None:
    """PostgreSQL's integer stops at 2**31 - 1 and refuses more with an error, so such a number is no id."""
    assert form_id(str(LARGEST_ID)) == LARGEST_ID and form_id(f" {LARGEST_ID} ") == LARGEST_ID
    assert form_id(str(LARGEST_ID + 1)) is None and form_id(str(2**63)) is None
    assert form_ids(["1", str(2**31), "x", "2"]) == [1, 2]
