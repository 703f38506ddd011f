"""A caption symbol found in the whole OpenMoji library travels in the portable portfolio and back."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from flask import Flask

from portfolio import db
from portfolio.experiences import service as experiences
from portfolio.media.storage import media_store
from portfolio.models import Experience, User, utcnow
from portfolio.portability import export as portable_export
from portfolio.portability.format import JSON_NAME
from portfolio.symbols import library, openmoji
from tests.factories import Entries, World


def test_an_openmoji_caption_symbol_is_copied_into_the_export(app: Flask, world: World, entries: Entries) -> None:
    with app.app_context():
        dbs = db.session()
        shared = dbs.get(Experience, entries.shared.id)
        learner = dbs.get(User, world.learner.id)
        assert shared is not None and learner is not None
        shared.caption = "I saw the fire engine"
        experiences.set_caption_symbol(shared, "engine", "openmoji:1F692")
        dbs.commit()
        out = io.BytesIO()
        portable_export.write_export(
            dbs, media_store(), learner, out, secret_key=app.config["SECRET_KEY"], templates=app.jinja_env,
            symbol_dir=Path(app.static_folder or "") / "symbols", exported_at=utcnow(),
            attribution=library.attribution(),
        )
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        names = archive.namelist()
        assert "symbols/openmoji-1F692.svg" in names
        assert archive.read("symbols/openmoji-1F692.svg") == (openmoji.svg_folder() / "1F692.svg").read_bytes()
        assert not any(":" in name for name in names)
        data = json.loads(archive.read(JSON_NAME))
    assert '"openmoji:1F692"' in json.dumps(data)

def test_drawing_finds_copied_names_and_library_references(tmp_path: Path) -> None:
    assert library.drawing("bus") == library.STATIC_DIR / "bus.svg"
    assert library.drawing("openmoji:1F692") == openmoji.svg_folder() / "1F692.svg"
    assert library.drawing("nope") is None and library.drawing("openmoji:E000") is None
    assert library.drawing("bus", tmp_path) is None
    assert library.file_stem("openmoji:1F692") == "openmoji-1F692" and library.file_stem("bus") == "bus"
