"""Routes for the sharing area. Each route reads the request, calls its service and picks a page."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sharing", __name__)
