"""My Next Steps: an accessible portfolio for young people with SEND.

``create_app`` builds the app; nothing runs at import time.
"""
from __future__ import annotations

import logging
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any, Mapping

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

    from portfolio import db, templating
    from portfolio.careers import routes as careers
    from portfolio.cli import register_commands
    from portfolio.employers import routes as employers
    from portfolio.experiences import routes as experiences
    from portfolio.feedback import routes as feedback
    from portfolio.homes import family_routes as family
    from portfolio.homes import learner_routes as learner
    from portfolio.homes import main_routes as main
    from portfolio.homes import staff_routes as staff
    from portfolio.media import storage
    from portfolio.passport import routes as passport
    from portfolio.people import admin_routes as admin
    from portfolio.people import auth_routes as auth
    from portfolio.people import sessions as auth_session
    from portfolio.plans import routes as plans
    from portfolio.portability import routes as portability
    from portfolio.reviews import routes as reviews
    from portfolio.sharing import routes as sharing
    from portfolio.speech import routes as speech
    from portfolio.speech import service as speech_service
    from portfolio.symbols import routes as symbols
    from portfolio.web import security
    from portfolio.web.extensions import csrf, htmx, limiter, login_manager

    db.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    auth_session.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    speech_service.init_app(app)
    storage.init_app(app)

    for blueprint in (
        main.bp, auth.bp, learner.bp, staff.bp, family.bp, admin.bp, speech.bp, experiences.bp, symbols.bp,
        passport.bp, sharing.bp, portability.bp, plans.bp, reviews.bp, employers.bp, careers.bp, feedback.bp,
    ):
        app.register_blueprint(blueprint)
    register_commands(app)
    return app
