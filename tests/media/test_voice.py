"""Tests for portfolio.voice with real recordings, hostile files and audio made on the spot.

Outputs are opened again with PyAV and checked as audio (codec, container,
length), never compared by hash, because encoders may change between
FFmpeg builds.
"""

from __future__ import annotations

import io
import math
from array import array
from fractions import Fraction
from pathlib import Path

import av
import pytest

from portfolio.media.storage import LocalMediaStore
from portfolio.media.voice import StoredVoice, VoiceRefused, ingest_voice
from tests.media_fixtures import FIXTURES, fixture_bytes

RECORDINGS = ["voice_chrome.webm", "voice_safari.m4a"]
NOT_RECORDINGS = sorted(
    path.name for path in FIXTURES.iterdir() if path.is_file() and path.name not in RECORDINGS
)
NOT_PLAYABLE = "This is not a voice recording we can play. Please record again."


@pytest.fixture
def store(tmp_path: Path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")


def _stored_files(store: LocalMediaStore) -> list[Path]:
    if not store.root.exists():
        return []
    return sorted(path for path in store.root.rglob("*") if path.is_file())


def _tone(container: str, codec: str, seconds: float, rate: int = 48_000) -> bytes:
    """A quiet 220 Hz tone, recorded the way a browser would package it."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=container) as output:
        stream = output.add_stream(codec, rate=rate, layout="mono")
        sample_format = stream.codec_context.codec.audio_formats[0].name
        resampler = av.AudioResampler(
            format=sample_format, layout="mono", rate=rate, frame_size=960 if codec == "libopus" else 1024
        )
        total = int(seconds * rate)
        step = rate // 10
        for start in range(0, total, step):
            count = min(step, total - start)
            frame = av.AudioFrame(format="flt", layout="mono", samples=count)
            frame.planes[0].update(
                array("f", (0.3 * math.sin(2 * math.pi * 220 * (start + i) / rate) for i in range(count))).tobytes()
            )
            frame.sample_rate = rate
            frame.pts = start
            frame.time_base = Fraction(1, rate)
            for chunk in resampler.resample(frame):
                output.mux(stream.encode(chunk))
        for chunk in resampler.resample(None):
            output.mux(stream.encode(chunk))
        output.mux(stream.encode(None))
    return buffer.getvalue()


def _assert_aac_in_mp4(data: bytes, seconds: float) -> None:
    """Playable on iPad Safari and in Chromium: mono AAC-LC in an MP4 that decodes to ``seconds`` of audio."""
    assert data[4:8] == b"ftyp"
    with av.open(io.BytesIO(data)) as container:
        assert "mp4" in container.format.name
        assert len(container.streams.audio) == 1
        assert len(container.streams) == 1
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "aac"
        assert stream.codec_context.profile == "LC"
        assert stream.codec_context.layout.name == "mono"
        assert stream.codec_context.sample_rate in (44_100, 48_000)
        assert container.duration / 1_000_000 == pytest.approx(seconds, abs=0.1)
        decoded = sum(frame.samples for frame in container.decode(stream))
    assert decoded / stream.codec_context.sample_rate == pytest.approx(seconds, abs=0.1)
    # The index comes first, so playback can start before the whole file arrives.
    assert data.find(b"moov") < data.find(b"mdat")


def test_fixtures_are_all_there() -> None:
    assert {"voice_fake.webm", "not_an_image.jpg", "empty.jpg", "photo_upright.heic"} <= set(NOT_RECORDINGS)
    for name in RECORDINGS:
        assert (FIXTURES / name).is_file()


@pytest.mark.parametrize("name", RECORDINGS)
def test_real_recordings_become_aac_in_mp4(name: str, store: LocalMediaStore) -> None:
    stored = ingest_voice(fixture_bytes(name), store, "voice/4")

    assert isinstance(stored, StoredVoice)
    assert stored.content_type == "audio/mp4"
    assert stored.key.startswith("voice/4/") and stored.key.endswith(".m4a")
    assert stored.seconds == pytest.approx(2.0, abs=0.1)
    assert _stored_files(store) == [store.path(stored.key)]
    _assert_aac_in_mp4(store.read(stored.key), 2.0)


@pytest.mark.parametrize(
    ("container", "codec"),
    [
        ("mp4", "libopus"),  # Chromium's audio/mp4 is really Opus inside MP4
        ("webm", "libopus"),
        ("ogg", "libopus"),  # what Firefox records
        ("mp4", "aac"),
    ],
)
def test_other_browser_formats_are_accepted(container: str, codec: str, store: LocalMediaStore) -> None:
    stored = ingest_voice(_tone(container, codec, 1.5), store, "voice/4")

    assert stored.seconds == pytest.approx(1.5, abs=0.1)
    _assert_aac_in_mp4(store.read(stored.key), 1.5)


@pytest.mark.parametrize("name", NOT_RECORDINGS)
def test_every_other_fixture_is_refused(name: str, store: LocalMediaStore) -> None:
    with pytest.raises(VoiceRefused) as refused:
        ingest_voice(fixture_bytes(name), store, "voice/4")

    assert refused.value.message.strip()
    assert str(refused.value) == refused.value.message
    assert _stored_files(store) == []


def test_fake_webm_gets_the_not_playable_message(store: LocalMediaStore) -> None:
    with pytest.raises(VoiceRefused) as refused:
        ingest_voice(fixture_bytes("voice_fake.webm"), store, "voice/4")

    assert refused.value.message == NOT_PLAYABLE


def test_too_long_recording_is_refused(store: LocalMediaStore) -> None:
    three_seconds = _tone("webm", "libopus", 3.0)

    with pytest.raises(VoiceRefused) as refused:
        ingest_voice(three_seconds, store, "voice/4", max_seconds=1)

    assert refused.value.message == "This recording is too long. Please keep it under 1 second."
    assert _stored_files(store) == []
    assert ingest_voice(three_seconds, store, "voice/4", max_seconds=5).seconds == pytest.approx(3.0, abs=0.1)


def test_default_limit_is_said_in_everyday_words(store: LocalMediaStore) -> None:
    with pytest.raises(VoiceRefused) as refused:
        ingest_voice(fixture_bytes("voice_chrome.webm"), store, "voice/4", max_bytes=1000)

    assert refused.value.message == "This recording is too long. Please keep it under a minute."


def test_empty_upload_is_refused(store: LocalMediaStore) -> None:
    with pytest.raises(VoiceRefused) as refused:
        ingest_voice(b"", store, "voice/4")

    assert "empty" in refused.value.message


def test_recording_with_no_audio_frames_is_refused_as_empty(store: LocalMediaStore) -> None:
    """Stopped the moment it started: WebM headers and an audio track, but no sound in the first cluster."""
    recording = fixture_bytes("voice_chrome.webm")
    first_cluster = recording.find(b"\x1f\x43\xb6\x75")  # Matroska's Cluster element ID
    assert first_cluster > 0

    with pytest.raises(VoiceRefused) as refused:
        ingest_voice(recording[: first_cluster + 4], store, "voice/4")

    assert refused.value.message == "The recording is empty. Please record again."
    assert _stored_files(store) == []


def test_file_with_no_streams_is_refused(store: LocalMediaStore) -> None:
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as output:
        output.add_stream("aac", rate=48_000, layout="mono")
        output.start_encoding()

    with pytest.raises(VoiceRefused) as refused:
        ingest_voice(buffer.getvalue(), store, "voice/4")

    assert refused.value.message == NOT_PLAYABLE


def test_video_without_sound_is_refused(store: LocalMediaStore) -> None:
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="webm") as output:
        stream = output.add_stream("libvpx", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for index in range(5):
            frame = av.VideoFrame(64, 64, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes(plane.buffer_size))
            frame.pts = index
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))

    with pytest.raises(VoiceRefused) as refused:
        ingest_voice(buffer.getvalue(), store, "voice/4")

    assert refused.value.message == NOT_PLAYABLE


@pytest.mark.parametrize("name", RECORDINGS)
def test_damaged_recordings_never_raise_anything_else(name: str, store: LocalMediaStore) -> None:
    """Cut-off and corrupted uploads are either stored as playable audio or refused kindly."""
    original = fixture_bytes(name)
    damaged = [original[:cut] for cut in (8, 40, 200, len(original) // 3, len(original) // 2)]
    for position in (60, 300, len(original) // 4, len(original) // 2):
        corrupted = bytearray(original)
        corrupted[position : position + 64] = bytes(range(64))
        damaged.append(bytes(corrupted))

    for data in damaged:
        try:
            stored = ingest_voice(data, store, "voice/4")
        except VoiceRefused as refused:
            assert refused.message.strip()
        else:
            with av.open(io.BytesIO(store.read(stored.key))) as container:
                assert container.streams.audio[0].codec_context.name == "aac"
