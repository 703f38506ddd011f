"""The test client checks every whole page it fetches, so a page test cannot forget to."""
from __future__ import annotations

import pytest
from flask import Flask

GOOD = ('<!doctype html><html lang="en-GB"><body><a class="skip-link" href="#main">Skip</a>'
        '<main id="main"><h1>Fine</h1><div aria-live="polite"></div></main></body></html>')
BAD = '<!doctype html><html lang="en-GB"><body><h1>One</h1><h1>Two</h1></body></html>'


def test_the_client_fails_a_test_that_fetches_a_broken_page(app: Flask) -> None:
    app.add_url_rule("/good-page", "good_page", lambda: GOOD)
    app.add_url_rule("/broken-page", "broken_page", lambda: BAD)
    app.add_url_rule("/fragment", "fragment", lambda: "<p>A fragment htmx swaps in</p>")
    client = app.test_client()
    assert client.get("/good-page").status_code == 200
    assert client.get("/fragment").status_code == 200  # not a whole page: left alone
    with pytest.raises(AssertionError, match="2 h1 elements"):
        client.get("/broken-page")
