"""My Next Steps: an accessible portfolio for young people with SEND.

``create_app`` builds the app; nothing runs at import time.
"""
from __future__ import annotations

import importlib
import logging
import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def _secret_key(app: Flask) -> str:
    """Use SECRET_KEY if given; otherwise make one once and keep it in the instance folder.

    Several workers may start together on a fresh instance, and they must all sign cookies
    with the same key: the file is linked into place, which never overwrites, so the first
    key written wins and every other worker reads it. It is created readable by its owner only.
    """
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        descriptor, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another worker was first
        except OSError:
            if not path.exists():  # a filesystem without hard links
                os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    return path.read_text().strip()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("PORTFOLIO_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object("config.Config")
    if test_config is not None:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)
    app.config.setdefault("SPEECH_CACHE_DIR", str(Path(app.instance_path) / "speech"))
    app.config.setdefault("INTERFACE_AUDIO_DIR", str(ROOT / "static" / "audio"))
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)

    _init_extensions(app)
    importlib.import_module("portfolio.people.acting").init_app(app)  # who changed what, for the audit trail
    _register_blueprints(app)
    from portfolio.cli import register_commands

    register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    from portfolio import db, templating
    from portfolio.mail import sender as mail_sender
    from portfolio.media import storage
    from portfolio.people import sessions
    from portfolio.speech import service as speech_service
    from portfolio.web import converters, https, security
    from portfolio.web.extensions import csrf, htmx, limiter, login_manager

    _init_delivery(app)
    for part in (converters, db, csrf, htmx, limiter, login_manager, sessions, security, https, templating,
                 speech_service, storage, mail_sender):
        part.init_app(app)


def _init_delivery(app: Flask) -> None:
    """Versioned static URLs and compression. Registered before the other extensions because Flask runs
    after-request hooks last-registered first: compression then sees each answer once it is complete."""
    from portfolio.web import compression, static_files

    static_files.init_app(app)
    compression.init_app(app)


# One blueprint per area, in the order their URLs are matched; each module's ``bp``.
BLUEPRINT_MODULES = (
    "homes.main_routes", "people.auth_routes", "homes.learner_routes", "homes.staff_routes", "homes.family_routes",
    "people.password_routes", "people.access_routes",
    "people.admin_routes", "speech.routes", "experiences.routes", "experiences.draft_routes", "symbols.routes",
    "passport.routes",
    "sharing.routes", "portability.routes", "plans.routes", "reviews.routes", "employers.routes", "careers.routes",
    "feedback.routes", "records.routes", "imports.routes", "cohort.routes", "reports.routes",
    "erasure.routes",
    "stewardship.routes",
    "jobs.routes",
    "notices.routes",
    "offline.sync_routes",
    "offline.app_routes",
)


def _register_blueprints(app: Flask) -> None:
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(importlib.import_module(f"portfolio.{name}").bp)
