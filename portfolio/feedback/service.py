"""Employer feedback: a secret link per learner and activity, answered with no account.

The rules are the About me links' rules (see ``portfolio.secret_links``): the token is
shown once, only its hash is kept, a link works for 30 days unless stopped, and every
opening and sending is logged. Feedback can be sent once and changed until staff have read
it, so a school never acts on words the employer is still changing. The learner and family
see it only once staff have checked it (``policy.can_see_feedback``).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio import secret_links
from portfolio.errors import KindError
from portfolio.experiences.service import clean_line, clean_text
from portfolio.media import recordings
from portfolio.media.changes import MediaChange
from portfolio.media.storage import MediaStore
from portfolio.models import (
    ActivityParticipant,
    EmployerFeedback,
    FeedbackAccess,
    User,
    utcnow,
)
from portfolio.secret_links import LinkState, SpeechTokens
from portfolio.speech.engine import normalise_text
from portfolio.symbols import vocabulary
from portfolio.tokens import new_token, token_hash

DEFAULT_EXPIRY_DAYS = 30
MAX_AUTHOR = 120
MAX_WORDS = 1000
MAX_CLIENT = 120
ACCESS_KINDS = frozenset({"page", "send"})
_SPEECH_SALT = "speech-feedback"

# The three-point scale an employer taps for each skill they saw: (value, words, symbol).
SCALE: tuple[tuple[int, str, str], ...] = ((1, "Not yet", "try-again"), (2, "Getting there", "up"),
                                           (3, "Did it well", "star"))
# "Would you offer this again?": (value, words, symbol).
OFFER_AGAIN: tuple[tuple[str, str, str], ...] = (("yes", "Yes", "yes"), ("maybe", "Maybe", "maybe"),
                                                 ("no", "No", "no"))


class FeedbackError(KindError):
    """Feedback that cannot be made or kept as asked, with a kind sentence to show."""


class FeedbackLocked(FeedbackError):
    """The school has read the feedback, so it no longer changes."""


@dataclass(frozen=True)
class IssuedFeedbackLink:
    feedback: EmployerFeedback
    token: str  # only known now: shown once as a link, a QR code and a printed card


@dataclass(frozen=True)
class FeedbackLookup:
    state: LinkState
    feedback: EmployerFeedback | None = None


@dataclass(frozen=True)
class LinkRow:
    """One feedback link on the staff page, with how often it was opened or sent."""

    feedback: EmployerFeedback
    state: LinkState
    opened: int
    last_access: datetime | None


@dataclass(frozen=True)
class FeedbackAnswers:
    """What the employer sent, as typed; ``save_answers`` cleans and checks it."""

    author_name: str = ""
    skills: Mapping[str, str] | None = None
    went_well: str = ""
    work_on: str = ""
    offer_again: str = ""


def skills() -> tuple[vocabulary.Word, ...]:
    """The skills an employer can rate: the same words the learner taps on their entry."""
    return vocabulary.words_in("skills")


def scale_label(value: int | None) -> str:
    return next((words for number, words, _ in SCALE if number == value), "")


def scale_symbol(value: int | None) -> str:
    return next((name for number, _, name in SCALE if number == value), "info")


def offer_label(value: str | None) -> str:
    return next((words for key, words, _ in OFFER_AGAIN if key == value), "")


def employer_name(participant: ActivityParticipant) -> str:
    """Who the feedback is from, in the words the learner knows: the employer, else a kind default."""
    employer = participant.activity.employer
    return employer.name if employer is not None else "the employer"


# --------------------------------------------------------------------------- links


def link_with_token(session: Session, participant: ActivityParticipant, token: str, *, expires_at: datetime,
                    created_by_id: int | None) -> EmployerFeedback:
    """The feedback link for a token made elsewhere (an About me page derives one from its own link):
    found if it exists, made once if not, so every visit reaches the same form."""
    found = session.scalar(select(EmployerFeedback).where(EmployerFeedback.token_hash == token_hash(token)))
    if found is not None:
        return found
    feedback = EmployerFeedback(
        school_id=participant.school_id, participant_id=participant.id, token_hash=token_hash(token),
        created_by_id=created_by_id, created_at=utcnow(), expires_at=expires_at, skills={},
    )
    participant.feedback.append(feedback)
    session.flush()
    return feedback


def create_link(session: Session, participant: ActivityParticipant, actor: User, *,
                days: int = DEFAULT_EXPIRY_DAYS, now: datetime | None = None) -> IssuedFeedbackLink:
    """A new secret link for one learner's activity; earlier links keep working until stopped."""
    learner = participant.learner
    if learner is None or not learner.active or learner.school_id != participant.school_id:
        raise FeedbackError("Feedback can only be asked for a learner who is still at the school.")
    moment = now or utcnow()
    token = new_token()
    feedback = EmployerFeedback(
        school_id=participant.school_id, participant_id=participant.id, token_hash=token_hash(token),
        created_by_id=actor.id, created_at=moment, expires_at=moment + timedelta(days=days), skills={},
    )
    participant.feedback.append(feedback)  # through the relationship, so the participant's list is current
    session.flush()
    return IssuedFeedbackLink(feedback=feedback, token=token)


def state_of(feedback: EmployerFeedback | None, now: datetime) -> LinkState:
    if feedback is None:
        return LinkState.UNKNOWN
    return secret_links.state_of(revoked_at=feedback.revoked_at, expires_at=feedback.expires_at,
                                 learner=feedback.participant.learner, school_id=feedback.school_id, now=now)


def find_by_token(session: Session, token: str, now: datetime | None = None) -> FeedbackLookup:
    if not token or len(token) > 200:
        return FeedbackLookup(LinkState.UNKNOWN)
    feedback = session.scalar(select(EmployerFeedback).where(EmployerFeedback.token_hash == token_hash(token)))
    state = state_of(feedback, now or utcnow())
    return FeedbackLookup(state, feedback if state is not LinkState.UNKNOWN else None)


def stop(session: Session, participant: ActivityParticipant, link_id: int | None = None,
         now: datetime | None = None) -> int:
    """Stop one link (or, with no ``link_id``, every working one). Returns how many were stopped."""
    if link_id is not None and not any(f.id == link_id for f in participant.feedback):
        raise FeedbackError("That link is not one of this learner’s links.")
    moment = now or utcnow()
    stopped = 0
    for feedback in participant.feedback:
        if (link_id is None or feedback.id == link_id) and state_of(feedback, moment) is LinkState.ACTIVE:
            feedback.revoked_at = moment
            stopped += 1
    session.flush()
    return stopped


def record_access(session: Session, feedback: EmployerFeedback, what: str, user_agent: str | None,
                  now: datetime | None = None) -> FeedbackAccess:
    """Log one opening or sending, with a short cleaned user agent (no address is kept)."""
    if what not in ACCESS_KINDS:
        raise ValueError(f"unknown access kind {what!r}")
    client = re.sub(r"[\x00-\x1f\x7f]+", " ", user_agent or "").strip()[:MAX_CLIENT]
    access = FeedbackAccess(feedback_id=feedback.id, what=what, client=client, at=now or utcnow())
    session.add(access)
    session.flush()
    return access


def links_for(participant: ActivityParticipant, now: datetime | None = None) -> list[LinkRow]:
    """The participant's links, newest first, with the log summed up."""
    moment = now or utcnow()
    rows = []
    for feedback in sorted(participant.feedback, key=lambda f: f.id, reverse=True):
        opened = sum(1 for access in feedback.accesses if access.what == "page")
        rows.append(LinkRow(feedback, state_of(feedback, moment), opened,
                            max((access.at for access in feedback.accesses), default=None)))
    return rows


def active_link(participant: ActivityParticipant, now: datetime | None = None) -> EmployerFeedback | None:
    moment = now or utcnow()
    return next((f for f in reversed(participant.feedback) if state_of(f, moment) is LinkState.ACTIVE), None)


def latest_sent(participant: ActivityParticipant) -> EmployerFeedback | None:
    """The newest feedback the employer has sent: the one staff read, check and pass on."""
    return next((f for f in reversed(participant.feedback) if f.submitted_at is not None), None)


# --------------------------------------------------------------------------- the employer's answers


def _clean_skills(raw: Mapping[str, str] | None) -> dict[str, int]:
    """Only the project's skill words and the three scale points; a skill left untapped is not kept."""
    known = {word.key for word in skills()}
    values = {str(number) for number, _, _ in SCALE}
    chosen: dict[str, int] = {}
    for key, value in (raw or {}).items():
        if not value:
            continue
        if key not in known or value not in values:
            raise FeedbackError("Please choose from the skills and answers shown.")
        chosen[key] = int(value)
    return chosen


def _clean_offer(value: str) -> str | None:
    if not value:
        return None
    if value not in {key for key, _, _ in OFFER_AGAIN}:
        raise FeedbackError("Please answer yes, maybe or no.")
    return value


def save_answers(session: Session, store: MediaStore, feedback: EmployerFeedback, answers: FeedbackAnswers,
                 voice_data: bytes = b"", *, now: datetime | None = None, max_seconds: float = 60) -> MediaChange:
    """Keep what the employer sent (first time or a change), with the recording written and replaced.

    Everything is checked before the recording is stored, so a refusal leaves nothing behind.
    """
    if feedback.read_at is not None:
        raise FeedbackLocked("Thank you. The school has read this feedback, so it cannot be changed now.")
    author = clean_line(answers.author_name, MAX_AUTHOR, what="your name", refuse=FeedbackError)
    chosen = _clean_skills(answers.skills)
    went_well = clean_text(answers.went_well, MAX_WORDS, what="what went well", refuse=FeedbackError)
    work_on = clean_text(answers.work_on, MAX_WORDS, what="what to work on", refuse=FeedbackError)
    offer = _clean_offer(answers.offer_again)
    if not (chosen or went_well or work_on or offer or voice_data or feedback.voice_id):
        raise FeedbackError("Please tap at least one skill, write a few words or record a message.")
    change = MediaChange()
    if voice_data:
        change = recordings.record(session, store, feedback, voice_data, folder="feedback", max_seconds=max_seconds)
    moment = now or utcnow()
    feedback.author_name, feedback.skills = author, chosen
    feedback.went_well, feedback.work_on, feedback.offer_again = went_well, work_on, offer
    feedback.submitted_at = feedback.submitted_at or moment
    feedback.updated_at = moment
    session.flush()
    return change


# --------------------------------------------------------------------------- staff and the learner


def open_for_staff(session: Session, participant: ActivityParticipant, staff: User,
                   now: datetime | None = None) -> EmployerFeedback | None:
    """The feedback to show staff. The first look marks it read, which stops the employer changing it."""
    feedback = latest_sent(participant)
    if feedback is not None and feedback.read_at is None:
        feedback.read_at, feedback.read_by_id = now or utcnow(), staff.id
        session.flush()
    return feedback


def check(session: Session, participant: ActivityParticipant, staff: User,
          now: datetime | None = None) -> EmployerFeedback:
    """Staff have read it and it is fit for the learner and family: from now on they see it too."""
    feedback = open_for_staff(session, participant, staff, now)
    if feedback is None:
        raise FeedbackError("There is no feedback to check yet.")
    if feedback.checked_at is None:
        feedback.checked_at, feedback.checked_by_id = now or utcnow(), staff.id
        session.flush()
    return feedback


def participant_for_entry(session: Session, experience_activity_id: int | None,
                          learner_id: int) -> ActivityParticipant | None:
    """The learner's place on the activity an entry records, if the entry started from one."""
    if experience_activity_id is None:
        return None
    return session.scalar(select(ActivityParticipant).where(
        ActivityParticipant.activity_id == experience_activity_id, ActivityParticipant.learner_id == learner_id))


# --------------------------------------------------------------------------- read-aloud on the public form


def speech_token(secret: str, feedback: EmployerFeedback, text: str) -> str:
    """A read-aloud token bound to one feedback link, so it speaks nothing through any other."""
    return SpeechTokens(secret, _SPEECH_SALT).make(feedback.id, normalise_text(text))


def text_from_speech_token(secret: str, feedback: EmployerFeedback, token: str) -> str | None:
    return SpeechTokens(secret, _SPEECH_SALT).read(feedback.id, token)
