"""Routes for careers."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("careers", __name__)
