"""The communication passport: first-person statements, in sections, that tell people how to help.

A learner builds their passport by tapping statements from a starter bank ("I like animals",
"Give me time to answer"), so no reading or typing is needed; typing is there for those who
can. Staff add and change statements with the learner and record how much help they gave.
Parents suggest statements from home, which wait for staff to accept or decline them. A
statement can point to the entries (experiences) that back it up.

Like the experiences service, every change names the state it wants ("this starter on"),
so a double tap or a second tab cannot undo another tap.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portfolio.errors import KindError
from portfolio.experiences import service as experiences
from portfolio.media.easy_read import EasyReadDocument, Picture
from portfolio.media.storage import MediaStore
from portfolio.models import (
    Experience,
    HelpLevel,
    PassportSection,
    PassportStatement,
    Role,
    StatementStatus,
    User,
)
from portfolio.plain_text import fit_line, too_long_message
from portfolio.symbols import library as symbols
from portfolio.symbols import service as school_symbols
from portfolio.symbols import vocabulary

MAX_TEXT = 200
MAX_PER_SECTION = 30


class PassportError(KindError):
    """A change that cannot be made, with a kind sentence to show."""


@dataclass(frozen=True)
class Starter:
    """A ready-made statement a learner can tap. ``key`` is what the tap sends; ``text`` is what is kept."""

    key: str
    text: str
    symbol: str


@dataclass(frozen=True)
class Section:
    """A passport section as people meet it: its words, its symbol, the question asked and its starters."""

    key: str
    label: str
    symbol: str
    question: str
    starters: tuple[Starter, ...]

    @property
    def enum(self) -> PassportSection:
        return PassportSection(self.key)


def _starters(prefix: str, *rows: tuple[str, str, str]) -> tuple[Starter, ...]:
    return tuple(Starter(f"{prefix}-{key}", text, symbol) for key, text, symbol in rows)


# The order of sections and of starters is the order on screen: learners find things by place,
# so new starters are only ever added at the end of a section.
SECTIONS: tuple[Section, ...] = (
    Section("about-me", PassportSection.ABOUT_ME.label, "person", "Tell people about you.", _starters(
        "about",
        ("family", "I live with my family", "family"),
        ("school", "I go to school", "school"),
        ("college", "I go to college", "college"),
        ("wheelchair", "I use a wheelchair", "wheelchair"),
        ("pet", "I have a pet", "dog"),
        ("bus", "I travel on the bus", "bus"),
        ("busy", "I like to be busy", "star"),
        ("happy", "I am a happy person", "feeling-happy"),
    )),
    Section("important-people", PassportSection.IMPORTANT_PEOPLE.label, "people", "Who is important to you?", _starters(
        "people",
        ("family", "My family are important to me", "family"),
        ("carer", "My mum, dad or carer helps me", "parent"),
        ("friends", "My friends are important to me", "friend"),
        ("teacher", "My teacher helps me", "teacher"),
        ("ta", "My teaching assistant helps me", "teaching-assistant"),
        ("job-coach", "My job coach helps me", "job-coach"),
        ("classmates", "I like working with my classmates", "classmate"),
    )),
    Section("how-i-communicate", PassportSection.HOW_I_COMMUNICATE.label, "comment", "How do you talk to people?",
            _starters(
                "talk",
                ("symbols", "I use symbols to talk", "words"),
                ("device", "I use a talking device", "tablet"),
                ("signs", "I use signs and gestures", "thumbs-up"),
                ("words", "I talk with words", "comment"),
                ("point", "I point to pictures", "photo"),
                ("face", "My face shows yes and no", "smile"),
                ("write", "I can write my words", "pen"),
                ("read", "I can read short words", "skill-reading"),
            )),
    Section("how-to-help", PassportSection.HOW_TO_HELP.label, "help", "How can people help you talk?", _starters(
        "help",
        ("time", "Give me time to answer", "clock"),
        ("short", "Use short sentences", "words"),
        ("pictures", "Show me pictures or symbols", "photo"),
        ("show", "Show me what to do", "eye"),
        ("name", "Say my name first", "person"),
        ("check", "Check that I understand", "check"),
        ("to-me", "Talk to me, not about me", "comment"),
        ("write", "Write it down for me", "pen"),
    )),
    Section("ok-not-ok", PassportSection.OK_NOT_OK.label, "feeling-ok", "How do people know how you feel?", _starters(
        "feel",
        ("happy", "When I am happy I smile", "feeling-happy"),
        ("calm", "When I am calm I am quiet", "feeling-calm"),
        ("worried", "When I am worried I go quiet", "feeling-worried"),
        ("upset", "When I am upset I walk away", "feeling-sad"),
        ("angry", "When I am angry I shout", "feeling-angry"),
        ("tired", "When I am tired I put my head down", "feeling-tired"),
        ("noise", "I get anxious in noisy places", "feeling-nervous"),
        ("quiet", "If I am not OK, I need a quiet place", "feeling-scared"),
    )),
    Section("must-know", PassportSection.MUST_KNOW.label, "warning", "What must people know about you?", _starters(
        "know",
        ("allergy", "I have an allergy", "warning"),
        ("medicine", "I take medicine", "doctor"),
        ("seizures", "I have seizures", "hospital"),
        ("change", "Changes are hard for me. Tell me before things change", "timetable"),
        ("next", "I need to know what happens next", "clock"),
        ("travel", "I need help to travel", "skill-travelling"),
        ("money", "I need help with money", "skill-money"),
        ("calm", "I need a quiet place to calm down", "feeling-calm"),
    )),
    Section("likes", PassportSection.LIKES.label, "heart", "What do you like and not like?", _starters(
        "like",
        ("animals", "I like animals", "dog"),
        ("music", "I like music", "guitar"),
        ("football", "I like football", "football"),
        ("cooking", "I like cooking", "cook"),
        ("computers", "I like computers", "computer"),
        ("outside", "I like being outside", "tree"),
        ("art", "I like art", "paintbrush"),
        ("noise", "I do not like loud noise", "feeling-disliked"),
        ("crowds", "I do not like crowds", "people"),
    )),
    Section("strengths", PassportSection.STRENGTHS.label, "star", "What are you good at?", _starters(
        "good",
        ("helping", "I am good at helping people", "skill-helping"),
        ("kind", "I am kind", "smile"),
        ("team", "I am good at working in a team", "skill-teamwork"),
        ("animals", "I am good with animals", "feed-animals"),
        ("tidy", "I am good at tidying up", "tidy-up"),
        ("computers", "I am good with computers", "skill-computers"),
        ("hard", "I work hard", "thumbs-up"),
        ("time", "I am always on time", "skill-timekeeping"),
        ("making", "I am good at making things", "hammer"),
    )),
    Section("helps-at-work", PassportSection.HELPS_AT_WORK.label, "skill-asking-for-help", "What helps you at work?",
            _starters(
                "work",
                ("list", "A picture list of my jobs helps me", "clipboard"),
                ("quiet", "A quiet place to work helps me", "feeling-calm"),
                ("show", "Show me how, then let me try", "eye"),
                ("one", "One job at a time helps me", "check"),
                ("breaks", "Short breaks help me", "pause"),
                ("ask", "I need someone I can ask for help", "skill-asking-for-help"),
                ("timetable", "A timetable helps me", "timetable"),
                ("safety", "Show me how to stay safe", "safety-vest"),
            )),
    Section("hopes", PassportSection.HOPES.label, "rocket", "What would you like to do next?", _starters(
        "hope",
        ("animals", "I would like to work with animals", "farm"),
        ("cafe", "I would like to work in a café", "cafe"),
        ("shop", "I would like to work in a shop", "shop"),
        ("children", "I would like to work with children", "children"),
        ("outside", "I would like to work outside", "gardener"),
        ("college", "I would like to go to college", "college"),
        ("job", "I would like a paid job", "cash-register"),
        ("home", "I would like to live on my own", "home"),
        ("travel", "I would like to travel on my own", "skill-travelling"),
    )),
)
SECTION_KEYS: tuple[str, ...] = tuple(section.key for section in SECTIONS)
_BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}
_ORDER: dict[str, int] = {key: index for index, key in enumerate(SECTION_KEYS)}

PASSPORT_SYMBOL = "card"
SUGGESTED_THANKS = "Thank you. School will look at your idea with the learner."


def _clean(text: str) -> str:
    """One line of plain words: no control characters, single spaces. Longer than ``MAX_TEXT`` is
    refused with a message naming the limit, never cut."""
    words = " ".join(fit_line(text, len(text or "")).split())
    if len(words) > MAX_TEXT:
        raise PassportError(too_long_message(MAX_TEXT))
    return words


def section(key: str) -> Section:
    """The section for a URL or form value; unknown keys are the person's mistake, not a crash."""
    found = _BY_KEY.get(key)
    if found is None:
        raise PassportError("Please choose one of the parts of the passport.")
    return found


def starter(section_info: Section, key: str) -> Starter:
    for candidate in section_info.starters:
        if candidate.key == key:
            return candidate
    raise PassportError("Please choose one of the pictures.")


# ----------------------------------------------------------------------------- reading


def _ordered(statement):  # type: ignore[no-untyped-def]
    # Voice and evidence up front keep the passport page at a fixed number of queries.
    return statement.options(selectinload(PassportStatement.voice),
                             selectinload(PassportStatement.evidence).selectinload(Experience.photos),
                             selectinload(PassportStatement.created_by)) \
        .order_by(PassportStatement.position, PassportStatement.id)


def statements(dbs: Session, learner: User,
               statuses: Iterable[StatementStatus] = (StatementStatus.ACTIVE,)) -> list[PassportStatement]:
    """The learner's statements with these statuses, in section order then the order they were added."""
    rows = dbs.scalars(_ordered(select(PassportStatement).where(
        PassportStatement.learner_id == learner.id,
        PassportStatement.status.in_([status.value for status in statuses]),
    )))
    return sorted(rows, key=lambda s: (_ORDER.get(s.section, len(_ORDER)), s.position, s.id))


def by_section(found: Iterable[PassportStatement]) -> dict[str, list[PassportStatement]]:
    """Every section key, each with its statements (an empty list for a section with none yet)."""
    grouped: dict[str, list[PassportStatement]] = {key: [] for key in SECTION_KEYS}
    for statement in found:
        grouped.setdefault(statement.section, []).append(statement)
    return grouped


def find(dbs: Session, learner: User, statement_id: int) -> PassportStatement | None:
    """A statement of this learner's, or None: another learner's id must look like no statement at all."""
    statement = dbs.get(PassportStatement, statement_id)
    if statement is None or statement.learner_id != learner.id or statement.school_id != learner.school_id:
        return None
    return statement


def suggestions(dbs: Session, learner: User) -> list[PassportStatement]:
    """Parents' suggestions waiting for staff, oldest first so none waits longest."""
    return list(dbs.scalars(select(PassportStatement).where(
        PassportStatement.learner_id == learner.id,
        PassportStatement.status == StatementStatus.SUGGESTED.value,
    ).options(selectinload(PassportStatement.created_by)).order_by(PassportStatement.created_at,
                                                                   PassportStatement.id)))


def suggested_by(dbs: Session, learner: User, parent: User) -> list[PassportStatement]:
    """A parent's own suggestions still waiting, so they can see their idea arrived."""
    return [s for s in suggestions(dbs, learner) if s.created_by_id == parent.id]


def pressed_starters(section_statements: Iterable[PassportStatement], section_info: Section) -> set[str]:
    """The starter keys already in the passport, so their tiles show as chosen."""
    texts = {s.text for s in section_statements if s.status == StatementStatus.ACTIVE.value}
    return {item.key for item in section_info.starters if item.text in texts}


def help_label(statement: PassportStatement) -> str:
    return HelpLevel(statement.help_level).label if statement.help_level else ""


# ----------------------------------------------------------------------------- symbols


def is_known_symbol(dbs: Session, school_id: int, reference: str) -> bool:
    """A vocabulary or interface symbol name, or one of this school's own symbols."""
    if reference in symbols.ALL_SYMBOLS:
        return True
    return school_symbols.find_reference(dbs, school_id, reference) is not None


def symbol_for_text(dbs: Session, school_id: int, text: str, fallback: str) -> str:
    """A symbol for typed words, else the section's.

    The last word with a picture is used, because in short first-person sentences it is usually
    the thing the sentence is about ("I like the farm" shows a farm, not a liking face).
    """
    own = school_symbols.own_symbol_map(dbs, school_id)
    for word in reversed(vocabulary.symbolise(text, own_symbols=own)):
        if word.symbol:
            return word.symbol
    return fallback


# ----------------------------------------------------------------------------- changes


def _next_position(dbs: Session, learner: User, section_key: str) -> int:
    highest = dbs.scalar(select(func.max(PassportStatement.position)).where(
        PassportStatement.learner_id == learner.id, PassportStatement.section == section_key))
    return (highest if highest is not None else -1) + 1


def _active_in(dbs: Session, learner: User, section_key: str) -> list[PassportStatement]:
    return list(dbs.scalars(select(PassportStatement).where(
        PassportStatement.learner_id == learner.id,
        PassportStatement.section == section_key,
        PassportStatement.status == StatementStatus.ACTIVE.value,
    ).order_by(PassportStatement.position, PassportStatement.id)))


def _help_for(actor: User) -> str | None:
    # As for entries: what staff make is recorded as made by staff until they say otherwise.
    return HelpLevel.STAFF.value if actor.role_enum in {Role.STAFF, Role.ADMIN} else None


def _new(dbs: Session, learner: User, actor: User, section_key: str, text: str, symbol: str,
         status: StatementStatus = StatementStatus.ACTIVE) -> PassportStatement:
    if status is StatementStatus.ACTIVE and len(_active_in(dbs, learner, section_key)) >= MAX_PER_SECTION:
        raise PassportError(f"This part has {MAX_PER_SECTION} things in it. Take one away first.")
    statement = PassportStatement(
        school_id=learner.school_id, learner_id=learner.id, section=section_key, text=text, symbol=symbol,
        status=status.value, position=_next_position(dbs, learner, section_key), created_by_id=actor.id,
        help_level=_help_for(actor) if status is StatementStatus.ACTIVE else None,
    )
    dbs.add(statement)
    dbs.flush()
    return statement


def set_starter(dbs: Session, learner: User, actor: User, section_key: str, starter_key: str,
                on: bool) -> list[str]:
    """Put a starter in the passport or take it out. Returns voice keys to delete after commit."""
    info = section(section_key)
    chosen = starter(info, starter_key)
    existing = [s for s in _active_in(dbs, learner, info.key) if s.text == chosen.text]
    if on:
        if not existing:
            _new(dbs, learner, actor, info.key, chosen.text, chosen.symbol)
        return []
    removed: list[str] = []
    for statement in existing:
        removed += remove(dbs, statement)
    return removed


def add_own(dbs: Session, learner: User, actor: User, section_key: str, text: str,
            symbol: str | None = None) -> PassportStatement:
    """Add typed words. The same words twice in one part (a double tap on Add) give back the first."""
    info = section(section_key)
    cleaned = _clean(text)
    if not cleaned:
        raise PassportError("Please write some words first.")
    if symbol and not is_known_symbol(dbs, learner.school_id, symbol):
        raise PassportError("Please choose one of the symbols shown.")
    for statement in _active_in(dbs, learner, info.key):
        if statement.text == cleaned:
            return statement
    return _new(dbs, learner, actor, info.key, cleaned,
                symbol or symbol_for_text(dbs, learner.school_id, cleaned, info.symbol))


def suggest(dbs: Session, learner: User, parent: User, section_key: str, text: str) -> PassportStatement:
    """A parent's idea, kept aside until staff accept it with the learner."""
    info = section(section_key)
    cleaned = _clean(text)
    if not cleaned:
        raise PassportError("Please write your idea first.")
    for waiting in suggested_by(dbs, learner, parent):
        if waiting.section == info.key and waiting.text == cleaned:
            return waiting  # the same idea sent twice
    return _new(dbs, learner, parent, info.key, cleaned, symbol_for_text(dbs, learner.school_id, cleaned, info.symbol),
                status=StatementStatus.SUGGESTED)


def review(dbs: Session, statement: PassportStatement, staff: User, decision: str) -> bool:
    """Accept or decline a suggestion. Returns False when it was already decided (a second tap or tab)."""
    if decision not in {"accept", "decline"}:
        raise PassportError("Please choose add it or no thanks.")
    if statement.status != StatementStatus.SUGGESTED.value:
        return False
    if decision == "decline":
        statement.status = StatementStatus.DECLINED.value
        return True
    if len(_active_in(dbs, statement.learner, statement.section)) >= MAX_PER_SECTION:
        raise PassportError(f"This part has {MAX_PER_SECTION} things in it. Take one away first.")
    statement.status = StatementStatus.ACTIVE.value
    statement.position = _next_position(dbs, statement.learner, statement.section)
    return True


def set_text(statement: PassportStatement, text: str) -> None:
    cleaned = _clean(text)
    if not cleaned:
        raise PassportError("Please write some words, or take this away instead.")
    statement.text = cleaned


def set_symbol(dbs: Session, statement: PassportStatement, reference: str) -> None:
    if not reference or not is_known_symbol(dbs, statement.school_id, reference):
        raise PassportError("Please choose one of the symbols shown.")
    statement.symbol = reference


def set_help_level(statement: PassportStatement, value: str) -> None:
    try:
        statement.help_level = HelpLevel(value).value
    except ValueError:
        raise PassportError("Please choose how much help there was.") from None


def remove(dbs: Session, statement: PassportStatement) -> list[str]:
    """Take a statement out; returns its recording's key for deletion after commit."""
    keys = [statement.voice.key] if statement.voice is not None else []
    voice = statement.voice
    statement.evidence = []
    dbs.delete(statement)
    dbs.flush()
    if voice is not None:
        dbs.delete(voice)
    return keys


def link_evidence(dbs: Session, statement: PassportStatement, experience_id: int | None) -> None:
    """Point the statement at an entry of the same learner's; a second link is harmless."""
    experience = dbs.get(Experience, experience_id) if experience_id is not None else None
    if experience is None or experience.learner_id != statement.learner_id or experience.school_id != statement.school_id:
        raise PassportError("Please choose one of this learner’s entries.")
    if experience not in statement.evidence:
        statement.evidence.append(experience)


def unlink_evidence(statement: PassportStatement, experience_id: int | None) -> None:
    statement.evidence = [e for e in statement.evidence if e.id != experience_id]


# ----------------------------------------------------------------------------- reading aloud and print


def evidence_text(experience: Experience) -> str:
    """How an entry is named under a statement: "Work placement at Green Fingers, 12 June 2026"."""
    when = experiences.when_text(experience)
    return f"{experiences.headline(experience)}, {when}" if when else experiences.headline(experience)


def passport_title(learner: User) -> str:
    return f"{learner.display_name}’s communication passport"


def symbol_picture(dbs: Session, store: MediaStore, static_folder: Path, school_id: int,
                   reference: str | None) -> Picture:
    """The picture for a symbol reference, for the PDF: an SVG file, or a school symbol's bytes."""
    if not reference:
        return None
    if reference.startswith(school_symbols.REFERENCE_PREFIX):
        own = school_symbols.find_reference(dbs, school_id, reference)
        if own is None or not store.exists(own.image.key):
            return None
        return store.read(own.image.key)
    path = static_folder / "symbols" / f"{reference}.svg"
    return path if reference in symbols.ALL_SYMBOLS and path.is_file() else None


def passport_pdf(dbs: Session, learner: User, store: MediaStore, static_folder: Path,
                 evidence_for: Callable[[PassportStatement], list[Experience]],
                 page_size: str = "A4") -> bytes:
    """The passport as an easy-read PDF. ``evidence_for`` decides which entries this reader may see named."""
    size = "A5" if page_size == "A5" else "A4"
    document = EasyReadDocument(passport_title(learner), page_size=size, author=learner.display_name)
    picture = lambda reference: symbol_picture(dbs, store, static_folder, learner.school_id, reference)
    document.title_page(learner.display_name, picture=picture(learner.picture_symbol or PASSPORT_SYMBOL),
                        subtitle="My communication passport")
    grouped = by_section(statements(dbs, learner))
    for info in SECTIONS:
        found = grouped[info.key]
        if not found:
            continue
        document.heading(info.label, picture=picture(info.symbol))
        for statement in found:
            notes = [f"For example: {evidence_text(e)}" for e in evidence_for(statement)]
            document.statement(statement.text, picture=picture(statement.symbol), notes=notes)
    if not any(grouped.values()):
        document.paragraph("There is nothing in this passport yet.")
    return document.output()
