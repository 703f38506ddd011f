"""Cleaning what people type, and refusing what is too long instead of cutting it.

Every form's text goes through ``clean_line`` (one line: a name, a title, a place) or
``clean_text`` (several lines: notes, comments). Both strip characters that would only confuse
the read-aloud and the layout (NUL and the other control characters). Text over the field's
limit is refused with a message that names the limit: cutting it would lose the end of what a
learner or a parent wrote without telling them. The forms carry the same ``maxlength``, so in a
browser this message is only met by pasted or scripted text.

``fit_line`` is for text the app builds itself (a default title made from an employer's name),
where shortening is the right answer and there is no one to tell.
"""
from __future__ import annotations

import re

from portfolio.errors import KindError

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_CONTROL_BUT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def too_long_message(limit: int, what: str = "") -> str:
    """'That is too long. Please use 200 letters or fewer.', or 'The title is too long...'."""
    subject = f"{what[:1].upper()}{what[1:]}" if what else "That"
    return f"{subject} is too long. Please use {limit} letters or fewer."


def without_controls(text: str | None, *, keep_line_breaks: bool = False) -> str:
    """Typed text with NUL and the other control characters made spaces, whatever its length.
    For forms kept as typed (to be shown again with a message); check the length before saving."""
    if keep_line_breaks:
        return _CONTROL_BUT_LINE_BREAKS.sub(" ", (text or "").replace("\r\n", "\n")).strip()
    return _CONTROL.sub(" ", text or "").strip()


def check_length(text: str, limit: int, *, what: str = "", refuse: type[KindError] = KindError) -> str:
    """``text`` itself, or ``refuse`` with a message naming the limit when it is longer."""
    if len(text) > limit:
        raise refuse(too_long_message(limit, what))
    return text


def clean_line(text: str | None, limit: int, *, what: str = "", refuse: type[KindError] = KindError) -> str:
    """One line of typed text, control characters and line breaks turned into spaces.

    Raises ``refuse`` (the caller's own KindError, so its route shows it by the form) when the
    cleaned text is longer than ``limit``; ``what`` names the field in that message.
    """
    return check_length(without_controls(text), limit, what=what, refuse=refuse)


def clean_text(text: str | None, limit: int, *, what: str = "", refuse: type[KindError] = KindError) -> str:
    """Several lines of typed text: line breaks kept (as ``\\n``), other control characters made spaces."""
    return check_length(without_controls(text, keep_line_breaks=True), limit, what=what, refuse=refuse)


def fit_line(text: str | None, limit: int) -> str:
    """Text the app made itself, shortened to fit its column. Never for what someone typed."""
    return _CONTROL.sub(" ", text or "").strip()[:limit].strip()
