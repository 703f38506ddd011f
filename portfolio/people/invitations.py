"""Inviting a parent or a member of staff by email, so nobody has to pass a password on by hand.

The careers leader gives a name, an email address and a role; the account is made without a
password, and an email carries a one-time link (72 hours) to a page where the person chooses their
own. Sending again makes a new link and stops the old one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from portfolio.mail import outbox, texts
from portfolio.models import Role, School, User
from portfolio.people import accounts, passwords

INVITABLE_ROLES = (Role.PARENT, Role.STAFF, Role.ADMIN)


@dataclass(frozen=True)
class Invitation:
    display_name: str
    email: str
    role: str


def _checked_role(value: str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        role = None
    if role not in INVITABLE_ROLES:
        raise accounts.AccountError("Choose who they are: a parent or carer, a teacher or TA, or a careers leader.")
    return role


def send_invitation(dbs: Session, person: User, actor: User, *, now: datetime, lifetime: timedelta,
                    link_for: Callable[[str], str]) -> User:
    """Email this adult a new link to set their password; an earlier invitation stops working."""
    if person.role_enum is Role.LEARNER or not person.email:
        raise accounts.AccountError("Only people with an email address can be invited.")
    if not person.active:
        raise accounts.AccountError("This account is switched off. Switch it on before sending an invitation.")
    token = passwords.issue_link(dbs, person, passwords.INVITATION, lifetime, now, created_by=actor)
    subject, body = texts.invitation(
        name=person.display_name, school=person.school.name, role=person.role, link=link_for(token),
        expires_at=now + lifetime, hours=int(lifetime.total_seconds() // 3600))
    outbox.queue_message(dbs, to=person.email, subject=subject, text=body, kind="invitation",
                         school_id=person.school_id, user_id=person.id)
    return person


def invite_person(dbs: Session, school: School, actor: User, details: Invitation, *, now: datetime,
                  lifetime: timedelta, link_for: Callable[[str], str]) -> User:
    """Make the account (no password yet) and queue the invitation, in one transaction the caller commits."""
    role = _checked_role(details.role)
    try:
        outbox.clean_address(details.email)
    except outbox.BadAddress as problem:
        raise accounts.AccountError(problem.message) from problem
    person = accounts.create_person(
        dbs, school, accounts.PersonDetails(display_name=details.display_name, role=role, email=details.email),
        invited=True)
    return send_invitation(dbs, person, actor, now=now, lifetime=lifetime, link_for=link_for)
