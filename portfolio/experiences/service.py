"""Experiences: making, saving, checking and sharing a learner's portfolio entries.

Every change is saved as it happens (a tablet that sleeps loses nothing), and every change
is small and idempotent, so a double tap or a second tab on the same draft cannot undo
another tab's work: toggling a symbol names the symbol, moving a photo names the photo.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portfolio.errors import KindError
from portfolio.experiences import drafts
from portfolio.media.changes import MediaChange, delete_quietly
from portfolio.media.photos import StoredPhoto, ingest_photo
from portfolio.media.storage import MediaStore
from portfolio.models import (
    CareersActivity,
    Experience,
    ExperienceKind,
    ExperiencePhoto,
    ExperienceStatus,
    ExperienceTag,
    HelpLevel,
    MediaFile,
    Role,
    TagScheme,
    User,
    WouldLike,
    utcnow,
)
from portfolio.plain_text import clean_line, clean_text, fit_line
from portfolio.symbols import vocabulary
from portfolio.web.paging import Page, SortKey, keyset_page

MAX_PHOTOS = 12
MAX_TAGS = 12
MAX_CAPTION = 500
MAX_PLACE = 120
MAX_NOTE = 1000


class ExperienceError(KindError):
    """A change that cannot be made, with a kind sentence to show."""


@dataclass(frozen=True)
class Step:
    """One screen of the learner's flow. The order of ``STEPS`` is the order on screen."""

    key: str
    label: str
    question: str
    symbol: str


STEPS: tuple[Step, ...] = (
    Step("kind", "What", "What did you do?", "step-what"),
    Step("place", "Where", "Where did you go?", "step-where"),
    Step("date", "When", "When was it?", "step-when"),
    Step("photos", "Photos", "Add your photos", "step-photos"),
    Step("did", "Jobs", "What did you do there?", "step-did"),
    Step("feeling", "Feeling", "How did you feel?", "step-feeling"),
    Step("skills", "Skills", "What skills did you use?", "step-skills"),
    Step("job", "This job?", "Would you like to do this job?", "step-job"),
    Step("words", "My words", "Say it in your words", "step-words"),
    Step("voice", "My voice", "Record your voice", "step-voice"),
    Step("send", "Send", "Check and send", "step-send"),
)
STEP_KEYS: tuple[str, ...] = tuple(step.key for step in STEPS)

# Notes a TA can send back with one tap; the learner hears them read aloud.
SEND_BACK_NOTES: dict[str, str] = {
    "photos": "Please add a photo.",
    "feeling": "Please tell us how you felt.",
    "voice": "Please record your voice.",
    "words": "Please add some words.",
    "did": "Please show what you did.",
}
SEND_BACK_SYMBOLS: dict[str, str] = {
    "photos": "step-photos", "feeling": "step-feeling", "voice": "step-voice", "words": "step-words", "did": "step-did",
}


# Where "what did you do there?" symbols come from, in the order the learner browses them.
DID_CATEGORIES: tuple[str, ...] = ("tasks", "tools", "people", "jobs", "travel")


def did_categories() -> list[vocabulary.Category]:
    return [vocabulary.category(key) for key in DID_CATEGORIES]


def today() -> date:
    return date.today()


def yesterday() -> date:
    return date.today() - timedelta(days=1)


def step(key: str) -> Step:
    for candidate in STEPS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


# A planned activity already says what, where and when, so its entry is only these screens; the
# last one ends with Send.
ACTIVITY_STEP_KEYS: tuple[str, ...] = ("photos", "did", "feeling", "voice")
# The learner's way through an ordinary entry. Each choice (or Done) leads to the next of these that
# is not already known, and the last one ends with Send. The extras are welcome but not a must, so
# they wait off the path, reachable from the step strip and offered on the last step.
MAIN_STEP_KEYS: tuple[str, ...] = ("kind", "place", "date", "photos", "did", "feeling", "voice")
EXTRA_STEP_KEYS: tuple[str, ...] = ("skills", "job", "words")
FLOW_KEYS: tuple[str, ...] = (*MAIN_STEP_KEYS, *EXTRA_STEP_KEYS, "send")
# A tap on one of these answers the whole step, so the learner is taken on at once; a photo picked
# moves on too. Steps with several answers wait for Done.
ONE_ANSWER_KEYS: frozenset[str] = frozenset({"kind", "place", "date", "feeling", "job"})
AUTO_ADVANCE_KEYS: frozenset[str] = ONE_ANSWER_KEYS | {"photos"}
SEVERAL_ANSWER_KEYS: frozenset[str] = frozenset({"did", "skills", "words"})
# Work in the school café says where it was, so the place is filled in and its step skipped.
SCHOOL_CAFE_KIND = ExperienceKind.ENTERPRISE.value
SCHOOL_CAFE_PLACE = "School café"
SCHOOL_CAFE_SYMBOL = "cafe"
# The answers an entry cannot be sent without, each with the sentence that names it and the words
# of the button that goes straight there.
REQUIRED_STEPS: dict[str, tuple[str, str]] = {
    "kind": ("Please choose what you did first.", "Choose what you did"),
}


def skipped(experience: Experience, key: str, today: date) -> bool:
    """Whether a step is already known, so the way through passes it (the strip still offers it)."""
    if key == "place":
        return experience.kind == SCHOOL_CAFE_KIND and bool(experience.place or experience.place_symbol)
    if key == "date":
        return experience.start_date == today and experience.end_date is None
    return False


def path_for(experience: Experience, today: date) -> tuple[str, ...]:
    """The steps Next and a one-answer tap go through, in order; the last one has Send."""
    if experience.activity_id is not None:
        return ACTIVITY_STEP_KEYS if experience.kind else ("kind", *ACTIVITY_STEP_KEYS)
    return tuple(key for key in MAIN_STEP_KEYS if not skipped(experience, key, today))


def steps_for(experience: Experience) -> tuple[Step, ...]:
    """The step strip: every step of an ordinary entry, or the short path of a planned activity."""
    if experience.activity_id is None:
        return tuple(step(key) for key in FLOW_KEYS)
    keys = ACTIVITY_STEP_KEYS if experience.kind else ("kind", *ACTIVITY_STEP_KEYS)
    return tuple(step(key) for key in keys)


def advances_by_itself(key: str) -> bool:
    """Whether a learner's answer on this step moves on at once (staff's one-page view never does)."""
    return key in AUTO_ADVANCE_KEYS


def neighbours(key: str, path: Sequence[str]) -> tuple[str | None, str | None]:
    """The steps behind Back and Next. An extra comes back to the path's last step with Done; a step
    skipped on the way through (reached from the strip) sits between its path neighbours."""
    if key in path:
        index = path.index(key)
        return (path[index - 1] if index > 0 else None), (path[index + 1] if index + 1 < len(path) else None)
    if key in EXTRA_STEP_KEYS:
        return path[-1], path[-1]
    if key == "send":
        return path[-1], None
    order = FLOW_KEYS.index(key)
    before = [item for item in path if FLOW_KEYS.index(item) < order]
    after = [item for item in path if FLOW_KEYS.index(item) > order]
    return (before[-1] if before else None), (after[0] if after else None)


def answered(experience: Experience, key: str) -> bool:
    """Whether a step holds an answer: the strip shades a step done only then."""
    answers = {
        "kind": lambda: bool(experience.kind),
        "place": lambda: bool(experience.place or experience.place_symbol),
        "date": lambda: experience.start_date is not None,
        "photos": lambda: bool(experience.photos),
        "did": lambda: bool(experience.tag_values(TagScheme.DID)),
        "feeling": lambda: bool(experience.feeling),
        "skills": lambda: bool(experience.tag_values(TagScheme.SKILL)),
        "job": lambda: bool(experience.would_like),
        "words": lambda: bool(experience.caption),
        "voice": lambda: experience.voice_id is not None or experience.voice is not None,
        "send": lambda: experience.status != ExperienceStatus.DRAFT.value,
    }
    return answers[key]()


def resume_step(experience: Experience) -> str:
    """Where a draft reopens: its first unanswered required step, else where the learner left it."""
    for key in REQUIRED_STEPS:
        if not answered(experience, key):
            return key
    return experience.step if experience.step in STEP_KEYS else FLOW_KEYS[0]


def missing_text(missing: Step) -> tuple[str, str]:
    """The sentence naming a missing step, and the words of the button that goes to it."""
    return REQUIRED_STEPS[missing.key]


def recorded_activity_ids(dbs: Session, learner: User) -> set[int]:
    """The planned activities this learner has already sent an entry about."""
    return set(dbs.scalars(select(Experience.activity_id).where(
        Experience.learner_id == learner.id, Experience.activity_id.is_not(None),
        Experience.status != ExperienceStatus.DRAFT.value)))


def start_from_activity(dbs: Session, activity: CareersActivity, learner: User) -> Experience:
    """Begin the learner's entry about a planned activity, filled in from the plan: kind, place,
    employer and dates. A second tap on the same activity carries on the same draft."""
    draft = dbs.scalars(
        select(Experience)
        .where(Experience.learner_id == learner.id, Experience.activity_id == activity.id,
               Experience.status == ExperienceStatus.DRAFT.value)
        .order_by(Experience.id.desc())
        .limit(1)
    ).first()
    if draft is not None:
        return draft
    kind = activity.kind_enum.experience_kind
    employer = activity.employer
    sector = vocabulary.word(employer.sector) if employer is not None and employer.sector else None
    experience = Experience(
        school_id=learner.school_id,
        learner_id=learner.id,
        created_by_id=learner.id,
        activity_id=activity.id,
        kind=kind.value if kind else None,
        place=fit_line(employer.name if employer is not None else activity.title, MAX_PLACE),
        place_symbol=sector.key if sector is not None and sector.category == "places" else None,
        start_date=activity.starts_on,
        end_date=activity.ends_on if activity.ends_on != activity.starts_on else None,
        caption_symbols={},
    )
    experience.step = steps_for(experience)[0].key
    dbs.add(experience)
    dbs.flush()
    return experience


def start(dbs: Session, learner: User, actor: User, today: date) -> Experience:
    """Begin an entry, or give back the learner's untouched draft (a double tap on "Add").

    A new entry is dated the day it is made: most entries are made on the day, so the "When" step
    can be skipped, and every "newest first" list puts it in its place."""
    untouched = dbs.scalars(
        select(Experience)
        .where(
            Experience.learner_id == learner.id,
            Experience.created_by_id == actor.id,
            Experience.status == ExperienceStatus.DRAFT.value,
            Experience.kind.is_(None),
            Experience.place == "",
            Experience.caption == "",
            Experience.voice_id.is_(None),
        )
        .order_by(Experience.id.desc())
        .limit(1)
    ).first()
    if untouched is not None and not untouched.photos and not untouched.tags:
        return untouched
    experience = Experience(
        school_id=learner.school_id,
        learner_id=learner.id,
        created_by_id=actor.id,
        caption_symbols={},
        help_level=HelpLevel.STAFF.value if actor.role_enum is not Role.LEARNER else None,
        start_date=today,
    )
    dbs.add(experience)
    dbs.flush()
    return experience


def latest_draft(dbs: Session, learner: User) -> Experience | None:
    """The draft a learner comes back to after the tablet slept or the tab closed."""
    return dbs.scalars(
        select(Experience)
        .where(Experience.learner_id == learner.id, Experience.status == ExperienceStatus.DRAFT.value)
        .order_by(Experience.updated_at.desc(), Experience.id.desc())
        .limit(1)
    ).first()


def remember_step(experience: Experience, key: str) -> None:
    if key in STEP_KEYS:
        experience.step = key


def set_kind(experience: Experience, value: str) -> None:
    """Choose the kind. Work in the school café also says where it was (unless a place was given);
    choosing another kind takes that filled-in place away again."""
    try:
        kind = ExperienceKind(value).value
    except ValueError:
        raise ExperienceError("Please choose one of the pictures.") from None
    cafe = vocabulary.word(SCHOOL_CAFE_SYMBOL)
    cafe_symbol = cafe.key if cafe is not None and cafe.category == "places" else None
    filled_in = experience.place == SCHOOL_CAFE_PLACE and experience.place_symbol == cafe_symbol
    if kind == SCHOOL_CAFE_KIND and not (experience.place or experience.place_symbol):
        experience.place, experience.place_symbol = SCHOOL_CAFE_PLACE, cafe_symbol
    elif kind != SCHOOL_CAFE_KIND and filled_in:
        experience.place, experience.place_symbol = "", None
    experience.kind = kind


def set_place(experience: Experience, symbol_key: str | None, typed: str | None) -> None:
    """A place is a picture from the places grid, or typed words (staff often type the employer)."""
    if symbol_key:
        word = vocabulary.word(symbol_key)
        if word is None or word.category != "places":
            raise ExperienceError("Please choose one of the places.")
        experience.place_symbol = word.key
        if typed is None:
            experience.place = word.label[:1].upper() + word.label[1:]
    if typed is not None:
        experience.place = clean_line(typed, MAX_PLACE, what="the place", refuse=ExperienceError)


def set_dates(experience: Experience, choice: str, start_text: str = "", end_text: str = "",
              today: date | None = None) -> None:
    today = today or date.today()
    if choice == "today":
        experience.start_date, experience.end_date = today, None
    elif choice == "yesterday":
        experience.start_date, experience.end_date = today - timedelta(days=1), None
    else:
        start_day = _parse_date(start_text)
        end_day = _parse_date(end_text) if end_text.strip() else None
        if start_day is None:
            raise ExperienceError("Please choose a day.")
        if end_day is not None and end_day < start_day:
            raise ExperienceError("The last day is before the first day. Please check the days.")
        if start_day > today + timedelta(days=366):
            raise ExperienceError("That day is too far ahead. Please check the day.")
        experience.start_date, experience.end_date = start_day, (end_day if end_day != start_day else None)


def toggle_tag(experience: Experience, scheme: TagScheme, value: str, on: bool) -> None:
    """Add or remove one symbol. Naming the state wanted (not "flip") makes a double tap harmless."""
    word = vocabulary.word(value)
    allowed = "skills" if scheme is TagScheme.SKILL else None
    if word is None or (allowed and word.category != allowed) or (not allowed and word.category == "skills"):
        raise ExperienceError("Please choose one of the pictures.")
    existing = [tag for tag in experience.tags if tag.scheme == scheme.value]
    current = next((tag for tag in existing if tag.value == value), None)
    if on and current is None:
        if len(existing) >= MAX_TAGS:
            raise ExperienceError(f"You can choose up to {MAX_TAGS} pictures.")
        position = max((tag.position for tag in existing), default=-1) + 1
        experience.tags.append(ExperienceTag(scheme=scheme.value, value=value, position=position))
    elif not on and current is not None:
        experience.tags.remove(current)


def set_feeling(experience: Experience, value: str) -> None:
    if value not in {word.key for word in vocabulary.FEELING_SCALE}:
        raise ExperienceError("Please choose one of the faces.")
    experience.feeling = value


def set_would_like(experience: Experience, value: str) -> None:
    try:
        experience.would_like = WouldLike(value).value
    except ValueError:
        raise ExperienceError("Please choose yes, maybe or no.") from None


def set_help_level(experience: Experience, value: str) -> None:
    try:
        experience.help_level = HelpLevel(value).value
    except ValueError:
        raise ExperienceError("Please choose how much help there was.") from None


def set_staff_note(experience: Experience, text: str) -> None:
    experience.staff_note = clean_text(text, MAX_NOTE, what="the note", refuse=ExperienceError)


def set_caption(experience: Experience, text: str) -> None:
    experience.caption = clean_line(text, MAX_CAPTION, what="what you wrote", refuse=ExperienceError)


def add_caption_word(experience: Experience, word: str) -> None:
    """Tapping a word adds it to the sentence, so a caption never needs typing."""
    word = clean_line(word, 60, what="the word", refuse=ExperienceError)
    if not word:
        return
    joined = f"{experience.caption} {word}".strip() if experience.caption else word
    if len(joined) > MAX_CAPTION:
        raise ExperienceError("Your words are full. You can take some away.")
    experience.caption = joined


def remove_last_caption_word(experience: Experience) -> None:
    words = experience.caption.split()
    experience.caption = " ".join(words[:-1])


def set_caption_symbol(experience: Experience, word: str, reference: str | None) -> None:
    """Staff choose a different symbol for one word of the caption (or none, with ``""``)."""
    key = vocabulary.normalise_word(word)
    if not key:
        raise ExperienceError("Please choose a word from the caption.")
    choices = dict(experience.caption_symbols or {})
    if reference is None:
        choices.pop(key, None)
    else:
        choices[key] = reference
    experience.caption_symbols = choices  # a new dict, so the JSON column is seen as changed


def add_photo(dbs: Session, experience: Experience, stored: StoredPhoto) -> ExperiencePhoto:
    """Attach an ingested photo. The same file again (a double tap) gives back the first copy."""
    for photo in experience.photos:
        if photo.sha256 == stored.sha256:
            return photo
    if len(experience.photos) >= MAX_PHOTOS:
        raise ExperienceError(f"An entry can have up to {MAX_PHOTOS} photos. Take one away first.")
    display = MediaFile(school_id=experience.school_id, key=stored.display_key, content_type=stored.content_type)
    thumb = MediaFile(school_id=experience.school_id, key=stored.thumb_key, content_type=stored.content_type)
    photo = ExperiencePhoto(
        display=display,
        thumb=thumb,
        width=stored.width,
        height=stored.height,
        thumb_width=stored.thumb_width,
        thumb_height=stored.thumb_height,
        sha256=stored.sha256,
        position=max((p.position for p in experience.photos), default=-1) + 1,
    )
    experience.photos.append(photo)
    dbs.flush()
    return photo


def add_photos(dbs: Session, store: MediaStore, experience: Experience, uploads: Sequence[bytes], *,
               max_bytes: int) -> tuple[MediaChange, str | None]:
    """Keep each uploaded photo on the entry. A file that is refused (not a photo, one too many) is
    named in the message and leaves nothing in the store; the others are kept."""
    change, problem = MediaChange(), None
    for data in uploads:
        if len(experience.photos) >= MAX_PHOTOS:
            problem = problem or f"An entry can have up to {MAX_PHOTOS} photos. Take one away first."
            break
        try:
            stored = ingest_photo(data, store, f"photos/{experience.school_id}", max_bytes=max_bytes)
        except KindError as refused:
            problem = problem or refused.message
            continue
        photo = add_photo(dbs, experience, stored)
        new_keys = [stored.display_key, stored.thumb_key]
        if photo.display.key == stored.display_key:
            change.written.extend(new_keys)
        else:  # the same photo again: keep the first copy
            delete_quietly(store, new_keys)
    return change, problem


def find_photo(experience: Experience, photo_id: int) -> ExperiencePhoto:
    for photo in experience.photos:
        if photo.id == photo_id:
            return photo
    raise ExperienceError("That photo has already been taken away.")


def move_photo(experience: Experience, photo_id: int, direction: str) -> None:
    """Swap a photo with its neighbour: reordering by tapping, never by dragging."""
    ordered = sorted(experience.photos, key=lambda p: (p.position, p.id))
    photo = find_photo(experience, photo_id)
    index = ordered.index(photo)
    other = index - 1 if direction == "up" else index + 1
    if direction not in {"up", "down"}:
        raise ExperienceError("Please choose up or down.")
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    experience.photos.sort(key=lambda p: p.position)


def remove_photo(dbs: Session, experience: Experience, photo_id: int) -> list[str]:
    """Take a photo away; returns the storage keys the caller should delete after commit."""
    photo = find_photo(experience, photo_id)
    keys = [photo.display.key, photo.thumb.key]
    experience.photos.remove(photo)
    dbs.flush()
    dbs.delete(photo.display)
    dbs.delete(photo.thumb)
    return keys


def missing_for_sending(experience: Experience) -> list[Step]:
    """What the learner still needs: only the kind of experience; everything else is welcome but optional."""
    return [step("kind")] if not experience.kind else []


def send_to_check(experience: Experience) -> None:
    """The learner's "Send": a repeat tap on an entry already sent changes nothing."""
    if experience.status != ExperienceStatus.DRAFT.value:
        return
    if missing_for_sending(experience):
        raise ExperienceError("Please choose what you did first.")
    experience.status = ExperienceStatus.WAITING.value
    experience.submitted_at = utcnow()
    experience.check_note, experience.check_note_symbol = "", None


def approve(experience: Experience, staff: User, help_level: str) -> None:
    """Share with the family. Staff must say how much help there was, since that is the evidence."""
    if experience.status == ExperienceStatus.SHARED.value:
        return
    if not experience.kind:
        raise ExperienceError("Choose what kind of experience this was before sharing it.")
    set_help_level(experience, help_level)
    experience.status = ExperienceStatus.SHARED.value
    experience.checked_by_id = staff.id
    experience.shared_at = utcnow()
    experience.submitted_at = experience.submitted_at or experience.shared_at
    experience.check_note, experience.check_note_symbol = "", None


def send_back(experience: Experience, staff: User, note_key: str, note_text: str = "") -> None:
    """Return the entry to the learner with a short note they can hear."""
    if note_key and note_key not in SEND_BACK_NOTES:
        raise ExperienceError("Please choose a note.")
    text = clean_text(note_text, 300, what="the note", refuse=ExperienceError) or SEND_BACK_NOTES.get(note_key, "")
    if not text:
        raise ExperienceError("Please choose or write a short note for the learner.")
    experience.status = ExperienceStatus.DRAFT.value
    experience.checked_by_id = staff.id
    experience.check_note = text
    experience.check_note_symbol = SEND_BACK_SYMBOLS.get(note_key, "send-back")
    experience.shared_at = None
    if note_key in STEP_KEYS:
        experience.step = note_key


def checker_for(learner: User) -> User | None:
    """The adult a learner's entry goes to: the first active TA or teacher of their group."""
    if learner.group is None:
        return None
    staff = [person for person in learner.group.staff if person.active]
    return staff[0] if staff else None


def _with_children(statement):  # type: ignore[no-untyped-def]
    # Loading photos, tags and voice up front keeps a portfolio page at a fixed number of queries.
    return statement.options(
        selectinload(Experience.tags),
        selectinload(Experience.photos),
        selectinload(Experience.voice),
    )


# Newest first by the day it happened (the day it was made when no date was given), then by when
# it was made. ``sort_on`` is always filled (see ``Experience.fill_sort_on``), so this order has
# no empty values and is the same on SQLite and PostgreSQL.
PORTFOLIO_ORDER: tuple[SortKey[Experience], ...] = (
    SortKey(Experience.sort_on, True, lambda e: e.sort_on),
    SortKey(Experience.created_at, True, lambda e: e.created_at),
    SortKey(Experience.id, True, lambda e: e.id),
)

# Oldest first by when it was sent, so nobody waits longest; an entry with no send time (made
# waiting by an import) counts from when it was made.
QUEUE_ORDER: tuple[SortKey[Experience], ...] = (
    SortKey(func.coalesce(Experience.submitted_at, Experience.created_at), False,
            lambda e: e.submitted_at or e.created_at),
    SortKey(Experience.id, False, lambda e: e.id),
)


def _portfolio_statement(learner: User, statuses: Sequence[ExperienceStatus] | None,
                         unfinished_before: datetime | None = None):  # type: ignore[no-untyped-def]
    statement = select(Experience).where(Experience.learner_id == learner.id)
    if statuses is not None:
        statement = statement.where(Experience.status.in_([status.value for status in statuses]))
    if unfinished_before is not None:  # the learner's home folds old drafts into one card
        statement = statement.where(drafts.not_unfinished_condition(unfinished_before))
    return _with_children(statement)


def portfolio(dbs: Session, learner: User, statuses: Sequence[ExperienceStatus] | None = None) -> list[Experience]:
    """All of a learner's entries, newest first: for exports, packs and choice lists that need every one."""
    ordering = [key.expression.desc() for key in PORTFOLIO_ORDER]
    return list(dbs.scalars(_portfolio_statement(learner, statuses).order_by(*ordering)))


def portfolio_page(dbs: Session, learner: User, statuses: Sequence[ExperienceStatus] | None = None,
                   after: str | None = None, unfinished_before: datetime | None = None) -> Page[Experience]:
    """One page of a learner's entries, newest first, with each card's photos, symbols and voice
    loaded in a fixed number of queries however many entries there are. With ``unfinished_before``
    (``drafts.fold_cutoff(now)``), never-sent drafts untouched since then are left out."""
    return keyset_page(dbs, _portfolio_statement(learner, statuses, unfinished_before), PORTFOLIO_ORDER, after)


def _queue_statement(learners: Sequence[User]):  # type: ignore[no-untyped-def]
    return select(Experience).where(
        Experience.learner_id.in_([learner.id for learner in learners]),
        Experience.status == ExperienceStatus.WAITING.value,
    )


def to_check(dbs: Session, learners: Sequence[User], after: str | None = None) -> Page[Experience]:
    """A page of entries waiting for a check from these learners, oldest first."""
    if not learners:
        return Page([])
    statement = _with_children(_queue_statement(learners).options(selectinload(Experience.learner)))
    return keyset_page(dbs, statement, QUEUE_ORDER, after)


def count_to_check(dbs: Session, learners: Sequence[User]) -> int:
    """How many entries wait for a check, counted in the database rather than by loading them."""
    if not learners:
        return 0
    counted = _queue_statement(learners).with_only_columns(func.count(Experience.id))
    return int(dbs.scalar(counted) or 0)


def headline(experience: Experience) -> str:
    """A short sentence naming the entry, for headings and read-aloud."""
    kind = experience.kind_enum.label if experience.kind_enum else "New entry"
    return f"{kind} at {experience.place}" if experience.place else kind


def when_text(experience: Experience) -> str:
    if experience.start_date is None:
        return ""
    text = experience.start_date.strftime("%-d %B %Y")
    if experience.end_date:
        text += " to " + experience.end_date.strftime("%-d %B %Y")
    return text


def sentence_for_reading(experience: Experience) -> str:
    """Everything the card says, as one passage to read aloud on tap."""
    parts = [headline(experience) + "."]
    if when_text(experience):
        parts.append(when_text(experience) + ".")
    did = [vocabulary.word(key) for key in experience.tag_values(TagScheme.DID)]
    if did:
        parts.append("I did: " + ", ".join(w.label for w in did if w) + ".")
    feeling = vocabulary.word(experience.feeling) if experience.feeling else None
    if feeling:
        parts.append(feeling.label + ".")
    skills = [vocabulary.word(key) for key in experience.tag_values(TagScheme.SKILL)]
    if skills:
        parts.append("Skills I used: " + ", ".join(w.label for w in skills if w) + ".")
    if experience.would_like_enum:
        parts.append(f"Would I like to do this job? {experience.would_like_enum.label}.")
    if experience.caption:
        parts.append(experience.caption)
    return " ".join(parts)


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        return None

