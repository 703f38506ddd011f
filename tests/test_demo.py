"""The demo command fills an empty database and writes every sign-in to a file."""
from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient


def test_demo_creates_people_and_lists_their_sign_ins(app: Flask, runner) -> None:
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    accounts_file = Path(app.instance_path) / "demo-accounts.json"
    assert accounts_file.stat().st_mode & 0o777 == 0o600  # it holds passwords
    rows = json.loads(accounts_file.read_text())
    roles = [r["role"] for r in rows if r["school"] == "Riverside School"]
    assert roles.count("learner") == 6 and roles.count("staff") == 3
    assert roles.count("admin") == 1 and roles.count("parent") == 2
    assert {r["school"] for r in rows} == {"Riverside School", "Hillview College"}
    assert len(rows) == 16 and sum(r["school"] == "Hillview College" for r in rows) == 4
    for row in rows:
        if row["role"] == "learner":
            assert set(row) >= {"role", "school", "name", "login_url"}
            assert row["login_url"].startswith("http://localhost:5000/card/") and "password" not in row
            assert row["login_url"] in result.output
        else:
            assert set(row) == {"role", "school", "name", "email", "password"}
            assert row["email"] in result.output and row["password"] in result.output

    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "Demo sign-ins" in again.output
    assert json.loads((Path(app.instance_path) / "demo-accounts.json").read_text()) == rows


def _demo_sign_in(app: Flask, runner, name: str) -> tuple[FlaskClient, str]:
    """Make the demo, sign its adult ``name`` in with the printed password; the client and where it landed."""
    from tests.conftest import csrf_token

    runner.invoke(args=["demo"])
    rows = json.loads((Path(app.instance_path) / "demo-accounts.json").read_text())
    adult = next(r for r in rows if r["name"] == name)
    client = app.test_client()
    response = client.post("/login", data={"email": adult["email"], "password": adult["password"],
                                           "csrf_token": csrf_token(client)})
    return client, response.headers["Location"]


def test_demo_passwords_really_sign_in(app: Flask, runner) -> None:
    assert _demo_sign_in(app, runner, "Helen Carter")[1] == "/staff/"


def test_symbols_command_writes_only_the_symbols_in_use(runner, tmp_path: Path, monkeypatch) -> None:
    from portfolio.symbols import library as symbols

    written = symbols.build_static_symbols(tmp_path)
    assert sorted(p.stem for p in tmp_path.glob("*.svg")) == sorted(written) == sorted(symbols.ALL_SYMBOLS)
    assert (tmp_path / "dog.svg").read_text().startswith("<svg")
    committed = Path(symbols.STATIC_DIR)
    assert sorted(p.stem for p in committed.glob("*.svg")) == sorted(symbols.ALL_SYMBOLS)


def test_demo_family_and_learner_find_the_final_review(app: Flask, runner) -> None:
    """Maya's family reaches the past year's final review pack from her page, and it shows her bus depot visit."""
    client, landing = _demo_sign_in(app, runner, "Chris Jones")
    child = client.get(landing).get_data(as_text=True)
    assert "Maya&#39;s latest review pack" in child
    link = child.split('id="review-link"')[0].rsplit('href="', 1)[1].split('"', 1)[0]
    pack = client.get(link)
    assert pack.status_code == 200
    page = pack.get_data(as_text=True)
    assert "Riverside Bus Depot" in page and "Final on " in page
