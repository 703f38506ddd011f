"""What a paged list's route answers when its "show more" link cannot be followed.

Kept apart from ``paging`` so that the services, which use ``paging``, never reach Flask.
"""
from __future__ import annotations

from flask import render_template

from portfolio.errors import KindError


def list_refused(problem: KindError) -> tuple[str, int]:
    """A kind 400 page naming the problem, with a way back to the start: never a 500."""
    return render_template("errors/error.html", title="This list has changed", symbol_name="portfolio",
                           message=problem.message, status=400), 400
