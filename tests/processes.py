"""Real servers that tests start as child processes (redis-server, gunicorn, moto, SMTP): a free loopback
port, waiting until one answers, and stopping it, written once for every test that needs them."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest


def free_port() -> int:
    """A loopback port nothing listens on now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: Callable[[], object], what: str, seconds: float = 30) -> None:
    """Poll ``check`` until it is true; connection errors count as "not yet". Fails the test after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} did not start within {seconds} s")


def stop(process: subprocess.Popen[bytes], seconds: float = 15) -> None:
    """Ask a child process to end, and kill it if it has not within ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A redis-server of the test's own on a free port, with nothing saved to disk; missing is a failure."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is missing: install Debian's redis-server (make system-deps does)")
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        wait_for(client.ping, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process, 10)
