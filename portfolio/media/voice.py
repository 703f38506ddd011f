"""Turning a learner's voice recording into one file every school device can play.

Browsers record in different formats: Chrome makes WebM/Opus, Chromium can
also make MP4 with Opus inside, Firefox makes Ogg/Opus, and Safari on iPad
makes MP4/AAC. iPad Safari cannot be relied on to play Opus, so every
recording is decoded and re-encoded as mono AAC in MP4 (``.m4a``), which
Safari and Chromium both play. Decoding everything also proves the upload
really is audio, and measures its length from the audio itself, since
MediaRecorder's WebM files usually carry no duration.

Only the container formats browsers record in are opened, named explicitly
so FFmpeg never guesses a format (playlists and concat lists among them)
from the uploaded bytes.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # PyAV loads FFmpeg's libraries: imported where a recording is handled, not at every start-up.
    from av.audio.frame import AudioFrame
    from av.audio.stream import AudioStream
    from av.container import OutputContainer

from portfolio.errors import KindError
from portfolio.media.storage import MediaStore, new_key

__all__ = ["StoredVoice", "VoiceRefused", "ingest_voice"]

logger = logging.getLogger(__name__)

CONTENT_TYPE = "audio/mp4"
#: Plenty for one speaking voice in AAC-LC; a minute is under half a megabyte.
BIT_RATE = 64_000
#: Kept as recorded when it is one of these, to avoid a needless resample.
_NATIVE_RATES = (48_000, 44_100)
_DEFAULT_RATE = 48_000
#: The native AAC encoder takes exactly this many samples per frame.
_AAC_FRAME_SAMPLES = 1024
#: Codecs MediaRecorder produces in some browser; anything else is refused
#: before it reaches a decoder.
_ACCEPTED_CODECS = frozenset({"opus", "aac", "vorbis", "mp3", "flac", "pcm_f32le", "pcm_s16le"})

NOT_PLAYABLE = "This is not a voice recording we can play. Please record again."
EMPTY = "The recording is empty. Please record again."


class VoiceRefused(KindError):
    """An upload that cannot become a voice recording; ``message`` is safe to show to the learner."""


@dataclass(frozen=True)
class StoredVoice:
    """What was stored; ``seconds`` lets a page show the length before anything loads."""

    key: str
    content_type: str
    seconds: float


def _too_long_message(max_seconds: float) -> str:
    """Say the limit in everyday words, because "60 seconds" is harder to picture than "a minute"."""
    if max_seconds == 60:
        limit = "a minute"
    elif max_seconds > 60 and max_seconds % 60 == 0:
        limit = f"{int(max_seconds // 60)} minutes"
    elif max_seconds == 1:
        limit = "1 second"
    else:
        limit = f"{max_seconds:g} seconds"
    return f"This recording is too long. Please keep it under {limit}."


_quietened = False
_quiet_lock = threading.Lock()


def _quieten_ffmpeg() -> None:
    """Keep FFmpeg's chatter about broken uploads out of the server log.

    PyAV starts with FFmpeg's log switched off, and that is left alone; a
    level raised elsewhere for debugging is brought back to errors only.
    """
    global _quietened
    if _quietened:
        return
    import av

    with _quiet_lock:
        level = av.logging.get_level()
        if level is not None and level > av.logging.ERROR:
            av.logging.set_level(av.logging.ERROR)
        _quietened = True


def _demuxer_for(data: bytes) -> str | None:
    """The FFmpeg demuxer for a recording's container, judged from its first bytes."""
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"  # WebM is a kind of Matroska
    if data[4:8] == b"ftyp":
        return "mov"  # covers MP4 and M4A
    if data.startswith(b"OggS"):
        return "ogg"
    return None


class _AacWriter:
    """Mono AAC in MP4; the file is only created when the first sound arrives."""

    def __init__(self, target: str, rate: int) -> None:
        self._target = target
        self._rate = rate
        self._time_base = Fraction(1, rate)
        import av

        self._resampler = av.AudioResampler(
            format="fltp", layout="mono", rate=rate, frame_size=_AAC_FRAME_SAMPLES
        )
        self._output: OutputContainer | None = None
        self._stream: AudioStream | None = None
        self._written = 0

    def _open(self) -> tuple[OutputContainer, AudioStream]:
        if self._output is None or self._stream is None:
            import av

            # faststart puts the index before the audio, so Safari can start
            # playing without first fetching the end of the file.
            self._output = av.open(self._target, mode="w", format="mp4", options={"movflags": "+faststart"})
            self._stream = self._output.add_stream("aac", rate=self._rate, layout="mono")
            self._stream.bit_rate = BIT_RATE
        return self._output, self._stream

    def write(self, frame: AudioFrame | None) -> None:
        """Resample and encode ``frame``; None flushes what the resampler still holds."""
        output, stream = self._open()
        for chunk in self._resampler.resample(frame):
            # Timestamps are rebuilt from sample counts: WebM's are in
            # milliseconds and would otherwise be read as samples.
            chunk.pts = self._written
            chunk.time_base = self._time_base
            self._written += chunk.samples
            output.mux(stream.encode(chunk))

    def finish(self) -> None:
        """Flush the encoder and write the MP4 index."""
        self.write(None)
        output, stream = self._open()
        output.mux(stream.encode(None))
        output.close()
        self._output = None

    def abandon(self) -> None:
        """Close after a failure; the file is thrown away with its folder, so errors here do not matter."""
        if self._output is not None:
            with contextlib.suppress(Exception):
                self._output.close()
            self._output = None


def _transcode(data: bytes, demuxer: str, target: str, max_seconds: float, too_long: str) -> float:
    """Decode ``data`` and write it to ``target`` as AAC in MP4; returns the decoded seconds."""
    import av

    with av.open(io.BytesIO(data), mode="r", format=demuxer) as source:
        if not source.streams.audio:
            raise VoiceRefused(NOT_PLAYABLE)
        stream = source.streams.audio[0]
        if stream.codec_context.name not in _ACCEPTED_CODECS:
            raise VoiceRefused(NOT_PLAYABLE)
        in_rate = stream.codec_context.sample_rate
        writer = _AacWriter(target, in_rate if in_rate in _NATIVE_RATES else _DEFAULT_RATE)
        seconds = 0.0
        try:
            for frame in source.decode(stream):
                if not frame.samples:
                    continue
                if not frame.sample_rate:
                    raise VoiceRefused(NOT_PLAYABLE)
                seconds += frame.samples / frame.sample_rate
                # Stopping at the limit, rather than after decoding it all,
                # keeps a long upload cheap to refuse.
                if seconds > max_seconds:
                    raise VoiceRefused(too_long)
                writer.write(frame)
            if seconds == 0:
                raise VoiceRefused(EMPTY)
            writer.finish()
        finally:
            writer.abandon()
    return seconds


def ingest_voice(
    data: bytes,
    store: MediaStore,
    folder: str,
    *,
    max_seconds: float = 60,
    max_bytes: int = 5 * 1024 * 1024,
) -> StoredVoice:
    """Check a recording, convert it to AAC in MP4 and store it under ``folder``.

    Raises ``VoiceRefused`` for anything that is not a playable recording of
    a sensible length; nothing is stored in that case. Errors from the store
    itself are not the learner's fault and are raised unchanged.
    """
    if not data:
        raise VoiceRefused(EMPTY)
    too_long = _too_long_message(max_seconds)
    if len(data) > max_bytes:
        raise VoiceRefused(too_long)
    demuxer = _demuxer_for(data)
    if demuxer is None:
        raise VoiceRefused(NOT_PLAYABLE)
    _quieten_ffmpeg()

    # The MP4 muxer can only move its index to the front of a real file, so
    # the output goes through a private temporary folder.
    with tempfile.TemporaryDirectory(prefix="voice-") as folder_path:
        target = os.path.join(folder_path, "voice.m4a")
        try:
            seconds = _transcode(data, demuxer, target, max_seconds, too_long)
        except VoiceRefused:
            raise
        except Exception as exc:
            # FFmpeg and PyAV raise many exception types for damaged or odd
            # files; to the learner they all mean "record again".
            logger.info("Voice upload refused: %s", exc)
            raise VoiceRefused(NOT_PLAYABLE) from exc
        with open(target, "rb") as handle:
            encoded = handle.read()

    key = new_key(folder, "m4a")
    store.save(key, encoded)
    return StoredVoice(key=key, content_type=CONTENT_TYPE, seconds=round(seconds, 3))
