"""Server-side text-to-speech for the read-aloud buttons.

Why this exists: the browser's own ``speechSynthesis`` is patchy on the
devices young people actually use (voices missing, iPad Safari needing a
user gesture per utterance), so pages can ask the server for an MP3 of any
text instead. MP3 rather than WAV because iPad Safari plays it everywhere and
it is roughly eight times smaller on school Wi-Fi.

The engine is pyttsx3 driving espeak-ng. Its behaviour shapes this module:

* ``pyttsx3.init()`` hands out one engine per process and that engine is not
  thread-safe, so exactly one worker thread talks to it and Flask request
  threads only exchange jobs and ``Future`` objects with that thread.
* ``runAndWait()`` returns as soon as espeak has *accepted* the text; the WAV
  is written later on espeak's own thread. Completion is therefore taken from
  the engine's ``finished-utterance`` notification, never from
  ``runAndWait()`` returning.
* Changing voice or rate after the first utterance is applied unreliably by
  espeak's asynchronous queue (measured: between a quarter and a half of the
  following utterances came out at a previous rate). Voice and rate are therefore applied exactly once,
  together with a short warm-up phrase, and never changed afterwards.
* ``runAndWait()`` with nothing queued can hang the next ``runAndWait()``, so
  every ``runAndWait()`` has a ``save_to_file`` queued before it.

If anything needed for speech is missing, the service reports itself
unavailable and the pages fall back to the browser's speech. The app must
never crash because of speech.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pathlib
import queue
import sys
import tempfile
import threading
import time
import unicodedata
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeoutError
from dataclasses import dataclass
from typing import Any, TextIO

__all__ = ["MAX_TEXT_CHARS", "SpeechService", "SpeechUnavailable", "normalise_text"]

logger = logging.getLogger(__name__)

#: Longest text spoken in one request. Limits CPU time per request and keeps
#: any single MP3 well under a megabyte, which matters on mobile data.
MAX_TEXT_CHARS = 500

#: espeak-ng's accepted speaking-rate range in words per minute. Rejecting
#: values outside it at construction time surfaces configuration mistakes
#: instead of letting espeak clamp them silently (which would make the rate
#: recorded in the cache key a lie).
MIN_RATE = 80
MAX_RATE = 450

#: Fallback when no voice matches the hint: espeak-ng's British English.
DEFAULT_VOICE_ID = "gmw/en"

#: Said once to a throwaway file straight after start-up. It loads the voice
#: data before a real request arrives, applies voice and rate while espeak is
#: idle, and proves the whole chain (engine, espeak, WAV write) works.
_WARM_UP_TEXT = "Ready."
_WARM_UP_TIMEOUT = 10.0
_WARM_UP_ATTEMPTS = 3

#: How long ``available`` waits for start-up before answering. Start-up
#: normally takes well under a second; this only bounds a wedged engine.
_READY_TIMEOUT = 15.0

#: A WAV header is 44 bytes; anything no bigger than that holds no audio.
_WAV_HEADER_BYTES = 44

#: After the engine reports completion, how long to wait for the file to be
#: visible before declaring the attempt a failure.
_FILE_GRACE_SECONDS = 1.0

#: Lower bitrate than libsndfile's default (about 45 kbit/s here): espeak's
#: synthetic voice loses no clarity at this rate and files stay small.
_MP3_COMPRESSION_LEVEL = 0.7

#: Marker pyttsx3's espeak driver prints after every saved file.
_ENGINE_CHATTER_PREFIX = "Audio saved to "

#: Serialises engine use across every SpeechService in the process, because
#: ``pyttsx3.init()`` returns the same engine object to all of them.
_ENGINE_LOCK = threading.Lock()

#: The (voice id, rate) each shared engine was configured with. Settings are
#: applied once per engine (see module docstring), so a second service can only
#: share the engine if it wants the very same settings.
_ENGINE_SETTINGS: weakref.WeakKeyDictionary[Any, tuple[str, int]] = weakref.WeakKeyDictionary()


class SpeechUnavailable(Exception):
    """Raised when audio cannot be produced for a request.

    Callers treat this one exception as "use the browser's speech instead",
    whatever the cause: engine missing, empty text, timeout or a failed
    synthesis.
    """


def normalise_text(text: str) -> str:
    """Return the form of ``text`` that is actually spoken and cached.

    Whitespace runs collapse to single spaces and the ends are stripped, so the
    same sentence typed with different line breaks or indentation shares one
    cached MP3. Control characters and lone surrogates are dropped because
    espeak either reads them out as noise or cannot encode them. The result is
    capped at ``MAX_TEXT_CHARS``; where possible the cut falls between words
    so the audio does not end in half a word.
    """
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs" or (category == "Cc" and not char.isspace()):
            continue
        kept.append(char)
    collapsed = " ".join("".join(kept).split())
    if len(collapsed) <= MAX_TEXT_CHARS:
        return collapsed
    cut = collapsed[:MAX_TEXT_CHARS]
    if collapsed[MAX_TEXT_CHARS] != " ":
        last_space = cut.rfind(" ")
        if last_space > 0:
            cut = cut[:last_space]
    return cut.rstrip()


def _default_engine_factory() -> Any:
    """Create (or fetch) the process-wide pyttsx3 engine.

    Imported lazily so that importing this module never fails, even on a
    machine without pyttsx3 or espeak-ng; the failure is reported through
    ``SpeechService.available`` instead.
    """
    import pyttsx3

    return pyttsx3.init()


def _new_scratch_wav() -> pathlib.Path:
    """Reserve a unique, empty temporary WAV path for one utterance.

    One file per utterance in the system temp directory, removed by its user
    straight afterwards: nothing is left behind even when a service is never
    shut down, and the engine's WAV never lands in a web-served directory.
    """
    handle, name = tempfile.mkstemp(prefix="speech-", suffix=".wav")
    os.close(handle)
    return pathlib.Path(name)


def _choose_voice_id(voices: list[Any], hint: str) -> str:
    """Pick the engine voice that best matches ``hint`` (e.g. ``"en-gb"``).

    Passing the hint straight to ``setProperty('voice', ...)`` is silently
    ignored by espeak, so a real voice id has to be chosen from the engine's
    list. Voices whose id or name contain the hint win; among those the
    shortest id is taken, because regional variants have longer ids
    (``gmw/en-gb-x-rp`` beats ``gmw/en-gb-scotland``). Next best is a voice
    whose language is exactly the hint, then espeak's British English.
    """
    wanted = hint.strip().lower()
    ids = [str(getattr(voice, "id", "") or "") for voice in voices]
    if wanted:
        matching = [
            voice_id
            for voice, voice_id in zip(voices, ids)
            if wanted in voice_id.lower() or wanted in str(getattr(voice, "name", "") or "").lower()
        ]
        if matching:
            return min(matching, key=lambda voice_id: (len(voice_id), voice_id))
        for voice, voice_id in zip(voices, ids):
            languages = [str(language).lower() for language in getattr(voice, "languages", None) or []]
            if wanted in languages and voice_id:
                return voice_id
    if DEFAULT_VOICE_ID in ids or not ids:
        return DEFAULT_VOICE_ID
    return ids[0]


class _EngineChatterFilter:
    """Stand-in for ``sys.stdout`` that drops pyttsx3's "Audio saved to" lines.

    The espeak driver prints that line from espeak's own thread for every
    file, which would flood the server log. Redirecting stdout to a black hole
    would also swallow output from request threads printing at the same
    moment, so only that exact line is dropped. Everything else passes
    through.
    """

    def __init__(self, inner: TextIO | None) -> None:
        # ``inner`` is None when the process has no stdout (some daemon
        # setups). The driver's print would then fail inside its save routine
        # and the completion notification would never arrive, so output is
        # discarded instead.
        self._inner = inner
        self._local = threading.local()

    def write(self, text: str) -> int:
        """Forward ``text`` unless it is engine chatter (or chatter's newline)."""
        if text.startswith(_ENGINE_CHATTER_PREFIX):
            self._local.dropped_line = True
            return len(text)
        if text == "\n" and getattr(self._local, "dropped_line", False):
            self._local.dropped_line = False
            return len(text)
        self._local.dropped_line = False
        if self._inner is None:
            return len(text)
        return self._inner.write(text)

    def flush(self) -> None:
        """Flush the real stream so nothing other threads wrote is delayed."""
        if self._inner is not None:
            self._inner.flush()

    def __getattr__(self, name: str) -> Any:
        """Delegate everything else (``encoding``, ``isatty``, ...) to the real stream."""
        if self._inner is None:
            raise AttributeError(name)
        return getattr(self._inner, name)


@dataclass(frozen=True)
class _Job:
    """One request handed from a caller's thread to the worker thread.

    ``deadline`` travels with the job so the worker gives up at the same
    moment the caller stops waiting, instead of synthesising audio nobody will
    collect.
    """

    text: str
    target_path: pathlib.Path
    future: Future[pathlib.Path]
    deadline: float


class SpeechService:
    """Owns one pyttsx3 engine on one dedicated worker thread.

    Request threads call :meth:`synthesise`; it serves cached MP3s directly and
    otherwise queues a job for the worker and waits on a ``Future``. Only the
    worker ever touches the engine, which is what makes a thread-unsafe engine
    usable from a multi-threaded web server.
    """

    def __init__(
        self,
        voice_hint: str = "en-gb",
        rate: int = 160,
        engine_factory: Callable[[], Any] | None = None,
    ) -> None:
        """Record settings only; nothing starts until :meth:`start`.

        Construction is kept free of side effects so the app factory, tests
        and scripts can create a service without launching threads or loading
        espeak, and so a forked server worker starts its own thread rather
        than inheriting a dead one.

        ``engine_factory`` exists so tests (or other platforms) can substitute
        how the engine is obtained; by default it is ``pyttsx3.init``.
        """
        if isinstance(rate, bool) or not isinstance(rate, int):
            raise TypeError(f"rate must be an int (words per minute), got {rate!r}")
        if not MIN_RATE <= rate <= MAX_RATE:
            raise ValueError(f"rate must be between {MIN_RATE} and {MAX_RATE} words per minute, got {rate}")
        self._voice_hint = voice_hint
        self._rate = rate
        self._engine_factory: Callable[[], Any] = engine_factory or _default_engine_factory

        self._lifecycle_lock = threading.Lock()
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._ready = threading.Event()
        self._utterance_done = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False

        # Written only by the worker thread before ``_ready`` is set (or while
        # synthesising, for the counter); read by other threads afterwards.
        self._engine: Any = None
        self._callback_token: Any = None
        self._voice_id: str | None = None
        self._unavailable_reason: str | None = None
        self._synth_count = 0

    # ------------------------------------------------------------------ public

    def start(self) -> None:
        """Start the worker thread if it is not running yet.

        Safe to call any number of times and from any thread; only the first
        call does anything. It returns at once; engine start-up happens on
        the worker, and :attr:`available` and :meth:`synthesise` wait for it.
        A service that has been shut down stays shut down.
        """
        with self._lifecycle_lock:
            if self._thread is not None or self._closed:
                return
            self._thread = threading.Thread(target=self._worker_main, name="speech-worker", daemon=True)
            self._thread.start()

    @property
    def available(self) -> bool:
        """Whether server-side speech can be offered at all.

        Starts the service if needed and waits (bounded) for start-up, so the
        answer reflects reality. False when pyttsx3, espeak-ng or MP3 support
        is missing, when start-up failed or has not finished within its time
        limit, or after :meth:`shutdown`. Pages use this to decide whether to
        show server audio or fall back to the browser's speech.
        """
        if self._closed or not self._await_ready(_READY_TIMEOUT):
            return False
        return self._unavailable_reason is None and not self._closed

    @property
    def started(self) -> bool:
        """Whether the worker thread (and so the engine's start-up) has been started."""
        return self._thread is not None

    @property
    def voice_id(self) -> str:
        """The espeak voice id in use, chosen from the engine's own voices.

        Waits for start-up because the id is chosen from the engine's own
        voice list. When the engine is unavailable, the hint itself is
        returned so that :meth:`cache_key` still works.
        """
        self._await_ready(_READY_TIMEOUT)
        return self._voice_id if self._voice_id is not None else self._voice_hint

    @property
    def voice_hint(self) -> str:
        """The voice as configured (``"en-gb"``), part of every cache key."""
        return self._voice_hint

    @property
    def rate(self) -> int:
        """Speaking rate in words per minute (part of every cache key)."""
        return self._rate

    @property
    def synth_count(self) -> int:
        """How many requests have reached the engine (cache hits excluded).

        Exposed so tests and monitoring can prove the cache is working without
        comparing audio bytes, which differ slightly from run to run.
        """
        return self._synth_count

    def cache_key(self, text: str) -> str:
        """Return the SHA-256 hex digest identifying the audio for ``text``.

        The configured voice and the rate are part of the key so changing
        either never serves stale audio from the cache directory. It is the
        voice as configured (the hint), not the id espeak's list resolves it
        to: working that out means starting the engine, and a cached MP3 must
        be found without waiting for that (see :meth:`cached`). The text is
        normalised first so trivial whitespace differences share one file.
        """
        material = f"{self._voice_hint}|{self._rate}|{normalise_text(text)}"
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def cached(self, text: str, target_dir: pathlib.Path) -> pathlib.Path | None:
        """The MP3 of ``text`` already in ``target_dir``, or None; never starts or waits for the engine.

        The first read-aloud request after a worker starts would otherwise wait
        for espeak's start-up (about a quarter of a second) even when its audio
        was made long ago.
        """
        spoken = normalise_text(text)
        if not spoken:
            return None
        path = pathlib.Path(target_dir) / f"{self.cache_key(spoken)}.mp3"
        return path if path.is_file() else None

    def synthesise(self, text: str, target_dir: pathlib.Path, timeout: float = 20.0) -> pathlib.Path:
        """Return the path of an MP3 of ``text`` inside ``target_dir``.

        The file is named ``<cache_key>.mp3``; if it already exists it is
        returned immediately without touching the engine, which is what keeps
        repeated read-aloud presses cheap. Otherwise the job is queued for the
        worker thread and this call blocks for at most ``timeout`` seconds.

        Raises :class:`SpeechUnavailable` when the text is empty after
        normalising, the engine is unavailable, or synthesis fails or times
        out, so callers need exactly one ``except`` to fall back to the
        browser's speech.
        """
        spoken = normalise_text(text)
        if not spoken:
            raise SpeechUnavailable("There is no text to read aloud.")
        if self._closed:
            raise SpeechUnavailable("The speech service has been shut down.")
        found = self.cached(spoken, target_dir)
        if found is not None:
            return found
        deadline = time.monotonic() + timeout
        if not self._await_ready(max(0.0, timeout)):
            raise SpeechUnavailable("The speech engine is not ready.")
        if self._unavailable_reason is not None:
            raise SpeechUnavailable(f"Speech engine unavailable: {self._unavailable_reason}")

        target_path = pathlib.Path(target_dir) / f"{self.cache_key(spoken)}.mp3"

        future: Future[pathlib.Path] = Future()
        with self._lifecycle_lock:
            # Checked under the lock so a job can never slip into the queue
            # after shutdown has drained it, which would leave its caller
            # waiting for the full timeout.
            if self._closed:
                raise SpeechUnavailable("The speech service has been shut down.")
            self._jobs.put(_Job(spoken, target_path, future, deadline))
        try:
            return future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeoutError:
            future.cancel()
            raise SpeechUnavailable(f"Speech synthesis took longer than {timeout:g} seconds.") from None

    def shutdown(self) -> None:
        """Stop the worker and fail any queued jobs.

        Called from the app's teardown and from tests so no worker thread
        outlives its owner. Safe to call more than once. The
        pyttsx3 engine itself is left alive because it is shared by the whole
        process and espeak cannot be initialised twice.
        """
        with self._lifecycle_lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
            self._jobs.put(None)
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=_WARM_UP_TIMEOUT)
        if thread is None:
            self._fail_pending_jobs()

    def _await_ready(self, timeout: float) -> bool:
        """Start the worker if needed and wait up to ``timeout`` for start-up.

        Returns False straight away for a service shut down before it ever
        started, rather than waiting for a start-up that will never happen.
        """
        self.start()
        if self._thread is None:
            return False
        return self._ready.wait(timeout)

    # ------------------------------------------------------------- worker side

    def _worker_main(self) -> None:
        """Body of the worker thread: start the engine, then serve jobs."""
        try:
            self._initialise_engine()
        except Exception as exc:  # noqa: BLE001 - any start-up failure means "no speech", never a crash
            self._unavailable_reason = str(exc) or exc.__class__.__name__
            logger.warning(
                "Speech engine unavailable: %s; pages fall back to the browser's speech",
                self._unavailable_reason,
            )
        finally:
            self._ready.set()

        if self._unavailable_reason is None:
            self._serve_jobs()
        self._fail_pending_jobs()
        self._release_engine()

    def _initialise_engine(self) -> None:
        """Create the engine, choose the voice and prove synthesis works.

        Raises with a human-readable message on any problem; the caller turns
        that into the single "unavailable" warning.
        """
        import soundfile

        if "MP3" not in soundfile.available_formats():
            raise RuntimeError("libsndfile on this machine cannot write MP3")

        try:
            engine = self._engine_factory()
        except Exception as exc:
            raise RuntimeError(f"could not start pyttsx3/espeak-ng ({exc.__class__.__name__}: {exc})") from exc
        if engine is None:
            raise RuntimeError("the engine factory returned no engine")
        self._engine = engine

        voices = list(engine.getProperty("voices") or [])
        if not voices:
            raise RuntimeError("espeak-ng reports no voices")
        voice_id = _choose_voice_id(voices, self._voice_hint)

        self._callback_token = engine.connect("finished-utterance", self._on_utterance_finished)

        with _ENGINE_LOCK:
            applied = _ENGINE_SETTINGS.get(engine)
            if applied is not None and applied != (voice_id, self._rate):
                raise RuntimeError(
                    f"the shared engine is already speaking with voice {applied[0]!r} at rate {applied[1]}; "
                    f"espeak cannot reliably switch to {voice_id!r} at rate {self._rate}"
                )
            configure = applied is None
            self._warm_up(voice_id if configure else None)
            if configure:
                _ENGINE_SETTINGS[engine] = (voice_id, self._rate)
        self._voice_id = voice_id

    def _warm_up(self, voice_id: str | None) -> None:
        """Prove synthesis works with a short phrase (``voice_id`` set: choosing that voice first).

        espeak now and then drops one utterance while the engine is still settling (seen in the
        tests, which restart the service many times in one process); one lost phrase must not
        switch speech off for the life of the process. Called with ``_ENGINE_LOCK`` held.
        """
        warm_up_wav = _new_scratch_wav()
        try:
            for _attempt in range(_WARM_UP_ATTEMPTS):
                deadline = time.monotonic() + _WARM_UP_TIMEOUT
                if self._speak_to_wav(_WARM_UP_TEXT, warm_up_wav, deadline, voice_id):
                    return
                warm_up_wav.unlink(missing_ok=True)
            raise RuntimeError("the warm-up phrase produced no audio (is espeak-ng installed?)")
        finally:
            warm_up_wav.unlink(missing_ok=True)

    def _serve_jobs(self) -> None:
        """Process queued jobs one at a time until the shutdown sentinel arrives."""
        while True:
            job = self._jobs.get()
            if job is None:
                return
            if not job.future.set_running_or_notify_cancel():
                continue  # the caller already gave up waiting
            try:
                job.future.set_result(self._run_job(job))
            except SpeechUnavailable as exc:
                job.future.set_exception(exc)
            except Exception as exc:
                logger.warning("Speech synthesis failed: %s", exc, exc_info=True)
                job.future.set_exception(SpeechUnavailable(f"Speech synthesis failed: {exc}"))

    def _run_job(self, job: _Job) -> pathlib.Path:
        """Synthesise one job's text and store it as an MP3 at its target path."""
        if job.target_path.is_file():
            # Another caller queued the same text just before this one.
            return job.target_path
        if time.monotonic() >= job.deadline:
            raise SpeechUnavailable("Speech request expired before the engine reached it.")
        wav_path = _new_scratch_wav()
        try:
            # Two attempts: a missing file is rare but cheap to retry, and a
            # retry is what a user pressing the button again would do anyway.
            produced = False
            for _attempt in range(2):
                wav_path.unlink(missing_ok=True)
                with _ENGINE_LOCK:
                    produced = self._speak_to_wav(job.text, wav_path, job.deadline, None)
                if produced or time.monotonic() >= job.deadline:
                    break
            if not produced:
                raise SpeechUnavailable("The speech engine produced no audio.")
            self._synth_count += 1
            self._convert_to_mp3(wav_path, job.target_path)
        finally:
            wav_path.unlink(missing_ok=True)
        return job.target_path

    def _speak_to_wav(self, text: str, wav_path: pathlib.Path, deadline: float, voice_id: str | None) -> bool:
        """Have the engine write ``text`` to ``wav_path``; True if audio appeared.

        Must run on the worker thread while holding ``_ENGINE_LOCK``. When
        ``voice_id`` is given, voice and rate are queued in the same batch as
        the ``save_to_file`` so the single ``runAndWait()`` never runs empty.
        """
        engine = self._engine
        self._utterance_done.clear()
        with contextlib.redirect_stdout(_EngineChatterFilter(sys.stdout)):
            if voice_id is not None:
                engine.setProperty("voice", voice_id)
                engine.setProperty("rate", self._rate)
            engine.save_to_file(text, str(wav_path))
            try:
                engine.runAndWait()
            except Exception:
                # Leave the engine's loop state clean for the next job.
                with contextlib.suppress(Exception):
                    engine.endLoop()
                raise
            return self._wait_for_wav(wav_path, deadline)

    def _wait_for_wav(self, wav_path: pathlib.Path, deadline: float) -> bool:
        """Wait until the engine reports the utterance finished and the WAV exists.

        ``runAndWait()`` returns before espeak's thread has written the file,
        so the ``finished-utterance`` notification is the real completion
        signal. The file check guards against that notification coming from
        an earlier utterance that had timed out.
        """
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._utterance_done.wait(remaining):
                return False
            self._utterance_done.clear()
            grace_end = min(deadline, time.monotonic() + _FILE_GRACE_SECONDS)
            while time.monotonic() < grace_end:
                if self._wav_has_audio(wav_path):
                    return True
                if self._utterance_done.wait(0.02):
                    break  # another completion arrived; re-check from the top
            else:
                return self._wav_has_audio(wav_path)

    @staticmethod
    def _wav_has_audio(wav_path: pathlib.Path) -> bool:
        """True when the WAV exists and holds more than a bare header."""
        try:
            return wav_path.stat().st_size > _WAV_HEADER_BYTES
        except OSError:
            return False

    @staticmethod
    def _convert_to_mp3(wav_path: pathlib.Path, target_path: pathlib.Path) -> None:
        """Encode ``wav_path`` as MP3 at ``target_path`` atomically.

        The MP3 is written to a temporary name in the target directory and
        then renamed, so a browser (or a concurrent request) can never be
        served a half-written file under the final name.
        """
        import soundfile

        data, samplerate = soundfile.read(str(wav_path), dtype="int16")
        if len(data) == 0:
            raise SpeechUnavailable("The speech engine produced silence.")
        target_path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{target_path.stem}.", suffix=".mp3.part", dir=target_path.parent)
        os.close(handle)
        try:
            soundfile.write(temp_name, data, samplerate, format="MP3", compression_level=_MP3_COMPRESSION_LEVEL)
            # mkstemp creates owner-only files; the web server may read static
            # audio as a different user.
            os.chmod(temp_name, 0o644)
            os.replace(temp_name, target_path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise

    def _on_utterance_finished(self, **_details: Any) -> None:
        """Engine callback (runs on espeak's thread): the WAV has been written."""
        self._utterance_done.set()

    def _fail_pending_jobs(self) -> None:
        """Fail every job still queued so no caller waits out its full timeout."""
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None and job.future.set_running_or_notify_cancel():
                job.future.set_exception(SpeechUnavailable("The speech service has been shut down."))

    def _release_engine(self) -> None:
        """Detach this service's completion callback from the shared engine (worker thread)."""
        if self._engine is not None and self._callback_token is not None:
            with contextlib.suppress(Exception):
                self._engine.disconnect(self._callback_token)
        self._callback_token = None
