"""The shared hostile and real test media, kept beside the repository in ``shared/fixtures``."""

from __future__ import annotations

from pathlib import Path

FIXTURES: Path = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


def fixture_bytes(name: str) -> bytes:
    """The bytes of one fixture file, read fresh so no test can change another's input."""
    return (FIXTURES / name).read_bytes()
