"""Following a job from the response that started it to its finished page, as a person would."""
from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from portfolio.jobs import queue as job_queue


def job_url(started: Any) -> str:
    """The job page a "start this" POST sent the person to."""
    assert started.status_code == 303, started.get_data(as_text=True)[:300]
    location = started.headers["Location"]
    assert re.fullmatch(r"(http://localhost)?/jobs/\d+", location), location
    return location


def finished_page(app: Flask, client: FlaskClient, started: Any) -> Any:
    """The job's page once the in-process thread that runs it is done."""
    url = job_url(started)
    job_queue.wait_for_threads(app)
    page = client.get(url)
    assert page.status_code == 200
    return page


def download_from(client: FlaskClient, page: Any) -> Any:
    """Follow the finished page's download link."""
    link = re.search(r'href="(/jobs/\d+/download)"', page.get_data(as_text=True))
    assert link, "the finished page offers the download"
    return client.get(link.group(1))
