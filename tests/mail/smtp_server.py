"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for tests to read.

Import the ``smtp_server`` fixture into a test module; point the app at it with ``mail_app``.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from tests.processes import free_port

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "mail"


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return part.get_content()


@dataclass
class Keeper:
    """The aiosmtpd handler: keeps each message; can be told to refuse the next few."""

    received: list[Received] = field(default_factory=list)
    refuse_next: int = 0
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls it by this name
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return "451 4.3.0 try again later"
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.arrived:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          envelope.original_content or envelope.content, message))  # type: ignore[arg-type]
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Block until ``count`` messages have arrived (the sender works in its own thread)."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.arrived.wait(left)
        return list(self.received)


@dataclass
class SmtpServer:
    host: str
    port: int
    keeper: Keeper

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"


@contextmanager
def running_smtp_server() -> Iterator[SmtpServer]:
    """aiosmtpd listening on a free loopback port until the block ends."""
    keeper = Keeper()
    port = free_port()
    controller = Controller(keeper, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, keeper)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


def mail_app(app: Flask, server: SmtpServer, *, background: bool = False) -> Flask:
    """The test app sending to the loopback server (the background thread only when asked)."""
    app.config.update(MAIL_URL=server.url, MAIL_FROM="My Next Steps <no-reply@school.example>",
                      MAIL_BACKGROUND_IN_TESTS=background, PUBLIC_BASE_URL="https://portfolio.school.example")
    return app


def keep_example(kind: str, received: Received) -> Path:
    """Write one email exactly as the server received it, so a person can read exactly what was sent."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{kind}.eml"
    path.write_bytes(received.raw)
    return path
