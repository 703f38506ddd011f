"""Ids from forms: anything that is not 1 to 18 ASCII digits is no id, never a 500."""
from __future__ import annotations

from portfolio.web.forms import form_id, form_ids


def test_only_plain_digits_make_an_id() -> None:
    assert form_id("42") == 42 and form_id(" 7 ") == 7
    for not_an_id in (None, "", "-1", "4.2", "²", "٣", "1e3", "9" * 19, "0x10", "1 2"):
        assert form_id(not_an_id) is None, not_an_id
    assert form_ids(["3", "x", "²", "12", "9" * 40]) == [3, 12]
