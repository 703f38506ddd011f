"""Configuration classes, read from the environment.

Nothing secret lives in this file: the secret key comes from ``SECRET_KEY`` or is
generated once into the instance folder by ``portfolio.create_app``.
"""
from __future__ import annotations

import os
from datetime import timedelta


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Defaults for every environment. Each can be overridden by an environment variable."""

    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    DATABASE_URL: str | None = os.environ.get("DATABASE_URL")
    # Staff and parents are signed out after this much idle time.
    IDLE_TIMEOUT = timedelta(minutes=_env_int("IDLE_TIMEOUT_MINUTES", 30))
    # Learners work slowly and with breaks, so their tablets stay signed in longer.
    LEARNER_IDLE_TIMEOUT = timedelta(minutes=_env_int("LEARNER_IDLE_TIMEOUT_MINUTES", 120))
    LOGIN_CARD_DAYS = _env_int("LOGIN_CARD_DAYS", 365)
    REVIEW_AUDIO_DAYS = _env_int("REVIEW_AUDIO_DAYS", 120)  # how long a review pack's QR links play
    TRUSTED_TABLET_DAYS = _env_int("TRUSTED_TABLET_DAYS", 400)
    PICTURE_CHECK_TRIES = 3
    # scrypt everywhere real; the test-suite chooses a cheaper method to keep thousands of sign-ins fast.
    PASSWORD_HASH_METHOD = "scrypt"
    # Per account for passwords and per school tablet for cards (see portfolio/rate_limits.py),
    # plus a looser limit per address, which a whole school may share.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "120 per minute;1000 per hour")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Only write the cookie when the session changes: a re-sent copy from a request already in flight
    # (a picture still loading) would otherwise overwrite what a form has just stored.
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    # How many reverse proxies stand in front of the app. Only then are their X-Forwarded-Proto and
    # X-Forwarded-For believed (anyone can send those headers); HTTPS requests then get Secure
    # cookies and HSTS (portfolio/web/https.py). 0 ignores the headers.
    TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)
    WTF_CSRF_TIME_LIMIT = None  # a form left open on a tablet all morning must still submit
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    MAX_PHOTO_BYTES = 20 * 1024 * 1024
    MAX_VOICE_SECONDS = 60
    PORTABLE_MAX_UPLOAD_BYTES = _env_int("PORTABLE_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)  # a portfolio zip
    MEDIA_ROOT = os.environ.get("MEDIA_ROOT")  # default: the instance folder's media/ directory
    # s3://bucket/prefix keeps photos and recordings in S3-compatible object storage (AWS S3, MinIO, Ceph)
    # instead of MEDIA_ROOT. Credentials and region come from boto3's standard AWS_* variables; the
    # endpoint from S3_ENDPOINT_URL, or boto3's own AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL.
    MEDIA_STORE = os.environ.get("MEDIA_STORE", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL")
    # A leaver's portfolio is erased this many years after their leaving date, unless they or their family
    # consented to keeping in touch (see portfolio/erasure/retention.py); `flask retention --apply` does it.
    RETENTION_YEARS_AFTER_LEAVING = _env_int("RETENTION_YEARS_AFTER_LEAVING", 6)
    SPEECH_ENABLED = os.environ.get("SPEECH_ENABLED", "1") == "1"
    SPEECH_RATE = _env_int("SPEECH_RATE", 160)
    # Slow work (PDFs, imports, speech for new private words) goes to RQ workers on this Redis
    # (`flask --app portfolio jobs worker`); with none set it runs on a thread of the app's own process.
    JOBS_REDIS_URL = os.environ.get("JOBS_REDIS_URL") or os.environ.get("REDIS_URL") or None
    # With a job queue, how long a tap on new private words waits for a worker's MP3 before the page
    # reads them with the browser's voice instead.
    SPEECH_WORKER_WAIT_SECONDS = float(os.environ.get("SPEECH_WORKER_WAIT_SECONDS", "1.5"))
    # Tapping words to hear them: generous for a learner tapping round a page, but it bounds
    # how much new audio one session can make the server synthesise and store.
    TAP_SPEECH_RATE_LIMIT = os.environ.get("TAP_SPEECH_RATE_LIMIT", "60 per minute;600 per hour")
    # Sends of one employer feedback link (opening it is not limited).
    FEEDBACK_RATE_LIMIT = os.environ.get("FEEDBACK_RATE_LIMIT", "20 per hour")
    # Email (portfolio/mail): smtp://host:port, smtp+starttls://user:password@host:587 or smtps://...;
    # with none set, each message is written to the log (the console under `make run`) instead.
    MAIL_URL = os.environ.get("MAIL_URL") or None
    MAIL_FROM = os.environ.get("MAIL_FROM", "My Next Steps <no-reply@localhost>")
    # Queued mail is sent by one background thread per process; 0 leaves it to `flask mail send`.
    MAIL_BACKGROUND = os.environ.get("MAIL_BACKGROUND", "1") == "1"
    # The address links in emails start with, e.g. https://portfolio.school.org.uk (default: the request's).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or None
    INVITATION_HOURS = _env_int("INVITATION_HOURS", 72)
    PASSWORD_RESET_MINUTES = _env_int("PASSWORD_RESET_MINUTES", 60)
    # "Forgot password?": per address typed, and per machine asking (a school may share one address).
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "3 per hour;10 per day")
    PASSWORD_RESET_ADDRESS_RATE_LIMIT = os.environ.get("PASSWORD_RESET_ADDRESS_RATE_LIMIT", "30 per hour")
    # "Forgot password?" always takes at least this long, so the few milliseconds of saving a link for a
    # real account cannot be timed to learn who has one.
    PASSWORD_RESET_ANSWER_SECONDS = float(os.environ.get("PASSWORD_RESET_ANSWER_SECONDS", "0.25"))
