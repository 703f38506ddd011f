"""Demo data for the careers leader's desk: a school of thirty learners in Years 9 to 14 with their
records (dates of birth, EHC plans, review dates, needs), and three years of leavers with their
destinations and follow-ups, some of them overdue, so the cohort grid and the reports show real gaps.

Built straight on the models, like the rest of the demo, and kept apart from ``demo`` because it is
about the whole school rather than the six learners people sign in as.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from portfolio.models import (
    ActivityKind,
    ActivityParticipant,
    Attendance,
    CareersActivity,
    Destination,
    DestinationCategory,
    Group,
    LearnerRecord,
    NeedArea,
    ReviewPack,
    ReviewStatus,
    Role,
    School,
    User,
    utcnow,
)
from portfolio.people import accounts
from portfolio.school_years import school_year
from portfolio.symbols.learner_pictures import PICTURE_SYMBOLS

NEEDS = list(NeedArea)

# The six people sign in as, by name: their year group and how far away their annual review is.
SIGN_IN_LEARNERS = {
    "Sam Patel": (10, 20), "Aisha Khan": (11, 45), "Tom Reid": (9, 12),
    "Maya Jones": (12, 70), "Leo Smith": (13, 150), "Ruby Green": (14, 200),
}

MORE_LEARNERS = (
    "Ava Brooks", "Noah Clarke", "Isla Dunn", "Ethan Ford", "Freya Grant", "Harry Hughes", "Zara Iqbal",
    "Jacob King", "Lily Moss", "Oscar Nash", "Poppy Owen", "Reuben Price", "Sofia Quinn", "Theo Rahman",
    "Una Stone", "Vikram Tait", "Willow Vance", "Xander West", "Yasmin Young", "Zac Adams", "Bella Cole",
    "Callum Diaz", "Daisy Evans", "Elliot Fox",
)

LEAVERS = (
    # name, years ago they left, consent to keep in touch, destination on leaving, detail, where
    ("Amir Hassan", 1, True, DestinationCategory.EDUCATION, "1", "Riverside College"),
    ("Beth Lowe", 1, True, DestinationCategory.SUPPORTED_INTERNSHIP, "", "Riverside Hospital"),
    ("Carl Mills", 1, False, DestinationCategory.UNKNOWN, "", ""),
    ("Dina Shah", 2, True, DestinationCategory.APPRENTICESHIP, "", "Northgate Training"),
    ("Evan Todd", 2, True, DestinationCategory.NEET, "", ""),
    ("Fern Ward", 3, True, DestinationCategory.EMPLOYMENT, "16 to 29", "Sunrise Café"),
)


@dataclass(frozen=True)
class DeskDemo:
    learners: list[User]
    leavers: list[User]


def _birthday(year_group: int, today: date, rng: random.Random) -> date:
    """A date of birth that puts someone in ``year_group`` this school year."""
    born_school_year = school_year(today) - year_group - 5
    return date(born_school_year, 9, 1) + timedelta(days=rng.randrange(365))


def _record(session: Session, learner: User, year_group: int, today: date, rng: random.Random, *,
            review_in: int | None) -> LearnerRecord:
    record = LearnerRecord(
        learner_id=learner.id, school_id=learner.school_id, date_of_birth=_birthday(year_group, today, rng),
        upn=f"R{learner.school_id:03d}{rng.randrange(10**8, 10**9)}X",
        ehc_plan=review_in is not None, need_area=rng.choice(NEEDS).value,
        annual_review_on=today + timedelta(days=review_in) if review_in is not None else None,
    )
    session.add(record)
    return record


def _new_learner(session: Session, school: School, group: Group, name: str, picture: str) -> User:
    return accounts.create_person(session, school, accounts.PersonDetails(
        display_name=name, role=Role.LEARNER, group_id=group.id, picture_symbol=picture))


def create_desk_demo(session: Session, school: School, groups: dict[str, Group], learners: dict[str, User],
                     leader: User, today: date) -> DeskDemo:
    rng = random.Random(2026)  # the same school every time the demo is made
    for name, (year_group, review_in) in SIGN_IN_LEARNERS.items():
        _record(session, learners[name], year_group, today, rng, review_in=review_in)
    more = []
    for index, name in enumerate(MORE_LEARNERS):
        year_group = 9 + index % 6
        group = groups["Birch class"] if year_group <= 11 else groups["Ash class"]
        learner = _new_learner(session, school, group, name, PICTURE_SYMBOLS[index % len(PICTURE_SYMBOLS)])
        session.flush()
        review_in = [10, 25, 40, 55, 90, 160, None][index % 7]
        _record(session, learner, year_group, today, rng, review_in=review_in)
        more.append(learner)
    session.flush()
    _desk_packs(session, more, leader, today)
    _desk_activities(session, school, more, leader, today)
    leavers = _desk_leavers(session, school, groups["Ash class"], leader, today, rng)
    return DeskDemo(learners=more, leavers=leavers)


def _desk_packs(session: Session, learners: list[User], leader: User, today: date) -> None:
    """Some reviews coming up already have a pack started; one is final; the rest have none yet."""
    for learner, status in zip(learners[:3], (ReviewStatus.DRAFT, ReviewStatus.FINAL, ReviewStatus.DRAFT)):
        pack = ReviewPack(school_id=learner.school_id, learner_id=learner.id, date_from=today - timedelta(days=365),
                          date_to=today, status=status.value, created_by_id=leader.id, left_out=[])
        if status is ReviewStatus.FINAL:
            pack.finalised_at, pack.finalised_by_id, pack.snapshot = utcnow(), leader.id, {}
        session.add(pack)


def _desk_activities(session: Session, school: School, learners: list[User], leader: User, today: date) -> None:
    """Last term's careers fair for most of the school and a visit for some, so that the grid has both
    counts and gaps: the last six learners took part in nothing this year."""
    fair = CareersActivity(school_id=school.id, kind=ActivityKind.CAREERS_FAIR.value, title="Autumn careers fair",
                           starts_on=today - timedelta(days=60), benchmarks=ActivityKind.CAREERS_FAIR.default_benchmarks,
                           created_by_id=leader.id)
    visit = CareersActivity(school_id=school.id, kind=ActivityKind.VISIT.value, title="Visit to Riverside Bus Depot",
                            starts_on=today - timedelta(days=35), days=0.5,
                            benchmarks=ActivityKind.VISIT.default_benchmarks, created_by_id=leader.id)
    session.add_all([fair, visit])
    session.flush()
    for index, learner in enumerate(learners[:-6]):
        session.add(ActivityParticipant(school_id=school.id, activity_id=fair.id, learner_id=learner.id,
                                        attendance=Attendance.ATTENDED.value, marked_by_id=leader.id))
        if index % 3 == 0:
            session.add(ActivityParticipant(school_id=school.id, activity_id=visit.id, learner_id=learner.id,
                                            attendance=Attendance.ATTENDED.value, marked_by_id=leader.id))
    session.flush()


def _desk_leavers(session: Session, school: School, group: Group, leader: User, today: date,
                  rng: random.Random) -> list[User]:
    """Leavers of the last three summers: accounts off, portfolios kept, destinations recorded, and
    with consent the follow-ups at 1, 2 and 3 years, of which some are recorded and some overdue."""
    leavers = []
    for name, years_ago, consent, category, detail, where in LEAVERS:
        learner = _new_learner(session, school, group, name, rng.choice(PICTURE_SYMBOLS))
        learner.active = False
        session.flush()
        left_on = date(school_year(today) - years_ago + 1, 7, 20)
        record = _record(session, learner, 14, left_on, rng, review_in=None)
        record.left_on, record.leaving_reason = left_on, "Finished Year 14"
        record.keep_in_touch = consent
        record.keep_in_touch_by, record.keep_in_touch_on = ("family", left_on) if consent else ("", None)
        session.add(Destination(school_id=school.id, learner_id=learner.id, checkpoint=0, due_on=left_on,
                                recorded_on=left_on, category=category.value, detail=detail, provider=where,
                                how_found="Leaving review", recorded_by_id=leader.id))
        if consent:
            _follow_ups(session, learner, left_on, category, detail, where, today, leader)
        leavers.append(learner)
    session.flush()
    return leavers


def _follow_ups(session: Session, learner: User, left_on: date, category: DestinationCategory, detail: str,
                where: str, today: date, leader: User) -> None:
    for checkpoint in (1, 2, 3):
        due = date(left_on.year + checkpoint, left_on.month, left_on.day)
        found = due <= today - timedelta(days=60) and checkpoint == 1  # the first year's call was made
        session.add(Destination(
            school_id=learner.school_id, learner_id=learner.id, checkpoint=checkpoint, due_on=due,
            recorded_on=due + timedelta(days=14) if found else None,
            category=category.value if found else None, detail=detail if found else "",
            provider=where if found else "", how_found="Phone call to the family" if found else "",
            recorded_by_id=leader.id if found else None,
        ))
