"""Demo data: two schools with groups, learners with different needs, staff and parents.

Every sign-in is printed and written to ``instance/demo-accounts.json`` so that a person
(or a browser test) can try each role straight away.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import accounts, cards
from .models import Group, Role, School, SymbolMode, TextSize, User


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


def _adult(session: Session, school: School, role: Role, name: str, email: str, rows: list[dict[str, Any]]) -> User:
    password = _password()
    user = accounts.create_person(
        session, school, accounts.PersonDetails(display_name=name, role=role, email=email, password=password)
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


def create_demo(session: Session, base_url: str, card_days: int = 365) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    riverside = School(name="Riverside School")
    hillview = School(name="Hillview College")
    session.add_all([riverside, hillview])
    session.flush()

    oak = accounts.create_group(session, riverside, "Oak class")
    willow = accounts.create_group(session, riverside, "Willow class")
    leader = _adult(session, riverside, Role.ADMIN, "Helen Carter", "helen.carter@riverside.example", rows)
    priya = _adult(session, riverside, Role.STAFF, "Priya Shah", "priya.shah@riverside.example", rows)
    daniel = _adult(session, riverside, Role.STAFF, "Daniel Okafor", "daniel.okafor@riverside.example", rows)
    priya.staff_groups = [oak]
    daniel.staff_groups = [willow]
    groups = {"Oak class": oak, "Willow class": willow}
    learners = {
        spec.name: _learner(session, riverside, groups[spec.group], spec, leader, base_url, card_days, rows)
        for spec in RIVERSIDE_LEARNERS
    }
    mum = _adult(session, riverside, Role.PARENT, "Nina Patel", "nina.patel@family.example", rows)
    dad = _adult(session, riverside, Role.PARENT, "Chris Jones", "chris.jones@family.example", rows)
    mum.children = [learners["Sam Patel"]]
    dad.children = [learners["Maya Jones"]]

    pathways = accounts.create_group(session, hillview, "Pathways")
    hv_admin = _adult(session, hillview, Role.ADMIN, "Grace Lee", "grace.lee@hillview.example", rows)
    hv_staff = _adult(session, hillview, Role.STAFF, "Omar Ali", "omar.ali@hillview.example", rows)
    hv_staff.staff_groups = [pathways]
    hv_learner = _learner(
        session, hillview, pathways,
        DemoLearner("Jade Brown", "Pathways", "horse", "Supported internship learner."),
        hv_admin, base_url, card_days, rows,
    )
    hv_parent = _adult(session, hillview, Role.PARENT, "Kim Brown", "kim.brown@family.example", rows)
    hv_parent.children = [hv_learner]
    session.flush()
    return rows


def write_accounts(rows: list[dict[str, Any]], path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(rows, indent=2))
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
