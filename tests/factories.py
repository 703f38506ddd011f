"""Factory helpers that build schools, groups and people straight through the services."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from portfolio.experiences import comments
from portfolio.experiences import service as experiences
from portfolio.media import recordings
from portfolio.media.changes import commit_or_clean_up
from portfolio.media.photos import ingest_photo
from portfolio.media.storage import MediaStore
from portfolio.media.voice import ingest_voice
from portfolio.models import (
    ActivityKind,
    ActivityParticipant,
    Attendance,
    CareersActivity,
    Employer,
    Experience,
    ExperienceKind,
    ExperienceStatus,
    ExperienceTag,
    Group,
    Role,
    School,
    TagScheme,
    User,
)
from portfolio.people import accounts, cards
from portfolio.symbols import service as school_symbols

# What the test app signs passwords with (its PASSWORD_HASH_METHOD): scrypt would slow every sign-in.
FAST_HASH = "pbkdf2:sha256:1000"
PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_school(session: Session, name: str | None = None) -> School:
    school = School(name=name or f"School {next(_counter)}")
    session.add(school)
    session.flush()
    return school


def make_group(session: Session, school: School, name: str | None = None) -> Group:
    return accounts.create_group(session, school, name or f"Group {next(_counter)}")


def make_adult(session: Session, school: School, role: Role, name: str | None = None,
               groups: list[Group] | None = None, children: list[User] | None = None) -> User:
    n = next(_counter)
    user = accounts.create_person(
        session, school,
        accounts.PersonDetails(display_name=name or f"{role.value.title()} {n}", role=role,
                               email=f"{role.value}{n}@example.org", password=PASSWORD),
        hash_method=FAST_HASH,
    )
    if groups:
        user.staff_groups = groups
    if children:
        user.children = children
    session.flush()
    return user


def make_learner(session: Session, school: School, group: Group | None, picture: str = "dog",
                 name: str | None = None) -> User:
    return accounts.create_person(
        session, school,
        accounts.PersonDetails(display_name=name or f"Learner {next(_counter)}", role=Role.LEARNER,
                               group_id=group.id if group else None, picture_symbol=picture),
    )


@dataclass
class World:
    """Two schools and everyone the access matrix needs, with the learner's card token."""

    school: School
    other_school: School
    group: Group
    other_group: Group
    learner: User
    other_learner: User
    ta: User
    other_ta: User
    parent: User
    other_parent: User
    admin: User
    other_school_admin: User
    other_school_learner: User
    card_token: str
    card_code: str


def make_world(session: Session) -> World:
    school = make_school(session, "Riverside")
    other_school = make_school(session, "Hillview")
    group = make_group(session, school, "Oak")
    other_group = make_group(session, school, "Willow")
    learner = make_learner(session, school, group, "dog", "Sam Patel")
    other_learner = make_learner(session, school, other_group, "cat", "Ruby Green")
    admin = make_adult(session, school, Role.ADMIN, "Helen Carter")
    ta = make_adult(session, school, Role.STAFF, "Priya Shah", groups=[group])
    other_ta = make_adult(session, school, Role.STAFF, "Daniel Okafor", groups=[other_group])
    parent = make_adult(session, school, Role.PARENT, "Nina Patel", children=[learner])
    other_parent = make_adult(session, school, Role.PARENT, "Chris Green", children=[other_learner])
    other_group_there = make_group(session, other_school, "Pathways")
    other_school_admin = make_adult(session, other_school, Role.ADMIN, "Grace Lee")
    other_school_learner = make_learner(session, other_school, other_group_there, "horse", "Jade Brown")
    issued = cards.issue_card(session, learner, ta, 30)
    session.commit()
    return World(school, other_school, group, other_group, learner, other_learner, ta, other_ta, parent,
                 other_parent, admin, other_school_admin, other_school_learner, issued.token, issued.short_code)


@dataclass
class Entries:
    """One learner's entries in each state, with real media, for route and matrix tests."""

    draft: Experience
    waiting: Experience
    shared: Experience
    photo_id: int
    comment_id: int
    school_symbol_id: int


def make_experience(session: Session, learner: User, made_by: User, status: ExperienceStatus = ExperienceStatus.DRAFT,
                    kind: ExperienceKind | None = ExperienceKind.PLACEMENT, place: str = "Green Fingers Garden Centre",
                    on: date | None = None) -> Experience:
    experience = Experience(
        school_id=learner.school_id, learner_id=learner.id, created_by_id=made_by.id, caption_symbols={},
        kind=kind.value if kind else None, place=place, start_date=on or date(2026, 6, 12), status=status.value,
        feeling="feeling-loved", caption="I watered the plants",
    )
    experience.tags.append(ExperienceTag(scheme=TagScheme.DID.value, value="water-plants", position=0))
    experience.tags.append(ExperienceTag(scheme=TagScheme.SKILL.value, value="skill-teamwork", position=0))
    session.add(experience)
    session.flush()
    return experience


def make_entries(session: Session, world: World, store: MediaStore, photo: bytes, voice: bytes) -> Entries:
    """Needs an app context (for the media store). Photos and voices go through the real ingest."""
    learner = session.get(User, world.learner.id)
    ta = session.get(User, world.ta.id)
    parent = session.get(User, world.parent.id)
    assert learner is not None and ta is not None and parent is not None
    draft = make_experience(session, learner, learner)
    waiting = make_experience(session, learner, learner, ExperienceStatus.WAITING)
    shared = make_experience(session, learner, learner, ExperienceStatus.SHARED)
    stored = ingest_photo(photo, store, f"photos/{learner.school_id}")
    added = experiences.add_photo(session, shared, stored)
    recordings.attach(session, shared, ingest_voice(voice, store, f"voice/{learner.school_id}"))
    comment, _ = comments.add(session, store, shared, parent, "Well done Sam!", voice)
    comments.pass_on(shared, comment.id, ta)
    symbol, change = school_symbols.upload(session, store, learner.school_id, "kitchen", photo, ta)
    commit_or_clean_up(session, store, change)
    return Entries(draft, waiting, shared, added.id, comment.id, symbol.id)


def make_employer(session: Session, school: School, name: str = "Green Fingers Garden Centre",
                  sector: str | None = "garden-centre", review_due: date | None = None) -> Employer:
    employer = Employer(school_id=school.id, name=name, sector=sector,
                        risk_review_due=review_due or date.today() + timedelta(days=180))
    session.add(employer)
    session.flush()
    return employer


def make_activity(session: Session, school: School, learners: list[User], *, kind: ActivityKind = ActivityKind.PLACEMENT,
                  employer: Employer | None = None, starts_on: date | None = None, days: float | None = 1,
                  attended: bool = False) -> CareersActivity:
    """A planned careers activity for these learners (today unless told), with its default benchmarks."""
    activity = CareersActivity(school_id=school.id, kind=kind.value, title=kind.label,
                               employer_id=employer.id if employer else None, starts_on=starts_on or date.today(),
                               days=days, benchmarks=kind.default_benchmarks)
    session.add(activity)
    session.flush()
    for learner in learners:
        session.add(ActivityParticipant(
            school_id=school.id, activity_id=activity.id, learner_id=learner.id,
            attendance=(Attendance.ATTENDED if attended else Attendance.PLANNED).value))
    session.flush()
    return activity
