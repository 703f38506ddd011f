"""The product's performance targets, each measured against a baseline in the same run.

Raw milliseconds depend on the machine and on whatever else it is doing, so every
figure here is set beside another measured at the same moment on the same machine:
Pillow alone for photo ingest, the ``espeak-ng`` command line for speech, a static
file of the same size for cached speech, a bare Flask app for start-up, a learner
with 10 entries for one with 2,000, and an empty signed-in answer for the learner
home under gunicorn. Measured and baseline actions are timed turn about (at least
15 times each), so a busy moment slows both alike, and medians keep one slow outlier
from deciding a row. The comparison, not the raw number, is what each target is
judged on. Two rows are counts rather than times: the bytes Chromium transfers for
the learner home's HTML, CSS and JavaScript, and the requests a return visit sends.

The portfolio page is also checked for a fixed number of SQL queries whatever
the number of entries, because a relationship that lazy-loads per card is the
usual way such a page becomes slow for the learners with the most work.

Run from the repository root: ``.venv/bin/python bench/run.py``. The exit status
is 1 when any target is missed, so ``make bench`` fails visibly.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from config import Config
from portfolio import (
    create_app,
    db,
    migrate,
)
from portfolio.experiences import service as experiences
from portfolio.media.photos import ingest_photo
from portfolio.media.storage import media_store
from portfolio.models import ExperienceKind, ExperienceStatus, Role, User
from portfolio.people import sessions as auth_session
from portfolio.speech import service as speech_service
from portfolio.speech.engine import SpeechService
from tests.factories import make_adult, make_experience, make_group, make_learner, make_school

FIXTURES = ROOT.parent / "shared" / "fixtures"
SMALL_PHOTO = FIXTURES / "photo_small.png"

#: Repeats per benchmark: at least 15 each for a stable median.
PHOTO_REPEATS = 15
SPEECH_REPEATS = 15
AUDIO_FETCH_REPEATS = 31
PAGE_REPEATS = 15

#: The issue's sizes for the portfolio page: a typical learner and the busiest one.
TYPICAL_ENTRIES = 10
BUSIEST_ENTRIES = 2000
#: Entries that get a real photo. Each needs its own ingest because media keys are
#: unique; twenty is enough to exercise the photo path on the page.
MAX_PHOTO_ENTRIES = 20

#: Targets from the issue.
PHOTO_RATIO_TARGET = 1.1
SPEECH_RATIO_TARGET = 2.0
AUDIO_FETCH_RATIO_TARGET = 1.5
PAGE_RATIO_TARGET = 1.5

_FIRST_DAY = date(2025, 1, 6)
_PLACEHOLDERS = re.compile(r"\(\?(?:, \?)*\)")


@dataclass(frozen=True)
class Row:
    """One line of the results table, already formatted, with its verdict."""

    label: str
    measured: str
    baseline: str
    comparison: str
    target: str
    verdict: str


def ratio_row(label: str, measured_s: float, baseline_s: float, limit: float) -> Row:
    """A row judged on measured/baseline, for targets stated as "at most N times"."""
    ratio = measured_s / baseline_s
    return Row(label, _ms(measured_s), _ms(baseline_s), f"{ratio:.2f}x", f"<= {limit:g}x",
               _verdict(ratio <= limit))


def skipped_row(label: str, reason: str) -> Row:
    """A row for a benchmark this machine cannot run, so the table says so instead of crashing."""
    return Row(label, "-", "-", "-", f"skipped: {reason}", "SKIP")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}" if seconds < 0.01 else f"{seconds * 1000:.1f}"


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def interleaved_medians(first: Callable[[int], object], second: Callable[[int], object],
                        repeats: int) -> tuple[float, float]:
    """Median seconds of two actions timed turn about, each given the repeat's index.

    The order swaps every repeat so that neither action always runs straight after
    the other (and inherits its warm caches or its leftover load). The index lets
    an action use fresh input per repeat, which "first synthesis" needs.
    """
    first_times: list[float] = []
    second_times: list[float] = []
    for index in range(repeats):
        pairs = ((first, first_times), (second, second_times))
        for action, times in pairs if index % 2 == 0 else reversed(pairs):
            start = time.perf_counter()
            action(index)
            times.append(time.perf_counter() - start)
    return statistics.median(first_times), statistics.median(second_times)


# ----------------------------------------------------------------- photo ingest

def photo_rows(repeats: int = PHOTO_REPEATS) -> list[Row]:
    """Photo ingest of the 12 MP fixture against Pillow's floor (measured in bench_photos)."""
    from bench import bench_photos

    return [ratio_row(label, measured, baseline, PHOTO_RATIO_TARGET)
            for label, measured, baseline in bench_photos.run(repeats)]


# --------------------------------------------------------------------- speech

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_VERBS = ("watered", "counted", "stacked", "cleaned", "sorted", "carried",
          "painted", "labelled", "checked", "moved", "priced", "swept")
_THINGS = ("plants", "boxes", "shelves", "pots", "trays", "seeds", "tools", "bags", "tables", "signs")


def caption(index: int) -> str:
    """The ``index``-th distinct ten-word caption, like one a learner would write.

    Distinct per repeat because the service caches by text: the same caption twice
    would time a cache hit, not a first synthesis.
    """
    verb = _VERBS[index % len(_VERBS)]
    thing = _THINGS[(index // len(_VERBS)) % len(_THINGS)]
    day = _DAYS[index % len(_DAYS)]
    return f"On {day} I {verb} the {thing} at the garden centre"


def _espeak_cli(text: str, wav: Path) -> None:
    subprocess.run(["espeak-ng", "-v", "en-gb", "-w", str(wav), text], check=True, capture_output=True)


def speech_rows(repeats: int = SPEECH_REPEATS) -> list[Row]:
    """First synthesis of a ten-word caption by the service against the espeak-ng command line.

    The service gets the app's configured rate because pyttsx3 shares one engine per
    process and it cannot change rate reliably afterwards; any other rate here would
    make the app's own service (used by the cached-audio benchmark) refuse to start.
    """
    label = "first synthesis, 10-word caption vs espeak-ng CLI"
    if shutil.which("espeak-ng") is None:
        return [skipped_row(label, "espeak-ng missing")]
    service = SpeechService(rate=Config.SPEECH_RATE)
    try:
        if not service.available:
            return [skipped_row(label, "speech engine unavailable")]
        with tempfile.TemporaryDirectory() as folder:
            cache = Path(folder) / "cache"
            cli_wav = Path(folder) / "cli.wav"
            # A real app warms up at start; `available` said the warm-up phrase, and
            # one throwaway caption each also loads the MP3 encoder and espeak's files.
            service.synthesise(caption(repeats), cache)
            _espeak_cli(caption(repeats + 1), cli_wav)
            texts = [caption(index) for index in range(repeats)]
            assert len(set(texts)) == repeats, "captions must differ per repeat"
            before = service.synth_count
            measured, baseline = interleaved_medians(
                lambda index: service.synthesise(texts[index], cache),
                lambda index: _espeak_cli(texts[index], cli_wav),
                repeats,
            )
            assert service.synth_count - before == repeats, "every timed synthesis must reach the engine"
    finally:
        service.shutdown()
    return [ratio_row(label, measured, baseline, SPEECH_RATIO_TARGET)]


# ----------------------------------------------------------------- app set-up

def make_app(folder: Path, *, speech: bool = False) -> Flask:
    """A migrated app in ``folder``, configured the way the test suite configures it."""
    app = create_app({
        "TESTING": True,
        "INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "bench-secret",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SPEECH_ENABLED": speech,
        "SPEECH_CACHE_DIR": str(folder / "speech"),
        "INTERFACE_AUDIO_DIR": str(folder / "audio"),
    })
    migrate.upgrade(app)
    return app


def add_learner(app: Flask, entries: int = 0, photos: int = 0) -> int:
    """Create a school with one learner owning ``entries`` entries; return the learner's id.

    Entries vary in status, kind, maker and day so the page renders every kind of
    card. The first ``photos`` entries each get their own ingested photo.
    """
    statuses = list(ExperienceStatus)
    kinds = list(ExperienceKind)
    with app.app_context():
        session = db.session()
        school = make_school(session)
        group = make_group(session, school)
        learner = make_learner(session, school, group)
        adult = make_adult(session, school, Role.STAFF, groups=[group])
        photo = SMALL_PHOTO.read_bytes() if photos else b""
        store = media_store()
        for index in range(entries):
            experience = make_experience(
                session, learner, adult if index % 3 == 0 else learner, statuses[index % len(statuses)],
                kinds[index % len(kinds)], place=f"Workplace {index % 17}",
                on=_FIRST_DAY + timedelta(days=index % 400),
            )
            if index < photos:
                experiences.add_photo(session, experience, ingest_photo(photo, store, f"photos/{school.id}"))
        session.commit()
        return learner.id


def signed_in_client(app: Flask, user_id: int) -> FlaskClient:
    """A test client whose session looks the way ``auth_session.sign_in`` leaves it."""
    with app.app_context():
        user = db.session().get(User, user_id)
        assert user is not None
        session_id = user.get_id()
        token = auth_session.start_sign_in(db.session(), user, "bench")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session[auth_session.SIGN_IN_KEY] = token
        session["_fresh"] = True
        session["last_seen"] = time.time()
    return client


def fetch(client: FlaskClient, path: str, mimetype: str) -> bytes:
    """GET ``path`` and read the whole body, failing loudly on anything but the expected answer.

    Timing a 503 or a login redirect would report a fast page that was never served.
    """
    response = client.get(path)
    try:
        body = response.get_data()
        if response.status_code != 200 or response.mimetype != mimetype:
            raise RuntimeError(f"GET {path} gave {response.status_code} {response.mimetype}: {body[:300]!r}")
        return body
    finally:
        response.close()


# ---------------------------------------------------------- cached audio fetch

def cached_audio_rows(repeats: int = AUDIO_FETCH_REPEATS) -> list[Row]:
    """A cached private caption through ``/speech/private/`` against a static file of the same size.

    Both go through the same app and test client, so the difference is what a read-aloud request
    costs on top of sending a file: the signed token, the sign-in check and the cache lookup.
    """
    label = "cached private speech GET vs static file of the same size"
    if shutil.which("espeak-ng") is None:
        return [skipped_row(label, "espeak-ng missing")]
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder), speech=True)
        engine: SpeechService | None = app.extensions.get("speech")
        try:
            if engine is None or not engine.available:
                return [skipped_row(label, "speech engine unavailable")]
            client = signed_in_client(app, add_learner(app))
            with app.test_request_context():
                url = speech_service.audio_url(caption(0), private=True)
            audio = fetch(client, url, "audio/mpeg")  # synthesises once; every later GET is a cache hit
            static_url = _same_size_static_file(app, Path(folder), audio)
            synthesised = engine.synth_count
            measured, baseline = interleaved_medians(
                lambda _index: fetch(client, url, "audio/mpeg"),
                lambda _index: fetch(client, static_url, "audio/mpeg"),
                repeats,
            )
            assert engine.synth_count == synthesised, "timed fetches must be served from the cache"
        finally:
            if engine is not None:
                engine.shutdown()
    return [ratio_row(f"{label} ({len(audio) / 1024:.1f} KiB)", measured, baseline, AUDIO_FETCH_RATIO_TARGET)]


def _same_size_static_file(app: Flask, folder: Path, body: bytes) -> str:
    """Serve ``folder/static`` as the app's static folder, holding one MP3 of ``body``'s size."""
    static = folder / "static"
    static.mkdir()
    (static / "same-size.mp3").write_bytes(body)
    app.static_folder = str(static)
    with app.test_request_context():
        from flask import url_for

        return url_for("static", filename="same-size.mp3")


# -------------------------------------------------------------- portfolio page

@contextmanager
def recorded_sql(app: Flask) -> Iterator[list[str]]:
    """Collect every SQL statement the app's engine sends while the block runs."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any,
               _executemany: bool) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def home_page_sql(app: Flask, client: FlaskClient) -> list[str]:
    """The statements one ``/me/`` request runs, after a first request has settled the session."""
    fetch(client, "/me/", "text/html")
    with recorded_sql(app) as statements:
        fetch(client, "/me/", "text/html")
    return list(statements)


@dataclass(frozen=True)
class QueryCounts:
    """SQL sent by ``/me/`` for a learner with few entries and one with many."""

    small_entries: int
    large_entries: int
    small_sql: list[str]
    large_sql: list[str]

    @property
    def equal(self) -> bool:
        """The rule: the number of queries must not depend on the number of entries."""
        return len(self.small_sql) == len(self.large_sql)

    def row(self) -> Row:
        """The table row; counts rather than milliseconds, with the same verdict columns."""
        label = f"SQL queries per /me/ ({self.large_entries} vs {self.small_entries} entries)"
        difference = len(self.large_sql) - len(self.small_sql)
        return Row(label, f"{len(self.large_sql)} q", f"{len(self.small_sql)} q", f"{difference:+d} q",
                   "equal", _verdict(self.equal))

    def extra_statements(self) -> list[tuple[str, int]]:
        """Statements the larger page sends more often than the smaller one, most repeated first.

        Placeholder lists are folded (``IN (?, ?, ?)`` becomes ``IN (?...)``) so that one
        batched load of many rows counts as the same statement as a batch of a few.
        """
        small = Counter(_shape(statement) for statement in self.small_sql)
        large = Counter(_shape(statement) for statement in self.large_sql)
        return [(statement, more) for statement, more in (large - small).most_common()]


def _shape(statement: str) -> str:
    """One-line form of a SQL statement with placeholder lists folded."""
    return _PLACEHOLDERS.sub("(?...)", " ".join(statement.split()))


def photos_for(entries: int) -> int:
    """How many of a learner's entries get a photo: half of a small portfolio, capped for a big one."""
    return min(MAX_PHOTO_ENTRIES, entries // 2)


def query_counts_in(app: Flask, small: int, large: int) -> tuple[QueryCounts, int, int]:
    """Count ``/me/`` queries for two new learners in ``app``; also return both learners' ids."""
    small_id = add_learner(app, small, photos_for(small))
    large_id = add_learner(app, large, photos_for(large))
    counts = QueryCounts(
        small, large,
        home_page_sql(app, signed_in_client(app, small_id)),
        home_page_sql(app, signed_in_client(app, large_id)),
    )
    return counts, small_id, large_id


def measure_query_counts(small: int, large: int) -> QueryCounts:
    """Stand-alone query-count check in a throwaway app (what the CI smoke test runs)."""
    with tempfile.TemporaryDirectory() as folder:
        counts, _small_id, _large_id = query_counts_in(make_app(Path(folder)), small, large)
    return counts


def portfolio_rows(repeats: int = PAGE_REPEATS) -> tuple[list[Row], QueryCounts]:
    """``/me/`` for the busiest learner against a typical one in the same app, plus the query-count rule.

    Both learners' pages are rendered in full as the learner sees them, so the ratio is what the
    extra entries cost the server, whatever the page does with them (all cards, or a page of them).
    """
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder))
        counts, small_id, large_id = query_counts_in(app, TYPICAL_ENTRIES, BUSIEST_ENTRIES)
        small_client = signed_in_client(app, small_id)
        large_client = signed_in_client(app, large_id)
        small_body = fetch(small_client, "/me/", "text/html")
        large_body = fetch(large_client, "/me/", "text/html")
        if b'class="experience-card' not in large_body:
            raise RuntimeError("/me/ for the busiest learner showed no entry cards")
        measured, baseline = interleaved_medians(
            lambda _index: fetch(large_client, "/me/", "text/html"),
            lambda _index: fetch(small_client, "/me/", "text/html"),
            repeats,
        )
    label = (f"GET /me/ server time, {BUSIEST_ENTRIES} entries ({len(large_body) // 1024} KiB) "
             f"vs {TYPICAL_ENTRIES} ({len(small_body) // 1024} KiB)")
    return [ratio_row(label, measured, baseline, PAGE_RATIO_TARGET), counts.row()], counts


# ------------------------------------------------------- cohort grid and report

def cohort_rows(repeats: int = PAGE_REPEATS) -> list[Row]:
    """The cohort grid and school summary for 300 learners against one SQL read (see bench_cohort)."""
    from bench import bench_cohort  # kept local, like the photo bench

    timed, counts = bench_cohort.run(repeats)
    return timed + counts


# ---------------------------------------------------------------------- report

# ------------------------------------------------------------------- symbols

SYMBOL_REPEATS = 9
# Searching every named drawing as well as the vocabulary may cost at most half as much again.
SYMBOL_SEARCH_RATIO_TARGET = 1.5


def symbol_rows(repeats: int = SYMBOL_REPEATS) -> list[Row]:
    from bench import bench_symbols

    label, measured, baseline = bench_symbols.run(repeats, interleaved_medians)
    return [ratio_row(label, measured, baseline, SYMBOL_SEARCH_RATIO_TARGET)]


def print_table(rows: list[Row]) -> None:
    """Print rows under a header, each column as wide as its widest cell."""
    header = Row("benchmark", "measured ms", "baseline ms", "vs baseline", "target", "result")
    table = [header, *rows]
    widths = [max(len(getattr(row, field)) for row in table) for field in Row.__dataclass_fields__]
    for position, row in enumerate(table):
        cells = [getattr(row, field) for field in Row.__dataclass_fields__]
        aligned = [cell.ljust(width) if column in (0, 4) else cell.rjust(width)
                   for column, (cell, width) in enumerate(zip(cells, widths))]
        print("  ".join(aligned).rstrip())
        if position == 0:
            print("  ".join("-" * width for width in widths))


def startup_rows() -> list[Row]:
    """``create_app()`` CPU against bare Flask, each in a fresh interpreter (see bench_startup)."""
    from bench import bench_startup

    return bench_startup.run()


def server_rows() -> list[Row]:
    """The learner home under gunicorn and in Chromium (see bench_server)."""
    from bench import bench_server

    return bench_server.run()


def main(selected: list[str] | None = None) -> int:
    """Run the benchmarks (all, or those named), print the table; 1 if any target is missed."""
    started = time.perf_counter()
    benches: dict[str, Callable[[], list[Row]]] = {
        "portfolio": lambda: _portfolio_with_detail(),
        "server": server_rows,
        "startup": startup_rows,
        "photos": photo_rows,
        "speech": speech_rows,
        "audio": cached_audio_rows,
        "cohort": cohort_rows,
        "symbols": symbol_rows,
    }
    unknown = set(selected or []) - benches.keys()
    if unknown:
        print(f"unknown benchmarks {sorted(unknown)}; choose from {sorted(benches)}")
        return 2
    rows: list[Row] = []
    for name, bench in benches.items():
        if not selected or name in selected:
            rows += bench()
    print()
    print_table(rows)
    print()
    for line in _notes:
        print(line)
    print(f"total time {time.perf_counter() - started:.1f} s")
    return 1 if any(row.verdict == "MISS" for row in rows) else 0


_notes: list[str] = []


def _portfolio_with_detail() -> list[Row]:
    """The portfolio rows, keeping the query detail to print under the table."""
    rows, counts = portfolio_rows()
    _notes.append(f"SQL queries per /me/ request: {counts.small_entries} entries -> {len(counts.small_sql)}, "
                  f"{counts.large_entries} entries -> {len(counts.large_sql)}")
    if not counts.equal:
        _notes.append(f"Statements the {counts.large_entries}-entry page sends more often (a lazy load per row):")
        _notes.extend(f"  +{more} x {statement}" for statement, more in counts.extra_statements())
    return rows


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
