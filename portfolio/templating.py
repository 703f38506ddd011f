"""What every template can use: symbols, read-aloud links, permissions and display settings."""
from __future__ import annotations

from typing import Any

from flask import Flask, g
from flask_login import current_user
from markupsafe import Markup

from portfolio import db
from portfolio.experiences import drafts
from portfolio.experiences import service as experiences
from portfolio.models import (
    Experience,
    ExperienceKind,
    ExperienceStatus,
    HelpLevel,
    Role,
    TagScheme,
    WouldLike,
)
from portfolio.people.access_routes import signed_in_learner_settings
from portfolio.speech import service as speech_service
from portfolio.symbols import learner_pictures, vocabulary
from portfolio.symbols import library as symbols
from portfolio.symbols import service as school_symbols
from portfolio.symbols.pictures import symbol_src, symbol_url
from portfolio.web import policy


def display_classes(learner_page: bool = False) -> str:
    """Classes on <html> that apply the signed-in learner's own display settings.

    ``learner_page`` marks pages a learner meets before signing in (welcome, card code,
    picture check, errors), which need learner-sized targets too.
    """
    if not current_user.is_authenticated or current_user.role_enum is not Role.LEARNER:
        return "page-standard page-learner" if learner_page else "page-standard"
    settings = signed_in_learner_settings()
    return " ".join(["page-learner", *(settings.classes() if settings else [])])


def access_data() -> Markup:
    """``data-access`` on <html>: the signed-in learner's settings for static/js/access.js to use
    and keep on the tablet. Nothing for anyone else."""
    settings = signed_in_learner_settings()
    return Markup(' data-access="{}"').format(settings.as_json()) if settings else Markup("")


def _own_symbols(school_id: int) -> dict[str, str]:
    # One query per request, however many captions the page shows.
    cache = g.setdefault("own_symbols", {})
    if school_id not in cache:
        cache[school_id] = school_symbols.own_symbol_map(db.session(), school_id)
    return cache[school_id]


def caption_words(experience: Experience) -> list[vocabulary.CaptionWord]:
    return vocabulary.symbolise(
        experience.caption, own_symbols=_own_symbols(experience.school_id), overrides=experience.caption_symbols or {}
    )


def word_label(key: str | None) -> str:
    found = vocabulary.word(key) if key else None
    return found.label if found else ""


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        symbol_src=symbol_src,
        caption_words=caption_words,
        word_label=word_label,
        vocabulary=vocabulary,
        experiences=experiences,
        drafts=drafts,
        ExperienceKind=ExperienceKind,
        ExperienceStatus=ExperienceStatus,
        HelpLevel=HelpLevel,
        WouldLike=WouldLike,
        TagScheme=TagScheme,
        symbol_url=symbol_url,
        audio_url=speech_service.audio_url,
        allows=lambda action, obj=None: policy.allows(
            policy.actor() if current_user.is_authenticated else None, action, obj
        ),
        display_classes=display_classes,
        access_data=access_data,
        openmoji_attribution=symbols.attribution(),
        picture_label=learner_pictures.picture_label,
    )

    @app.context_processor
    def _viewer() -> dict[str, Any]:
        # Templates never test roles themselves: they get these answers, decided here once.
        role = current_user.role_enum if current_user.is_authenticated else None
        return {
            # htmx must not keep snapshots of pages with personal data in localStorage.
            "personal_page": current_user.is_authenticated,
            "viewer_is_learner": role is Role.LEARNER,
            "viewer_is_family": role is Role.PARENT,
        }
