"""Sharing outside school: "About me for my placement" pages behind a secret link.

Staff and the learner choose passport sections and shared entries for one employer or
college. The link's token is shown once (as a link and a QR code) and only its hash is
stored, like a login card, so a database leak opens nothing. Every opening is logged.
What a link shows is worked out again on every visit: a statement taken out of the
passport, an entry no longer shared, or photo consent taken back disappears at once.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portfolio import secret_links
from portfolio.audit import log as audit_log
from portfolio.errors import KindError
from portfolio.experiences import service as experiences
from portfolio.models import (
    ActivityParticipant,
    CareersActivity,
    Experience,
    ExperiencePhoto,
    ExperienceStatus,
    MediaFile,
    PassportSection,
    PassportStatement,
    Role,
    SchoolSymbol,
    ShareAccess,
    ShareLink,
    StatementStatus,
    User,
    utcnow,
)
from portfolio.people import consent
from portfolio.people.consent import ConsentUse
from portfolio.plain_text import check_length, without_controls
from portfolio.secret_links import LinkState, SpeechTokens
from portfolio.speech.engine import normalise_text
from portfolio.tokens import new_token, token_hash
from portfolio.web.paging import Page, SortKey, keyset_page

EXPIRY_DAYS: tuple[int, ...] = (7, 30, 90)
DEFAULT_EXPIRY_DAYS = 30
MAX_AUDIENCE = 120
MAX_CLIENT = 120
ACCESS_KINDS = frozenset({"page", "photo", "voice", "feedback"})
_SPEECH_SALT = "speech-share"

# A symbol for each passport section, from the app's own symbol library.
SECTION_SYMBOLS: dict[PassportSection, str] = {
    PassportSection.ABOUT_ME: "person",
    PassportSection.IMPORTANT_PEOPLE: "people",
    PassportSection.HOW_I_COMMUNICATE: "words",
    PassportSection.HOW_TO_HELP: "help",
    PassportSection.OK_NOT_OK: "smile",
    PassportSection.MUST_KNOW: "warning",
    PassportSection.LIKES: "heart",
    PassportSection.STRENGTHS: "star",
    PassportSection.HELPS_AT_WORK: "kind-placement",
    PassportSection.HOPES: "rainbow",
}


class ShareError(KindError):
    """A link that cannot be made as asked, with a kind sentence to show."""


@dataclass(frozen=True)
class IssuedLink:
    link: ShareLink
    token: str  # only known now: shown once as a link and a QR code


@dataclass(frozen=True)
class LinkLookup:
    state: LinkState
    link: ShareLink | None = None


@dataclass(frozen=True)
class LinkSummary:
    """One row of the learner's list of links."""

    link: ShareLink
    state: LinkState
    access_count: int
    last_access: datetime | None


@dataclass(frozen=True)
class SectionChoice:
    """A passport section the sharer may include, with the statements it would show."""

    section: PassportSection
    statements: list[PassportStatement]

    @property
    def symbol(self) -> str:
        return SECTION_SYMBOLS[self.section]


@dataclass(frozen=True)
class SharedPage:
    """Everything one visit to a share link may show, already filtered by status and consent."""

    link: ShareLink
    learner: User
    sections: list[SectionChoice]
    experiences: list[Experience]
    show_photos: bool


def clean_audience(text: str) -> str:
    # Control characters and line breaks would only confuse the read-aloud and the layout.
    words = re.sub(r"\s+", " ", without_controls(text))
    return check_length(words, MAX_AUDIENCE, what="who it is for", refuse=ShareError)


def passport_sections(session: Session, learner: User) -> list[SectionChoice]:
    """The learner's passport as it stands: active statements, in template order, empty sections left out."""
    statements = session.scalars(
        select(PassportStatement)
        .where(
            PassportStatement.learner_id == learner.id,
            PassportStatement.school_id == learner.school_id,
            PassportStatement.status == StatementStatus.ACTIVE.value,
        )
        .order_by(PassportStatement.position, PassportStatement.id)
    )
    by_section: dict[str, list[PassportStatement]] = {}
    for statement in statements:
        by_section.setdefault(statement.section, []).append(statement)
    return [SectionChoice(section, by_section[section.value]) for section in PassportSection
            if section.value in by_section]


def shareable_experiences(session: Session, learner: User) -> list[Experience]:
    """Only entries staff have checked and shared may leave the school."""
    return [entry for entry in experiences.portfolio(session, learner, statuses=[ExperienceStatus.SHARED])
            if entry.school_id == learner.school_id]


def _parse_days(days: str | int | None) -> int:
    try:
        value = int(days) if days not in (None, "") else DEFAULT_EXPIRY_DAYS
    except (TypeError, ValueError):
        value = -1
    if value not in EXPIRY_DAYS:
        raise ShareError("Please choose how long the link works: 7, 30 or 90 days.")
    return value


def _parse_ids(values: Iterable[str | int]) -> list[int]:
    ids: list[int] = []
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ShareError("Please choose from the entries shown.") from None
        if number not in ids:
            ids.append(number)
    return ids


def create_link(session: Session, learner: User, actor: User, *, audience: str, sections: Sequence[str],
                experience_ids: Iterable[str | int], days: str | int | None = DEFAULT_EXPIRY_DAYS,
                activity: CareersActivity | None = None) -> IssuedLink:
    """Make a new secret link. Only sections with statements and shared entries can be chosen."""
    if learner.role_enum is not Role.LEARNER:
        raise ShareError("Only a learner's page can be shared.")
    who = clean_audience(audience)
    if not who:
        raise ShareError("Please say who this is for, for example the employer or college.")
    valid_days = _parse_days(days)
    available = {choice.section.value for choice in passport_sections(session, learner)}
    chosen_sections = [value for value in PassportSection if value.value in set(sections)]
    if len(chosen_sections) != len(set(sections)) or any(s.value not in available for s in chosen_sections):
        raise ShareError("Please choose from the passport sections shown.")
    wanted = _parse_ids(experience_ids)
    shareable = {entry.id for entry in shareable_experiences(session, learner)}
    if any(entry_id not in shareable for entry_id in wanted):
        raise ShareError("Only entries that have been checked and shared can go on the page.")
    if not chosen_sections and not wanted:
        raise ShareError("Please choose at least one passport section or one entry to share.")
    token = new_token()
    now = utcnow()
    link = ShareLink(
        school_id=learner.school_id,
        learner_id=learner.id,
        token_hash=token_hash(token),
        audience=who,
        sections=[section.value for section in chosen_sections],
        experience_ids=wanted,
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
        activity_id=activity.id if activity is not None else None,
    )
    session.add(link)
    session.flush()
    return IssuedLink(link=link, token=token)


def state_of(link: ShareLink | None, now: datetime) -> LinkState:
    if link is None:
        return LinkState.UNKNOWN
    return secret_links.state_of(revoked_at=link.revoked_at, expires_at=link.expires_at, learner=link.learner,
                                 school_id=link.school_id, now=now)


def find_by_token(session: Session, token: str, now: datetime | None = None) -> LinkLookup:
    if not token or len(token) > 200:
        return LinkLookup(LinkState.UNKNOWN)
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == token_hash(token)))
    state = state_of(link, now or utcnow())
    return LinkLookup(state, link if state is not LinkState.UNKNOWN else None)


def find_link(session: Session, learner: User, link_id: int) -> ShareLink | None:
    link = session.get(ShareLink, link_id)
    if link is None or link.learner_id != learner.id or link.school_id != learner.school_id:
        return None
    return link


def revoke(session: Session, learner: User, link_id: int) -> bool:
    """Stop a link at once. True if it was working; stopping it twice changes nothing."""
    link = find_link(session, learner, link_id)
    if link is None or link.revoked_at is not None:
        return False
    link.revoked_at = utcnow()
    session.flush()
    return True


LINK_ORDER: tuple[SortKey[ShareLink], ...] = (
    SortKey(ShareLink.created_at, True, lambda link: link.created_at),
    SortKey(ShareLink.id, True, lambda link: link.id),
)


def links_for(session: Session, learner: User, now: datetime | None = None,
              after: str | None = None) -> Page[LinkSummary]:
    """A page of the learner's links, newest first, with how often and when each was last opened
    (counted in one grouped query for the page, however long each link's log is)."""
    moment = now or utcnow()
    page = keyset_page(session, select(ShareLink).where(
        ShareLink.learner_id == learner.id, ShareLink.school_id == learner.school_id), LINK_ORDER, after)
    links = page.items
    counts = {
        link_id: (count, last)
        for link_id, count, last in session.execute(
            select(ShareAccess.link_id, func.count(ShareAccess.id), func.max(ShareAccess.at))
            .where(ShareAccess.link_id.in_([link.id for link in links]))
            .group_by(ShareAccess.link_id)
        )
    }
    rows = [LinkSummary(link, state_of(link, moment), *counts.get(link.id, (0, None))) for link in links]
    return Page(rows, page.next_cursor, page.after)


def record_access(session: Session, link: ShareLink, what: str, user_agent: str | None) -> ShareAccess:
    """Log one opening: what was fetched and a short, cleaned user agent (no IP address is kept)."""
    if what not in ACCESS_KINDS:
        raise ValueError(f"unknown access kind {what!r}")
    client = re.sub(r"[\x00-\x1f\x7f]+", " ", user_agent or "").strip()[:MAX_CLIENT]
    access = ShareAccess(link_id=link.id, what=what, client=client, at=utcnow())
    session.add(access)
    if what == "page":  # the About me page itself goes on the learner's audit trail; its pictures do not
        audit_log.record(session, action="viewed", record_kind="share_links", record_id=link.id,
                         learner_id=link.learner_id, school_id=link.school_id, actor_role="visitor",
                         detail="About me page")
    session.flush()
    return access


def photos_allowed(session: Session, link: ShareLink) -> bool:
    return consent.allows(session, link.learner, ConsentUse.OUTSIDE_SCHOOL)


def _linked_experiences(session: Session, link: ShareLink) -> list[Experience]:
    """The link's entries that are still the learner's and still shared, in the order chosen."""
    if not link.experience_ids:
        return []
    found = {
        entry.id: entry
        for entry in session.scalars(select(Experience).where(
            Experience.id.in_(link.experience_ids),
            Experience.learner_id == link.learner_id,
            Experience.school_id == link.school_id,
            Experience.status == ExperienceStatus.SHARED.value,
        ))
    }
    return [found[entry_id] for entry_id in link.experience_ids if entry_id in found]


def activity_for(session: Session, learner: User, activity_id: int | None) -> CareersActivity | None:
    """A planned activity this learner takes part in, for an About me page made for its employer."""
    if activity_id is None:
        return None
    activity = session.get(CareersActivity, activity_id)
    if activity is None or activity.school_id != learner.school_id or activity.cancelled_at is not None:
        return None
    return activity if any(p.learner_id == learner.id for p in activity.participants) else None


def participant_for(link: ShareLink, today: date) -> ActivityParticipant | None:
    """Once the placement the page was made for has started, the employer may say how it went."""
    activity = link.activity
    if activity is None or activity.cancelled_at is not None or activity.starts_on > today:
        return None
    return next((p for p in activity.participants if p.learner_id == link.learner_id), None)


def feedback_token(secret: str, link: ShareLink, participant: ActivityParticipant) -> str:
    """The feedback link an About me page offers: derived from the page's own link, so every visit
    reaches the same form and no token need be kept."""
    message = f"share-feedback:{link.id}:{participant.id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def page_for(session: Session, link: ShareLink) -> SharedPage:
    chosen = set(link.sections or [])
    sections = [choice for choice in passport_sections(session, link.learner) if choice.section.value in chosen]
    return SharedPage(
        link=link,
        learner=link.learner,
        sections=sections,
        experiences=_linked_experiences(session, link),
        show_photos=photos_allowed(session, link),
    )


def photo_for(session: Session, link: ShareLink, photo_id: int) -> ExperiencePhoto | None:
    """A photo only if it belongs to an entry on this link and the learner allows photos outside school."""
    if not photos_allowed(session, link):
        return None
    photo = session.get(ExperiencePhoto, photo_id)
    if photo is None:
        return None
    return photo if any(entry.id == photo.experience_id for entry in _linked_experiences(session, link)) else None


def voice_for(session: Session, link: ShareLink, experience_id: int) -> MediaFile | None:
    for entry in _linked_experiences(session, link):
        if entry.id == experience_id:
            return entry.voice
    return None


def school_symbol_for(session: Session, link: ShareLink, symbol_id: int) -> SchoolSymbol | None:
    """A school's own picture, for captions and statements on a page from the same school."""
    symbol = session.get(SchoolSymbol, symbol_id)
    return symbol if symbol is not None and symbol.school_id == link.school_id else None


def speech_token(secret: str, link: ShareLink, text: str) -> str:
    """A read-aloud token bound to one link, so it speaks nothing through any other link or route."""
    return SpeechTokens(secret, _SPEECH_SALT).make(link.id, normalise_text(text))


def text_from_speech_token(secret: str, link: ShareLink, token: str) -> str | None:
    return SpeechTokens(secret, _SPEECH_SALT).read(link.id, token)
