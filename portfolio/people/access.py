"""Access settings that follow a learner: text size, contrast, symbols or words, switch scanning and
hearing a choice before choosing it.

Staff set them on the learner's access page. The server renders them on every learner page (classes
and ``data-access`` on ``<html>``), so a page never shows the wrong styles first, and
``static/js/access.js`` keeps a copy on the tablet for pages that load before the server answers.
Text size, contrast and symbols are columns of ``users`` (they came first); the rest is one row of
``access_settings``, made the first time staff save.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.errors import KindError
from portfolio.models import AccessSetting, Role, ScanMode, SymbolMode, TextSize, User

# The speeds offered, in seconds per highlighted row or item. Slow first: most learners start slow.
SCAN_SECONDS: tuple[float, ...] = (5.0, 4.0, 3.0, 2.0, 1.5, 1.0)
DEFAULT_SCAN_SECONDS = 2.0
CHOOSE_ONE = "Choose one of the options shown for {what}."


@dataclass(frozen=True)
class AccessSettings:
    """Everything that changes how one learner's pages look and are reached."""

    text_size: str = TextSize.NORMAL.value
    high_contrast: bool = False
    symbol_mode: str = SymbolMode.SYMBOLS_AND_TEXT.value
    scan_mode: str = ScanMode.OFF.value
    scan_seconds: float = DEFAULT_SCAN_SECONDS
    scan_speaks: bool = True
    hear_first: bool = False

    def classes(self) -> list[str]:
        """Classes for ``<html>``; the same names access.js applies from the tablet's copy."""
        found = []
        if self.text_size != TextSize.NORMAL.value:
            found.append(f"text-{self.text_size}")
        if self.high_contrast:
            found.append("contrast-high")
        if self.symbol_mode == SymbolMode.TEXT_ONLY.value:
            found.append("symbols-off")
        elif self.symbol_mode == SymbolMode.SYMBOLS_ONLY.value:
            found.append("words-off")
        if self.scan_mode != ScanMode.OFF.value:
            found.append("scan-on")
        if self.hear_first:
            found.append("hear-first")
        return found

    def as_json(self) -> str:
        """The settings as compact JSON, for ``data-access`` and the ``X-Access-Settings`` header."""
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True)


def _from(learner: User, row: AccessSetting | None) -> AccessSettings:
    shown = AccessSettings(text_size=learner.text_size, high_contrast=bool(learner.high_contrast),
                           symbol_mode=learner.symbol_mode)
    if row is None:
        return shown
    return AccessSettings(text_size=shown.text_size, high_contrast=shown.high_contrast,
                          symbol_mode=shown.symbol_mode, scan_mode=row.scan_mode,
                          scan_seconds=float(row.scan_seconds), scan_speaks=bool(row.scan_speaks),
                          hear_first=bool(row.hear_first))


def _row(dbs: Session, learner: User) -> AccessSetting | None:
    return dbs.scalar(select(AccessSetting).where(AccessSetting.learner_id == learner.id))


def settings_for(dbs: Session, learner: User) -> AccessSettings:
    """The learner's settings; a learner staff never changed gets the defaults (everything off)."""
    return _from(learner, _row(dbs, learner))


def _choice(value: str, allowed: type[TextSize | SymbolMode | ScanMode], what: str) -> str:
    try:
        return allowed(value).value
    except ValueError as exc:
        raise KindError(CHOOSE_ONE.format(what=what)) from exc


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError as exc:
        raise KindError(CHOOSE_ONE.format(what="scan speed")) from exc
    if seconds not in SCAN_SECONDS:
        raise KindError(CHOOSE_ONE.format(what="scan speed"))
    return seconds


def save_settings(dbs: Session, learner: User, form: Mapping[str, str]) -> AccessSettings:
    """Staff save a learner's settings from the access page's fields (checkboxes send "on").

    Every value is checked before anything changes, so a refused form changes nothing. The caller
    commits; the learner's next page (or htmx answer) carries the new settings.
    """
    if learner.role_enum is not Role.LEARNER:
        raise KindError("Access settings are only for learners.")
    text_size = _choice(form.get("text_size", ""), TextSize, "text size")
    symbol_mode = _choice(form.get("symbol_mode", ""), SymbolMode, "symbols and words")
    scan_mode = _choice(form.get("scan_mode", ""), ScanMode, "switch scanning")
    seconds = _seconds(form.get("scan_seconds", str(DEFAULT_SCAN_SECONDS)))
    learner.text_size, learner.symbol_mode = text_size, symbol_mode
    learner.high_contrast = form.get("high_contrast") == "on"
    row = _row(dbs, learner)
    if row is None:
        row = AccessSetting(learner_id=learner.id, school_id=learner.school_id)
        dbs.add(row)
    row.scan_mode, row.scan_seconds = scan_mode, seconds
    row.scan_speaks = form.get("scan_speaks") == "on"
    row.hear_first = form.get("hear_first") == "on"
    dbs.flush()
    return _from(learner, row)
