"""Routes for the passport area. Each route reads the request, calls its service and picks a page."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("passport", __name__)
