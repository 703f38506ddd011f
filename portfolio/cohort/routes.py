"""Routes for cohort."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cohort", __name__)
