"""Demo data: two schools with groups, learners with different needs, staff and parents.

Every sign-in is printed and written to ``instance/demo-accounts.json`` so that a person
(or a browser test) can try each role straight away.
"""
from __future__ import annotations

import io
import json
import os
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.demo_desk import create_desk_demo
from portfolio.models import (
    ActivityKind,
    ActivityParticipant,
    Attendance,
    CareersActivity,
    Employer,
    EmployerFeedback,
    Experience,
    ExperienceKind,
    ExperienceStatus,
    Group,
    HelpLevel,
    ProviderKind,
    Role,
    School,
    SymbolMode,
    TagScheme,
    TextSize,
    User,
    WouldLike,
    utcnow,
)
from portfolio.people import accounts, cards
from portfolio.symbols import vocabulary
from portfolio.tokens import new_token, token_hash


@dataclass(frozen=True)
class DemoLearner:
    name: str
    group: str
    picture: str
    needs: str
    text_size: TextSize = TextSize.NORMAL
    high_contrast: bool = False
    symbol_mode: SymbolMode = SymbolMode.SYMBOLS_AND_TEXT


RIVERSIDE_LEARNERS = (
    DemoLearner("Sam Patel", "Oak class", "dog", "Uses symbols and an AAC device; does not read yet."),
    DemoLearner("Aisha Khan", "Oak class", "sunflower", "Visual impairment: extra-large text, high contrast.",
                TextSize.EXTRA_LARGE, True),
    DemoLearner("Tom Reid", "Oak class", "rocket", "Confident reader who prefers text only.",
                symbol_mode=SymbolMode.TEXT_ONLY),
    DemoLearner("Maya Jones", "Willow class", "train", "Autistic; likes large text and calm pages.", TextSize.LARGE),
    DemoLearner("Leo Smith", "Willow class", "football", "Uses a switch and keyboard; physical disability."),
    DemoLearner("Ruby Green", "Willow class", "cat", "Severe learning difficulty; listens to everything."),
)


def _password() -> str:
    return secrets.token_urlsafe(12)


def _make_adult(session: Session, school: School, role: Role, name: str, email: str,
                rows: list[dict[str, Any]], hash_method: str) -> User:
    password = _password()
    user = accounts.create_person(
        session, school, accounts.PersonDetails(display_name=name, role=role, email=email, password=password),
        hash_method=hash_method,
    )
    rows.append({"role": role.value, "school": school.name, "name": name, "email": email, "password": password})
    return user


def _learner(session: Session, school: School, group: Group, spec: DemoLearner, issuer: User,
             base_url: str, card_days: int, rows: list[dict[str, Any]]) -> User:
    learner = accounts.create_person(
        session, school,
        accounts.PersonDetails(display_name=spec.name, role=Role.LEARNER, group_id=group.id, picture_symbol=spec.picture),
    )
    accounts.set_display_settings(
        learner, text_size=spec.text_size.value, high_contrast=spec.high_contrast, symbol_mode=spec.symbol_mode.value
    )
    issued = cards.issue_card(session, learner, issuer, card_days)
    rows.append({
        "role": "learner", "school": school.name, "name": spec.name,
        "login_url": f"{base_url.rstrip('/')}/card/{issued.token}",
        "short_code": issued.short_code, "picture": spec.picture, "needs": spec.needs,
    })
    return learner


def is_empty(session: Session) -> bool:
    return session.scalar(select(School.id).limit(1)) is None


def create_demo(session: Session, base_url: str, card_days: int = 365, *,
                hash_method: str = "scrypt") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def _adult(school: School, role: Role, name: str, email: str) -> User:
        return _make_adult(session, school, role, name, email, rows, hash_method)

    riverside = School(name="Riverside School")
    hillview = School(name="Hillview College")
    session.add_all([riverside, hillview])
    session.flush()

    oak = accounts.create_group(session, riverside, "Oak class")
    willow = accounts.create_group(session, riverside, "Willow class")
    leader = _adult(riverside, Role.ADMIN, "Helen Carter", "helen.carter@riverside.example")
    priya = _adult(riverside, Role.STAFF, "Priya Shah", "priya.shah@riverside.example")
    daniel = _adult(riverside, Role.STAFF, "Daniel Okafor", "daniel.okafor@riverside.example")
    leah = _adult(riverside, Role.STAFF, "Leah Morgan", "leah.morgan@riverside.example")
    birch = accounts.create_group(session, riverside, "Birch class")
    ash = accounts.create_group(session, riverside, "Ash class")
    priya.staff_groups = [oak]
    daniel.staff_groups = [willow]
    leah.staff_groups = [birch, ash]
    groups = {"Oak class": oak, "Willow class": willow, "Birch class": birch, "Ash class": ash}
    learners = {
        spec.name: _learner(session, riverside, groups[spec.group], spec, leader, base_url, card_days, rows)
        for spec in RIVERSIDE_LEARNERS
    }
    mum = _adult(riverside, Role.PARENT, "Nina Patel", "nina.patel@family.example")
    dad = _adult(riverside, Role.PARENT, "Chris Jones", "chris.jones@family.example")
    mum.children = [learners["Sam Patel"]]
    dad.children = [learners["Maya Jones"]]

    pathways = accounts.create_group(session, hillview, "Pathways")
    hv_admin = _adult(hillview, Role.ADMIN, "Grace Lee", "grace.lee@hillview.example")
    hv_staff = _adult(hillview, Role.STAFF, "Omar Ali", "omar.ali@hillview.example")
    hv_staff.staff_groups = [pathways]
    hv_learner = _learner(
        session, hillview, pathways,
        DemoLearner("Jade Brown", "Pathways", "horse", "Supported internship learner."),
        hv_admin, base_url, card_days, rows,
    )
    hv_parent = _adult(hillview, Role.PARENT, "Kim Brown", "kim.brown@family.example")
    hv_parent.children = [hv_learner]
    session.flush()
    _demo_experiences(session, learners, priya)
    _demo_review(session, learners["Maya Jones"], daniel)
    _demo_careers(session, riverside, learners, leader)
    create_desk_demo(session, riverside, groups, learners, leader, date.today())
    return rows


def _demo_picture(sky: tuple[int, int, int], ground: tuple[int, int, int], thing: tuple[int, int, int]) -> bytes:
    """A simple drawn scene, so the demo needs no photo files of real people."""
    image = Image.new("RGB", (1200, 900), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 600, 1200, 900), fill=ground)
    draw.rectangle((420, 330, 800, 620), fill=thing, outline=(40, 40, 40), width=8)
    draw.polygon([(400, 340), (610, 180), (820, 340)], fill=(150, 60, 40))
    draw.ellipse((900, 80, 1060, 240), fill=(255, 214, 0))
    for x in range(80, 380, 90):
        draw.ellipse((x, 560, x + 70, 630), fill=(40, 140, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _demo_experiences(session: Session, learners: dict[str, User], checker: User) -> None:
    """A few entries in each state, so every page of the demo has something real on it."""
    from portfolio.experiences import service as experiences
    from portfolio.media.photos import ingest_photo
    from portfolio.media.storage import media_store

    store = media_store()
    sam, maya = learners["Sam Patel"], learners["Maya Jones"]
    garden = Experience(
        school_id=sam.school_id, learner_id=sam.id, created_by_id=sam.id, kind=ExperienceKind.PLACEMENT.value,
        place="Green Fingers Garden Centre", place_symbol="garden-centre", start_date=date.today() - timedelta(days=9),
        feeling="feeling-loved", would_like=WouldLike.YES.value, caption="I watered the plants and helped customers",
        caption_symbols={}, help_level=HelpLevel.PROMPTS.value, status=ExperienceStatus.SHARED.value,
        checked_by_id=checker.id, shared_at=utcnow(), submitted_at=utcnow(),
    )
    cafe = Experience(
        school_id=sam.school_id, learner_id=sam.id, created_by_id=sam.id, kind=ExperienceKind.ENTERPRISE.value,
        place="School café", start_date=date.today() - timedelta(days=2), feeling="feeling-liked",
        would_like=WouldLike.MAYBE.value, caption="I made tea for the teachers", caption_symbols={},
        status=ExperienceStatus.WAITING.value, submitted_at=utcnow(),
    )
    depot = Experience(
        school_id=maya.school_id, learner_id=maya.id, created_by_id=checker.id, kind=ExperienceKind.VISIT.value,
        place="Riverside Bus Depot", start_date=date.today() - timedelta(days=20), feeling="feeling-liked",
        would_like=WouldLike.YES.value, caption="I met a bus driver", caption_symbols={},
        help_level=HelpLevel.LOTS.value, status=ExperienceStatus.SHARED.value, checked_by_id=checker.id,
        shared_at=utcnow(), submitted_at=utcnow(),
    )
    session.add_all([garden, cafe, depot])
    session.flush()
    for entry, did, skills in (
        (garden, ["water-plants", "serve-customers"], ["skill-teamwork", "skill-customers"]),
        (cafe, ["make-tea", "wash-up"], ["skill-money"]),
        (depot, ["bus"], ["skill-travelling", "skill-safety"]),
    ):
        for value in did:
            if vocabulary.word(value) is not None:
                experiences.toggle_tag(entry, TagScheme.DID, value, True)
        for value in skills:
            experiences.toggle_tag(entry, TagScheme.SKILL, value, True)
    experiences.add_photo(session, garden, ingest_photo(
        _demo_picture((170, 210, 240), (90, 160, 70), (230, 240, 250)), store, f"photos/{sam.school_id}"))
    experiences.add_photo(session, depot, ingest_photo(
        _demo_picture((200, 215, 230), (120, 120, 120), (220, 40, 40)), store, f"photos/{maya.school_id}"))
    session.flush()


def _demo_review(session: Session, learner: User, teacher: User) -> None:
    """A review pack of the past year, made final, so "My review" shows on the learner's and the family's pages."""
    from portfolio.media.storage import media_store
    from portfolio.reviews import service as annual_review

    today = date.today()
    pack = annual_review.create(session, learner, teacher, (today - timedelta(days=365)).isoformat(), today.isoformat())
    annual_review.finalise(session, media_store(), pack, teacher)
    session.flush()


@dataclass(frozen=True)
class DemoEmployer:
    name: str
    kind: ProviderKind
    sector: str
    contact: str
    wear: str
    review_in_days: int  # negative: the risk assessment is overdue
    quiet_room: bool = True
    step_free: bool = True


DEMO_EMPLOYERS = (
    DemoEmployer("Green Fingers Garden Centre", ProviderKind.EMPLOYER, "garden-centre", "Ellie Moss",
                 "Old clothes and boots. Gloves are given out.", 280),
    DemoEmployer("Riverside Bus Depot", ProviderKind.EMPLOYER, "garage", "Kwame Mensah",
                 "A high-visibility vest is given out at the gate.", 120, quiet_room=False),
    DemoEmployer("Sunrise Café", ProviderKind.EMPLOYER, "cafe", "Rosa Lima", "Black trousers; an apron is given.",
                 -20, step_free=False),
    DemoEmployer("Riverside College", ProviderKind.COLLEGE, "college", "Dev Anand", "Own clothes.", 300),
    DemoEmployer("Northgate Training", ProviderKind.TRAINING, "office", "Sue Park", "Own clothes.", 200),
    DemoEmployer("Riverside Hospital apprenticeships", ProviderKind.APPRENTICESHIP, "hospital", "Ian Frost",
                 "Own clothes; no jewellery on the wards.", 150),
)


def _demo_careers(session: Session, school: School, learners: dict[str, User], leader: User) -> None:
    """A term of the careers programme: the directory, past and coming activities with attendance,
    two employers' feedback and, for Sam, a placement today."""
    employers = _demo_employers(session, school, leader)
    garden, cafe = _demo_activities(session, school, learners, leader, employers)
    _demo_feedback(session, school, leader, garden, cafe)


def _demo_employers(session: Session, school: School, leader: User) -> dict[str, Employer]:
    today = date.today()
    employers = {}
    for spec in DEMO_EMPLOYERS:
        employers[spec.name] = Employer(
            school_id=school.id, name=spec.name, kind=spec.kind.value, sector=spec.sector, contact_name=spec.contact,
            phone="01632 960000", email=f"{spec.contact.split()[0].lower()}@{spec.sector}.example",
            address="Riverside, RV1 1AA", quiet_room=spec.quiet_room, step_free=spec.step_free, what_to_wear=spec.wear,
            risk_checked_on=today + timedelta(days=spec.review_in_days - 365), risk_checked_by=leader.display_name,
            risk_review_due=today + timedelta(days=spec.review_in_days),
        )
    session.add_all(employers.values())
    session.flush()
    return employers


def _demo_activities(session: Session, school: School, learners: dict[str, User], leader: User,
                     employers: dict[str, Employer]) -> tuple[CareersActivity, CareersActivity]:
    """Both classes' term, with who took part; returns Sam's and Maya's past placements."""
    today = date.today()
    oak = [learners[name] for name in ("Sam Patel", "Aisha Khan", "Tom Reid")]
    willow = [learners[name] for name in ("Maya Jones", "Leo Smith", "Ruby Green")]
    sam, maya = learners["Sam Patel"], learners["Maya Jones"]

    def plan(kind: ActivityKind, employer: str | None, days_from_today: int, who: list[User],
             **details: Any) -> CareersActivity:
        return _demo_activity(session, school, leader, kind, employers[employer] if employer else None,
                              today + timedelta(days=days_from_today), who, **details)

    everyone = [name.display_name for name in oak + willow]
    plan(ActivityKind.CAREERS_FAIR, None, -45, oak + willow, took_part=tuple(everyone), title="Riverside careers fair")
    plan(ActivityKind.VISIT, "Riverside Bus Depot", -30, oak, took_part=("Sam Patel", "Tom Reid"), days=0.5)
    plan(ActivityKind.TASTER, "Riverside College", -20, willow, took_part=("Maya Jones", "Leo Smith", "Ruby Green"))
    guidance = plan(ActivityKind.GUIDANCE, None, -14, [sam], took_part=("Sam Patel",), title="Careers guidance with Alex")
    guidance.adviser_name, guidance.adviser_level = "Alex Morgan", "Level 6 Diploma in Career Guidance"
    guidance.participants[0].discussed = "Sam talked about gardens and animals. He would like a longer placement."
    garden = plan(ActivityKind.PLACEMENT, "Green Fingers Garden Centre", -9, [sam], took_part=("Sam Patel",), days=1)
    cafe = plan(ActivityKind.PLACEMENT, "Sunrise Café", -10, [maya], took_part=("Maya Jones",), days=3)
    cafe.ends_on = cafe.starts_on + timedelta(days=2)
    series = "demo-cafe-series"
    for week in range(4):
        plan(ActivityKind.ENTERPRISE, None, -7 + 7 * week, oak, title="School café", series=series,
             took_part=tuple(p.display_name for p in oak) if week == 0 else None, days=0.5)
    plan(ActivityKind.PLACEMENT, "Green Fingers Garden Centre", 0, [sam], days=1)
    plan(ActivityKind.EMPLOYER_TALK, "Riverside Hospital apprenticeships", 5, willow)
    plan(ActivityKind.PROVIDER_ENCOUNTER, "Northgate Training", 12, oak)
    # Sam's garden-centre entry records the placement nine days ago.
    entry = session.scalar(select(Experience).where(Experience.learner_id == sam.id,
                                                    Experience.place == "Green Fingers Garden Centre"))
    if entry is not None:
        entry.activity_id = garden.id
    return garden, cafe


def _demo_activity(session: Session, school: School, leader: User, kind: ActivityKind, employer: Employer | None,
                   starts_on: date, who: list[User], *, took_part: tuple[str, ...] | None = None,
                   days: float | None = None, title: str = "", series: str | None = None) -> CareersActivity:
    """One planned activity; with ``took_part`` it is in the past and everyone else did not take part."""
    activity = CareersActivity(
        school_id=school.id, kind=kind.value, title=title or kind.label, employer_id=employer.id if employer else None,
        starts_on=starts_on, days=days, benchmarks=kind.default_benchmarks, created_by_id=leader.id, series_id=series,
    )
    session.add(activity)
    session.flush()
    for learner in who:
        if took_part is None:
            attendance = Attendance.PLANNED
        else:
            attendance = Attendance.ATTENDED if learner.display_name in took_part else Attendance.ABSENT
        session.add(ActivityParticipant(school_id=school.id, activity_id=activity.id, learner_id=learner.id,
                                        attendance=attendance.value,
                                        marked_by_id=leader.id if took_part is not None else None))
    session.flush()
    return activity


def _demo_feedback(session: Session, school: School, leader: User, garden: CareersActivity,
                   cafe: CareersActivity) -> None:
    """Two employers have answered: Green Fingers' waits for staff to check, Sunrise Café's is checked."""
    now = utcnow()
    session.add_all([
        EmployerFeedback(
            school_id=school.id, participant_id=garden.participants[0].id, token_hash=token_hash(new_token()),
            created_by_id=leader.id, expires_at=now + timedelta(days=30), author_name="Ellie Moss",
            skills={"skill-teamwork": 3, "skill-instructions": 2, "skill-customers": 2}, offer_again="yes",
            went_well="Sam watered every plant carefully and smiled at the customers.",
            work_on="Asking for help when he is not sure.", submitted_at=now, updated_at=now,
        ),
        EmployerFeedback(
            school_id=school.id, participant_id=cafe.participants[0].id, token_hash=token_hash(new_token()),
            created_by_id=leader.id, expires_at=now + timedelta(days=30), author_name="Rosa Lima",
            skills={"skill-timekeeping": 3, "skill-money": 2, "skill-customers": 3}, offer_again="yes",
            went_well="Maya was on time every day and took orders politely.", work_on="Counting change.",
            submitted_at=now, updated_at=now, read_at=now, read_by_id=leader.id, checked_at=now,
            checked_by_id=leader.id,
        ),
    ])
    session.flush()


def write_accounts(rows: list[dict[str, Any]], path: Path) -> None:
    """The file holds passwords, so only the account running the app may read it."""
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(rows, indent=2))
    tmp.replace(path)


def describe(rows: list[dict[str, Any]]) -> str:
    lines = ["Demo sign-ins:"]
    for row in rows:
        if row["role"] == "learner":
            lines.append(
                f"  learner  {row['name']:<14} {row['school']:<17} card: {row['login_url']}  "
                f"(code {row['short_code']}, picture: {row['picture']})"
            )
        else:
            lines.append(f"  {row['role']:<8} {row['name']:<14} {row['school']:<17} {row['email']}  password: {row['password']}")
    lines.append(
        "Learner cards only work on a school tablet: sign in as a TA, choose 'Set up this tablet', "
        "sign out, then open a learner's card link (or type their code)."
    )
    return "\n".join(lines)
