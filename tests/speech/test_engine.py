"""Tests for portfolio.speech against the real pyttsx3 + espeak-ng engine.

No mocks: the point of these tests is to catch the engine's real quirks
(late file writes, a first long utterance going missing, thread-unsafety),
which a fake engine would hide. Audio differs slightly between runs, so
files are checked by structure, size and duration, never by hash.
"""

from __future__ import annotations

import hashlib
import logging
import pathlib
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import soundfile

from portfolio.speech.engine import MAX_TEXT_CHARS, SpeechService, SpeechUnavailable, normalise_text

TEN_WORDS = "Welcome to my portfolio, here is what I did today."
FORTY_WORDS = (
    "On Monday I started my work experience at the garden centre. I watered the plants "
    "and counted the seed packets. On Wednesday I learned to use the till with my job "
    "coach, and on Friday my manager said well done."
)
# pyttsx3 writes 16-bit mono PCM at 22.05 kHz; the MP3 must beat that size.
WAV_BYTES_PER_SECOND = 22050 * 2
WAV_HEADER_BYTES = 44


@pytest.fixture(scope="module")
def service() -> Iterator[SpeechService]:
    """One real service for the whole module, as the app would hold one.

    pyttsx3 shares a single engine per process, so one service is also the
    realistic configuration; shutdown proves the worker exits cleanly.
    """
    speech = SpeechService()
    speech.start()
    yield speech
    speech.shutdown()


def _looks_like_mp3(data: bytes) -> bool:
    """True for an ID3 tag or an MPEG audio frame sync (11 set bits)."""
    return data.startswith(b"ID3") or (len(data) >= 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def test_long_text_is_spoken_in_full(service: SpeechService, tmp_path: pathlib.Path) -> None:
    """A ~40-word text (well over 8 s of speech) must produce a complete file.

    Deliberately the first test to use the engine: in a fresh process the
    first long utterance is the one the engine used to lose, so this checks
    the warm-up and completion handling rather than a warmed-up engine.
    """
    assert len(FORTY_WORDS.split()) == 40
    path = service.synthesise(FORTY_WORDS, tmp_path)
    assert path.is_file()
    assert path.stat().st_size > 0
    duration = soundfile.info(str(path)).duration
    assert 8.0 < duration < 30.0


def test_service_is_available(service: SpeechService) -> None:
    """The engine is installed here and in CI, so speech must be offered."""
    assert service.available is True
    assert "en" in service.voice_id


def test_ten_word_phrase_makes_small_mp3(service: SpeechService, tmp_path: pathlib.Path) -> None:
    """Output is a real, compressed MP3 of plausible length, named by its key."""
    assert len(TEN_WORDS.split()) == 10
    path = service.synthesise(TEN_WORDS, tmp_path)

    assert path == tmp_path / f"{service.cache_key(TEN_WORDS)}.mp3"
    data = path.read_bytes()
    assert data, "MP3 file is empty"
    assert _looks_like_mp3(data), f"not an MP3 header: {data[:4]!r}"

    info = soundfile.info(str(path))
    assert info.format == "MP3"
    assert 1.0 <= info.duration <= 10.0
    wav_equivalent = WAV_HEADER_BYTES + info.duration * WAV_BYTES_PER_SECOND
    assert len(data) < wav_equivalent

    leftovers = [p.name for p in tmp_path.iterdir() if p.suffix != ".mp3"]
    assert leftovers == [], "temporary files were left in the target directory"


def test_second_request_is_served_from_cache(service: SpeechService, tmp_path: pathlib.Path) -> None:
    """Repeating a text returns the same file without running the engine again."""
    first = service.synthesise("Please read this to me again.", tmp_path)
    count_after_first = service.synth_count
    mtime_after_first = first.stat().st_mtime_ns

    second = service.synthesise("  Please read   this to me\nagain. ", tmp_path)

    assert second == first
    assert service.synth_count == count_after_first
    assert second.stat().st_mtime_ns == mtime_after_first


def test_cache_key_depends_on_words_not_spacing(service: SpeechService) -> None:
    """Different words get different keys; whitespace variants share one."""
    key = service.cache_key("Hello there")
    assert len(key) == 64 and int(key, 16) >= 0
    assert service.cache_key("Goodbye there") != key
    assert service.cache_key("  Hello \t\n there  ") == key
    expected = hashlib.sha256(f"{service.voice_hint}|{service.rate}|Hello there".encode()).hexdigest()
    assert key == expected


def test_normalise_text_collapses_and_caps() -> None:
    """Whitespace collapses, control characters go, and length is capped between words."""
    assert normalise_text("  a\n\n b\t c  ") == "a b c"
    assert normalise_text("bell\x07 here") == "bell here"
    capped = normalise_text("word " * 200)
    assert len(capped) <= MAX_TEXT_CHARS
    assert capped.endswith("word")
    assert normalise_text("x" * 600) == "x" * MAX_TEXT_CHARS


@pytest.mark.parametrize("text", ["", "   ", " \n\t \r\n "])
def test_empty_text_is_rejected_before_the_engine(
    service: SpeechService, tmp_path: pathlib.Path, text: str
) -> None:
    """Blank text raises and never reaches the engine (which would misbehave)."""
    count_before = service.synth_count
    with pytest.raises(SpeechUnavailable):
        service.synthesise(text, tmp_path)
    assert service.synth_count == count_before
    assert list(tmp_path.iterdir()) == []


def test_concurrent_requests_are_serialised(service: SpeechService, tmp_path: pathlib.Path) -> None:
    """Six request threads at once all get their own finished file."""
    texts = [f"This is message number {n} for the class." for n in ("one", "two", "three", "four", "five", "six")]
    count_before = service.synth_count
    barrier = threading.Barrier(len(texts))

    def request(text: str) -> pathlib.Path:
        barrier.wait()
        return service.synthesise(text, tmp_path / "audio")

    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        paths = list(pool.map(request, texts))

    assert len(set(paths)) == len(texts)
    for text, path in zip(texts, paths):
        assert path.name == f"{service.cache_key(text)}.mp3"
        assert path.is_file() and path.stat().st_size > 0
        assert 1.0 <= soundfile.info(str(path)).duration <= 10.0
    assert service.synth_count == count_before + len(texts)


def test_broken_engine_reports_unavailable(tmp_path: pathlib.Path, caplog: pytest.LogCaptureFixture) -> None:
    """An engine that cannot start is reported once and never crashes callers."""

    def broken_factory() -> object:
        raise RuntimeError("libespeak-ng.so.1: cannot open shared object file")

    caplog.set_level(logging.WARNING, logger="portfolio.speech.engine")
    broken = SpeechService(engine_factory=broken_factory)
    try:
        assert broken.available is False
        with pytest.raises(SpeechUnavailable):
            broken.synthesise("Hello", tmp_path)
        with pytest.raises(SpeechUnavailable):
            broken.synthesise("Hello again", tmp_path)
        assert broken.available is False
    finally:
        broken.shutdown()

    warnings = [r for r in caplog.records if r.name == "portfolio.speech.engine" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert message.startswith("Speech engine unavailable:")
    assert "libespeak-ng.so.1" in message
    assert "fall back to the browser's speech" in message
    assert list(tmp_path.iterdir()) == []


def test_the_engine_library_is_found_without_starting_it() -> None:
    """CI installs espeak-ng, so the start-up check must find it (a missing one is logged at start-up)."""
    from portfolio.speech import service as speech_service

    assert speech_service.engine_installed()
