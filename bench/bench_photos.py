"""How close photo ingest comes to the least work Pillow can do for the same job.

The baseline ("Pillow's floor") is the same picture work done the plainest way
Pillow allows: open the 12 MP test photo, decode it scaled down with ``draft``,
resize it to 1600 px, turn it upright (``exif_transpose``), encode that JPEG,
then resize to a 480 px thumbnail and encode that, all in memory. Ingest does
that plus what the app needs on top: checks, metadata stripping, hashing and two
atomic writes to disk. Both are measured in the same run so that a slow or busy
machine affects them alike; the ratio is the figure to watch (the goal is at
most 1.1).

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

from PIL import Image, ImageOps

from portfolio.media.photos import DISPLAY_LONGEST_SIDE, JPEG_QUALITY, THUMB_LONGEST_SIDE, ingest_photo
from portfolio.media.storage import LocalMediaStore

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


def _scaled(size: tuple[int, int], longest: int) -> tuple[int, int]:
    width, height = size
    scale = longest / max(width, height)
    return (round(width * scale), round(height * scale)) if scale < 1 else size


def _encoded(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def _pillow_floor(data: bytes) -> tuple[bytes, bytes]:
    """The minimum: open, draft decode, resize to 1600 px, upright, encode; a 480 px thumbnail, encode."""
    image = Image.open(io.BytesIO(data))
    size = _scaled(image.size, DISPLAY_LONGEST_SIDE)
    image.draft("RGB", size)
    image = ImageOps.exif_transpose(image.resize(size))
    thumb = image.resize(_scaled(image.size, THUMB_LONGEST_SIDE), reducing_gap=1.5)
    return _encoded(image), _encoded(thumb)


def run(repeats: int = 15) -> list[tuple[str, float, float]]:
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
