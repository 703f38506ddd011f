"""Every Flask extension the app uses, created once here and bound in ``create_app``."""
from __future__ import annotations

from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
# No default limits: only the sign-in routes are limited, by their own decorators.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
