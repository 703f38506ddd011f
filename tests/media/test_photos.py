"""Tests for portfolio.photos against the shared hostile and real test media.

Every file in the fixtures folder goes through ``ingest_photo``: the photos
must come out upright, small and free of metadata, and everything else must
be refused kindly with nothing left in the store. Stored files are checked
byte by byte, not trusted.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from portfolio.media.photos import DISPLAY_LONGEST_SIDE, THUMB_LONGEST_SIDE, PhotoRefused, StoredPhoto, ingest_photo
from portfolio.media.storage import LocalMediaStore
from tests.media_fixtures import FIXTURES, fixture_bytes

ROOT = Path(__file__).resolve().parents[2]
# Fixture names say what they are: every "photo_" file is a real photo.
ALL_FIXTURES = sorted(path.name for path in FIXTURES.iterdir() if path.is_file())
PHOTOS = [name for name in ALL_FIXTURES if name.startswith("photo_")]
NOT_PHOTOS = [name for name in ALL_FIXTURES if not name.startswith("photo_")]
BOMBS = ["bomb_10000x10000.png", "bomb_40000x40000.png"]
# JPEG markers: APP0 (JFIF) is harmless; APP1 would be EXIF or XMP, APP2 an
# ICC profile, COM a comment.
APP0, COM, SOS, EOI = 0xE0, 0xFE, 0xDA, 0xD9


@pytest.fixture
def store(tmp_path: Path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")


def _stored_files(store: LocalMediaStore) -> list[Path]:
    if not store.root.exists():
        return []
    return sorted(path for path in store.root.rglob("*") if path.is_file())


def _jpeg_segments(data: bytes) -> tuple[list[int], bytes]:
    """The markers before the image data, and the header bytes they span."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    markers: list[int] = []
    offset = 2
    while offset < len(data):
        assert data[offset] == 0xFF, f"bad JPEG segment at {offset}"
        marker = data[offset + 1]
        if marker == EOI:
            break
        markers.append(marker)
        if marker == SOS:
            break
        offset += 2 + int.from_bytes(data[offset + 2 : offset + 4], "big")
    return markers, data[:offset]


def _assert_clean_jpeg(data: bytes) -> Image.Image:
    """A baseline RGB JPEG that carries nothing but pixels."""
    markers, header = _jpeg_segments(data)
    metadata = [marker for marker in markers if 0xE1 <= marker <= 0xEF or marker == COM]
    assert metadata == [], f"metadata segments {[hex(m) for m in metadata]}"
    for needle in (b"Exif", b"GPS", b"ICC_PROFILE", b"http://ns.adobe.com", b"Apple", b"iPad"):
        assert needle not in header
    assert b"Exif\x00\x00" not in data
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    exif = image.getexif()
    assert len(exif) == 0
    assert len(exif.get_ifd(0x8825)) == 0  # the GPS block
    for key in ("exif", "icc_profile", "xmp", "comment"):
        assert key not in image.info
    image.load()
    return image


def _is_red(pixel: tuple[int, ...]) -> bool:
    return pixel[0] > 180 and pixel[1] < 80 and pixel[2] < 80


def _is_blue(pixel: tuple[int, ...]) -> bool:
    return pixel[2] > 180 and pixel[0] < 80 and pixel[1] < 80


def _is_white(pixel: tuple[int, ...]) -> bool:
    return all(channel >= 248 for channel in pixel[:3])


def _corners(image: Image.Image) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Pixels 5% in from the top-left and the bottom-right corners."""
    width, height = image.size
    return (
        image.getpixel((int(width * 0.05), int(height * 0.05))),
        image.getpixel((int(width * 0.95), int(height * 0.95))),
    )


def test_fixtures_are_all_there() -> None:
    """An empty or moved fixtures folder must fail loudly, not pass with no cases."""
    assert set(BOMBS) <= set(NOT_PHOTOS)
    assert {"photo_sideways_gps.jpg", "photo_upright.heic", "photo_small.png", "photo_transparent.webp"} <= set(PHOTOS)
    assert {"not_an_image.jpg", "truncated.jpg", "script.svg", "polyglot.gif", "empty.jpg"} <= set(NOT_PHOTOS)


@pytest.mark.parametrize("name", PHOTOS)
def test_every_photo_fixture_is_accepted_small_and_clean(name: str, store: LocalMediaStore) -> None:
    stored = ingest_photo(fixture_bytes(name), store, "photos/1")

    assert isinstance(stored, StoredPhoto)
    assert stored.content_type == "image/jpeg"
    assert stored.display_key.startswith("photos/1/") and stored.display_key.endswith(".jpg")
    assert stored.thumb_key.startswith("photos/1/") and stored.thumb_key != stored.display_key
    assert _stored_files(store) == sorted([store.path(stored.display_key), store.path(stored.thumb_key)])

    display = _assert_clean_jpeg(store.read(stored.display_key))
    thumb = _assert_clean_jpeg(store.read(stored.thumb_key))
    assert display.size == (stored.width, stored.height)
    assert thumb.size == (stored.thumb_width, stored.thumb_height)
    assert max(display.size) <= DISPLAY_LONGEST_SIDE
    assert max(thumb.size) <= THUMB_LONGEST_SIDE
    # The thumbnail keeps the display's shape to within rounding.
    assert abs(thumb.width / thumb.height - display.width / display.height) < 0.01


@pytest.mark.parametrize("name", NOT_PHOTOS)
def test_everything_else_is_refused_and_nothing_is_stored(name: str, store: LocalMediaStore) -> None:
    with pytest.raises(PhotoRefused) as refused:
        ingest_photo(fixture_bytes(name), store, "photos/1")

    assert refused.value.message.strip()
    assert str(refused.value) == refused.value.message
    assert _stored_files(store) == []


def test_sideways_gps_photo_is_stored_upright_without_exif(store: LocalMediaStore) -> None:
    stored = ingest_photo(fixture_bytes("photo_sideways_gps.jpg"), store, "photos/1")

    # Shown upright the original is 3024 wide and 4032 tall.
    assert (stored.width, stored.height) == (1200, 1600)
    assert stored.width * 4032 == stored.height * 3024
    assert (stored.thumb_width, stored.thumb_height) == (360, 480)
    for key in (stored.display_key, stored.thumb_key):
        image = _assert_clean_jpeg(store.read(key))
        top_left, bottom_right = _corners(image)
        assert _is_red(top_left), top_left
        assert _is_blue(bottom_right), bottom_right


def test_heic_is_accepted_and_upright(store: LocalMediaStore) -> None:
    stored = ingest_photo(fixture_bytes("photo_upright.heic"), store, "photos/1")

    assert (stored.width, stored.height) == (1200, 1600)
    image = _assert_clean_jpeg(store.read(stored.display_key))
    top_left, bottom_right = _corners(image)
    assert _is_red(top_left), top_left
    assert _is_blue(bottom_right), bottom_right


def test_small_photo_is_not_enlarged(store: LocalMediaStore) -> None:
    stored = ingest_photo(fixture_bytes("photo_small.png"), store, "photos/1")

    assert (stored.width, stored.height) == (800, 600)
    assert (stored.thumb_width, stored.thumb_height) == (480, 360)


def test_transparent_webp_fixture_becomes_opaque_rgb(store: LocalMediaStore) -> None:
    stored = ingest_photo(fixture_bytes("photo_transparent.webp"), store, "photos/1")

    image = _assert_clean_jpeg(store.read(stored.display_key))
    assert image.mode == "RGB"
    assert (stored.width, stored.height) == (640, 480)


def _half_transparent(mode: str) -> Image.Image:
    """Left half opaque red, right half fully transparent, in the given mode."""
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    image.paste((220, 20, 20, 255), (0, 0, 200, 300))
    if mode == "LA":
        return image.convert("LA")
    if mode == "P":
        return image.convert("P", palette=Image.Palette.ADAPTIVE, colors=8)
    return image


@pytest.mark.parametrize(
    ("image_format", "mode"),
    [("WEBP", "RGBA"), ("PNG", "RGBA"), ("PNG", "LA"), ("PNG", "P")],
)
def test_transparency_is_flattened_onto_white(image_format: str, mode: str, store: LocalMediaStore) -> None:
    source = _half_transparent(mode)
    if mode == "P":
        # Make whichever palette entry the transparent half uses transparent.
        source.info["transparency"] = source.getpixel((350, 150))
    buffer = io.BytesIO()
    source.save(buffer, image_format, **({"lossless": True} if image_format == "WEBP" else {}))
    reopened = Image.open(io.BytesIO(buffer.getvalue()))
    assert reopened.has_transparency_data

    stored = ingest_photo(buffer.getvalue(), store, "photos/1")

    image = _assert_clean_jpeg(store.read(stored.display_key))
    assert _is_white(image.getpixel((350, 150))), image.getpixel((350, 150))
    left = image.getpixel((50, 150))
    if mode == "LA":
        assert left[0] == pytest.approx(left[1], abs=4) and left[0] < 200  # grey, not white
    else:
        assert _is_red(left), left


def test_metadata_and_comments_in_a_jpeg_are_never_carried_over(store: LocalMediaStore) -> None:
    source = Image.new("RGB", (2000, 1500), (220, 20, 20))
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPad (9th generation)"
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)})
    buffer = io.BytesIO()
    source.save(
        buffer,
        "JPEG",
        exif=exif.tobytes(),
        comment=b"<script>alert(1)</script>",
        icc_profile=b"not really an ICC profile",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">http://ns.adobe.com/xap/1.0/</x:xmpmeta>',
    )
    assert Image.open(io.BytesIO(buffer.getvalue())).info.get("comment")

    stored = ingest_photo(buffer.getvalue(), store, "photos/1")

    for key in (stored.display_key, stored.thumb_key):
        data = store.read(key)
        _assert_clean_jpeg(data)
        assert b"<script>" not in data


def test_jpeg_with_multi_picture_data_is_accepted(store: LocalMediaStore) -> None:
    """iPhone JPEGs with a depth or gain map open as "MPO" in Pillow; they are still photos."""
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1800), (20, 20, 220)).save(
        buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (600, 450))]
    )
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"

    stored = ingest_photo(buffer.getvalue(), store, "photos/1")

    assert (stored.width, stored.height) == (1600, 1200)
    assert _is_blue(_assert_clean_jpeg(store.read(stored.display_key)).getpixel((800, 600)))


def test_sixteen_bit_greyscale_png_keeps_its_greys(store: LocalMediaStore) -> None:
    buffer = io.BytesIO()
    Image.new("I;16", (300, 200), 32768).save(buffer, "PNG")

    stored = ingest_photo(buffer.getvalue(), store, "photos/1")

    red, green, blue = _assert_clean_jpeg(store.read(stored.display_key)).getpixel((150, 100))
    assert 120 <= red <= 136 and red == green == blue


@pytest.mark.parametrize("name", BOMBS)
def test_bombs_are_refused_quickly(name: str, store: LocalMediaStore) -> None:
    data = fixture_bytes(name)
    start = time.perf_counter()
    with pytest.raises(PhotoRefused) as refused:
        ingest_photo(data, store, "photos/1")
    elapsed = time.perf_counter() - start

    assert refused.value.message == "This photo is too big. Try a smaller one."
    assert elapsed < 1.5
    assert _stored_files(store) == []


def test_bombs_are_refused_without_using_much_memory(tmp_path: Path) -> None:
    """Peak memory is per process, so the bombs are tried in a fresh one."""
    script = f"""
import json, resource, sys
sys.path.insert(0, {str(ROOT)!r})
from portfolio.media.photos import PhotoRefused, ingest_photo, _register_heif
from portfolio.media.storage import LocalMediaStore
from tests.media_fixtures import fixture_bytes
_register_heif()
store = LocalMediaStore({str(tmp_path / "media")!r})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for name in {BOMBS!r}:
    try:
        ingest_photo(fixture_bytes(name), store, "photos/1")
    except PhotoRefused:
        pass
    else:
        sys.exit(name + " was accepted")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"grew_kib": after - before}}))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)

    grew_kib = json.loads(result.stdout.strip().splitlines()[-1])["grew_kib"]
    # Decoding even the smaller bomb would take about 100 MB.
    assert grew_kib < 32 * 1024


def test_truncated_photo_gets_the_upload_message(store: LocalMediaStore) -> None:
    with pytest.raises(PhotoRefused) as refused:
        ingest_photo(fixture_bytes("truncated.jpg"), store, "photos/1")

    assert refused.value.message == "This photo did not finish uploading. Please try again."


def test_empty_and_oversized_uploads_are_refused_before_decoding(store: LocalMediaStore) -> None:
    with pytest.raises(PhotoRefused, match="empty"):
        ingest_photo(b"", store, "photos/1")
    with pytest.raises(PhotoRefused, match="too big"):
        ingest_photo(fixture_bytes("photo_sideways_gps.jpg"), store, "photos/1", max_bytes=1000)
    assert _stored_files(store) == []


def test_same_bytes_twice_give_the_same_hash(store: LocalMediaStore) -> None:
    data = fixture_bytes("photo_small.png")

    first = ingest_photo(data, store, "photos/1")
    second = ingest_photo(data, store, "photos/1")

    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()
    assert first.display_key != second.display_key
    other = ingest_photo(fixture_bytes("photo_transparent.webp"), store, "photos/1")
    assert other.sha256 != first.sha256


class _SecondSaveFails(LocalMediaStore):
    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.saves = 0

    def save(self, key: str, data: bytes) -> None:
        self.saves += 1
        if self.saves == 2:
            raise OSError(28, "No space left on device")
        super().save(key, data)


def test_failed_thumbnail_write_removes_the_display_copy(tmp_path: Path) -> None:
    store = _SecondSaveFails(tmp_path / "media")

    with pytest.raises(OSError):
        ingest_photo(fixture_bytes("photo_small.png"), store, "photos/1")

    assert store.saves == 2
    assert _stored_files(store) == []


def test_damaged_exif_keeps_the_photo(store: LocalMediaStore) -> None:
    """A broken EXIF block makes Pillow raise while reading orientation; the pixels are still a photo."""
    data = fixture_bytes("photo_sideways_gps.jpg")
    tiff_header = data.index(b"Exif\x00\x00MM\x00\x2a") + 6
    damaged = data[: tiff_header + 2] + b"\x00\xc2" + data[tiff_header + 4 :]

    stored = ingest_photo(damaged, store, "photos/1")

    _assert_clean_jpeg(store.read(stored.display_key))
    assert max(stored.width, stored.height) == DISPLAY_LONGEST_SIDE


@pytest.mark.parametrize("name", PHOTOS)
def test_damaged_photos_are_stored_clean_or_refused(name: str, store: LocalMediaStore) -> None:
    """Cut-off and corrupted uploads never raise anything but PhotoRefused."""
    original = fixture_bytes(name)
    damaged = [original[: len(original) // 3], original[: 2 * len(original) // 3]]
    for position in (20, 100, 400, 1500):
        if position < len(original):
            corrupted = bytearray(original)
            corrupted[position : position + 32] = bytes(range(200, 232))
            damaged.append(bytes(corrupted))

    for data in damaged:
        try:
            stored = ingest_photo(data, store, "photos/1")
        except PhotoRefused as refused:
            assert refused.message.strip()
        else:
            _assert_clean_jpeg(store.read(stored.display_key))
            _assert_clean_jpeg(store.read(stored.thumb_key))
