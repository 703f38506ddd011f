"""A worker starts quickly: building the app does not import the PDF engine, Alembic or FFmpeg.

Each is over a tenth of a second of CPU for every gunicorn worker (fpdf alone pulls in numpy and
fontTools), and each is only needed by the few requests or commands that use it. Checked in a fresh
interpreter, because this test process has long since imported them all.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Imported only inside the functions that use them.
HEAVY = ("fpdf", "numpy", "fontTools", "alembic", "av", "pillow_heif", "pypdf", "boto3", "botocore")

_BUILD_APP = """
import json, sys, tempfile, threading
from portfolio import create_app
app = create_app({"INSTANCE_PATH": tempfile.mkdtemp(), "SECRET_KEY": "x"})
print(json.dumps({"modules": sorted(sys.modules), "threads": [t.name for t in threading.enumerate()]}))
"""


def _fresh_app_state() -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", _BUILD_APP], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_create_app_leaves_heavy_modules_unimported() -> None:
    state = _fresh_app_state()
    loaded = {name.split(".")[0] for name in state["modules"]}
    assert "portfolio" in loaded and "flask" in loaded  # the app really was built
    assert sorted(loaded & set(HEAVY)) == []
    assert "speech-worker" not in state["threads"]  # speech warms up once a server worker runs


def test_the_heavy_modules_still_load_where_they_are_used(tmp_path: Path) -> None:
    from portfolio.media.easy_read import EasyReadDocument
    from portfolio.migrate import alembic_config

    assert EasyReadDocument("A title").output()[:5] == b"%PDF-"
    assert alembic_config().get_main_option("script_location", "").endswith("migrations")
