"""The shared hostile and real test media, kept beside the repository in ``shared/fixtures``."""

from __future__ import annotations

from pathlib import Path

from portfolio.media.storage import LocalMediaStore

FIXTURES: Path = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


def fixture_bytes(name: str) -> bytes:
    """The bytes of one fixture file, read fresh so no test can change another's input."""
    return (FIXTURES / name).read_bytes()


def stored_keys(store: LocalMediaStore, folder: str) -> list[str]:
    """Every file in one folder of a local media store, as keys, to show nothing was left behind."""
    base = store.root / folder
    return sorted(str(p.relative_to(store.root)) for p in base.rglob("*") if p.is_file()) if base.exists() else []
