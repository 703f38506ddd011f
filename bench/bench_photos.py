"""How close photo ingest comes to the least work Pillow can do for the same job.

The baseline ("Pillow's floor") opens the 12 MP test photo, decodes it scaled
down with ``draft``, resizes it once to 1600 px and encodes one JPEG into
memory. Ingest does that plus what the app needs on top: checks, rotation,
a thumbnail, hashing and two atomic writes to disk. Both are measured in the
same run so that a slow or busy machine affects them alike; the ratio is the
figure to watch (the goal is at most 1.5).

Run from the repository root: ``.venv/bin/python bench/bench_photos.py``.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from portfolio.media.photos import DISPLAY_LONGEST_SIDE, JPEG_QUALITY, ingest_photo  # noqa: E402
from portfolio.media.storage import LocalMediaStore  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures"
PHOTO = "photo_sideways_gps.jpg"


def _interleaved_medians(
    first: Callable[[], object], second: Callable[[], object], repeats: int
) -> tuple[float, float]:
    """Median seconds of each action, timed turn about so machine load hits both alike."""
    first()
    second()
    first_times: list[float] = []
    second_times: list[float] = []
    for _ in range(repeats):
        for action, times in ((first, first_times), (second, second_times)):
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
    return statistics.median(first_times), statistics.median(second_times)


def _pillow_floor(data: bytes) -> bytes:
    """The minimum: open, draft decode, one resize to 1600 px, one JPEG encode."""
    image = Image.open(io.BytesIO(data))
    width, height = image.size
    scale = DISPLAY_LONGEST_SIDE / max(width, height)
    size = (round(width * scale), round(height * scale))
    image.draft("RGB", size)
    image = image.resize(size)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def run(repeats: int = 7) -> list[tuple[str, float, float]]:
    """Rows of (label, ingest median seconds, floor median seconds)."""
    data = (FIXTURES / PHOTO).read_bytes()
    with tempfile.TemporaryDirectory() as folder:
        store = LocalMediaStore(folder)
        ingest, floor = _interleaved_medians(
            lambda: ingest_photo(data, store, "photos/bench"),
            lambda: _pillow_floor(data),
            repeats,
        )
    return [(f"ingest_photo({PHOTO})", ingest, floor)]


if __name__ == "__main__":
    for label, measured, baseline in run():
        print(
            f"{label}: {measured * 1000:.1f} ms; Pillow floor {baseline * 1000:.1f} ms; "
            f"ratio {measured / baseline:.2f}x"
        )
