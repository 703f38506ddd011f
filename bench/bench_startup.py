"""CPU time to build the app in a fresh interpreter, against building a bare Flask app the same way.

Each gunicorn worker imports the app and calls ``create_app()``; that CPU is spent again for every
worker started or restarted. Both sides run in a new Python process that reports its own CPU time
from its first line to a built app, so imports count (they are most of the cost) and the
interpreter's own start, the same for both, does not. Compiled bytecode is kept between runs in a
scratch folder, as it is on a server (this machine sets PYTHONDONTWRITEBYTECODE, which would
otherwise make every run compile the whole app from source).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.run import ROOT, Row, ratio_row

REPEATS = 15
RATIO_TARGET = 3.0

_APP = """
import time
started = time.process_time()
import tempfile
from portfolio import create_app
create_app({"INSTANCE_PATH": tempfile.mkdtemp(prefix="bench-startup-"), "SECRET_KEY": "bench"})
print(time.process_time() - started)
"""

_BARE = """
import time
started = time.process_time()
from flask import Flask
Flask(__name__)
print(time.process_time() - started)
"""


def _cpu_seconds(code: str, env: dict[str, str]) -> float:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                          check=True, timeout=120)
    return float(done.stdout.strip().splitlines()[-1])


def run(repeats: int = REPEATS) -> list[Row]:
    """One row: the median CPU seconds of ``create_app()`` against a bare ``Flask(__name__)``."""
    with tempfile.TemporaryDirectory() as folder:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        for code in (_APP, _BARE):
            _cpu_seconds(code, env)  # compile once, as an installed app would have been
        app_cpu: list[float] = []
        bare_cpu: list[float] = []
        for index in range(repeats):  # turn about, the order swapped every time
            pairs = ((_APP, app_cpu), (_BARE, bare_cpu))
            for code, times in pairs if index % 2 == 0 else reversed(pairs):
                times.append(_cpu_seconds(code, env))
    return [ratio_row("create_app() CPU time vs bare Flask (fresh interpreter, imports included)",
                      statistics.median(app_cpu), statistics.median(bare_cpu), RATIO_TARGET)]
