"""The transition plan pages: staff write it, the learner and family read it."""
from __future__ import annotations

import json
import re

from flask import Flask

from tests.conftest import FIXTURES, sign_in_as
from tests.factories import Entries, World


def test_staff_build_a_plan_the_family_can_read(no_csrf: Flask, world: World, entries: Entries) -> None:
    ta = no_csrf.test_client()
    sign_in_as(ta, world.ta)
    base = f"/learners/{world.learner.id}/plan"
    assert "no plan yet" in ta.get(base).get_data(as_text=True)
    assert ta.post(f"{base}/years", data={"year_group": "9"}).status_code == 302
    page = ta.get(base).get_data(as_text=True)
    found = re.search(r"/plan/(\d+)/words", page)
    assert found
    plan_id = int(found.group(1))
    assert ta.post(f"{base}/{plan_id}/words", data={"aspirations": "I want to work in a garden centre",
                                                     "employment": "Two days a week at the garden centre"}
                   ).status_code == 302
    assert ta.post(f"{base}/{plan_id}/options", data={"kind": "internship", "title": "Supported internship",
                                                       "experience": str(entries.shared.id)}).status_code == 302
    assert ta.post(f"{base}/{plan_id}/steps", data={"who": "Priya", "what": "Ask about the open day",
                                                     "by_when": "2027-01-15"}).status_code == 302
    assert ta.get(base).status_code == 200  # the client checks the page itself
    for person in (world.parent, world.learner):
        reader = no_csrf.test_client()
        sign_in_as(reader, person)
        html = reader.get(base).get_data(as_text=True)
        assert "I want to work in a garden centre" in html and "Supported internship" in html
        assert "Ask about the open day" in html and "15 January 2027" in html
        assert 'id="save-words"' not in html  # reading only
    refused = ta.post(f"{base}/{plan_id}/options", data={"kind": "internship", "title": "x",
                                                          "experience": "999999"})
    assert refused.status_code == 400 and "own experiences" in refused.get_data(as_text=True)


def test_another_learners_plan_id_is_not_found(no_csrf: Flask, world: World) -> None:
    ta = no_csrf.test_client()
    sign_in_as(ta, world.ta)
    ta.post(f"/learners/{world.learner.id}/plan/years", data={"year_group": "9"})
    admin = no_csrf.test_client()
    sign_in_as(admin, world.admin)
    admin.post(f"/learners/{world.other_learner.id}/plan/years", data={"year_group": "9"})
    # plan 2 belongs to the other learner: reaching it through this learner's URL finds nothing
    response = ta.post(f"/learners/{world.learner.id}/plan/2/words", data={"aspirations": "x"})
    assert response.status_code == 404


def test_hostile_text_in_the_plan_is_shown_inert(no_csrf: Flask, world: World) -> None:
    hostile: dict[str, str] = json.loads((FIXTURES / "hostile_text.json").read_text(encoding="utf-8"))
    ta = no_csrf.test_client()
    sign_in_as(ta, world.ta)
    base = f"/learners/{world.learner.id}/plan"
    ta.post(f"{base}/years", data={"year_group": "9"})
    for text in hostile.values():
        too_long = len(text) > 120  # the longest hostile text passes every plan field's limit
        words = ta.post(f"{base}/1/words", data={"aspirations": text, "health": text})
        assert words.status_code == (400 if too_long else 302)
        steps = ta.post(f"{base}/1/steps", data={"who": text, "what": text})
        assert steps.status_code == (400 if too_long else 302)
        if too_long:  # refused with the limit named, never cut and kept
            assert "Please use 2000 letters or fewer." in words.get_data(as_text=True)
            assert "Please use 120 letters or fewer." in steps.get_data(as_text=True)
        html = ta.get(base).get_data(as_text=True)
        assert "<script>alert" not in html and "test-secret" not in html
