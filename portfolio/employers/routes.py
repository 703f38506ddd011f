"""Routes for employers."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("employers", __name__)
