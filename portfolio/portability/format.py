"""A portable portfolio: what the export zip is called, how it is recognised, and its limits.

A learner who moves school or college takes their portfolio with them as one zip: an offline
copy anyone can open from ``index.html``, and ``portfolio.json`` that another install of My
Next Steps imports. The export and the import live in ``export`` and
``importer``; this module holds what both sides must agree on. ``docs/portable-format.md``
describes the format for people.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import uuid

from portfolio.errors import KindError

FORMAT = "my-next-steps-portfolio"
# Version 2 added the transition plan, final review packs, careers activities with checked
# employer feedback, the evidence counts and the learner's record. Version 1 files still import.
VERSION = 2
READABLE_VERSIONS = frozenset({1, 2})
JSON_NAME = "portfolio.json"
INDEX_NAME = "index.html"
STYLE_NAME = "style.css"

# Limits on an archive being imported. A real portfolio of a few years is well under them:
# photos are at most 1600 px JPEGs (a few hundred KB) and a recording of a minute is under 0.5 MB.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_MEMBER_BYTES = 25 * 1024 * 1024
MAX_JSON_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 5000
# Photos and recordings barely compress, and even text rarely passes 20:1; zeros reach 1000:1.
MAX_RATIO = 100
# Below this, a high ratio cannot add up to anything dangerous, and tiny files compress oddly.
RATIO_FLOOR_BYTES = 256 * 1024

_INSTALL_PURPOSE = b"my-next-steps portable export"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class ImportRefused(KindError):
    """An archive that cannot be imported; ``message`` is kind, plain and safe to show."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        # For the log only: which rule the archive broke, so support can tell a damaged copy from an attack.
        self.detail = detail or message


def _install_namespace(secret_key: str) -> uuid.UUID:
    install = hmac.new(secret_key.encode("utf-8"), _INSTALL_PURPOSE, hashlib.sha256).hexdigest()
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:my-next-steps:install:{install}")


def export_uid(secret_key: str, learner_id: int) -> str:
    """The same uid every time this install exports this learner, so a re-export is recognised.

    It is derived from the app's secret (through an HMAC, so the uid says nothing about the key)
    and the learner's id: exports from two installs never collide, and nobody outside the install
    can work out which uid a learner will get. A changed ``SECRET_KEY`` starts a new series.
    """
    return str(uuid.uuid5(_install_namespace(secret_key), f"learner:{learner_id}"))


def part_uid(secret_key: str, kind: str, row_id: int) -> str:
    """A uid for a row that has none of its own (a careers activity the learner took part in, a
    final review pack): the same in every export from this install, so a later import knows it."""
    return str(uuid.uuid5(_install_namespace(secret_key), f"{kind}:{row_id}"))


def is_uid(value: object) -> bool:
    return isinstance(value, str) and bool(_UUID.match(value))


def local_uid(school_id: int, source_uid: str) -> str:
    """The uid an imported entry gets when its own uid is already used in this install.

    That happens when one install holds both schools. Deriving it (rather than drawing a new
    one) means a second import of the same zip finds the same uid and adds nothing.
    """
    return str(uuid.uuid5(uuid.UUID(source_uid), f"imported-into-school:{school_id}"))
