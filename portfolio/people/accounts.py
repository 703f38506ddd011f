"""Accounts for staff, admins, parents and learners, and password sign-in."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session, selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from portfolio.errors import KindError
from portfolio.models import Group, Role, School, SymbolMode, TextSize, User
from portfolio.people import passwords
from portfolio.people.sessions import end_sessions_for
from portfolio.plain_text import clean_line
from portfolio.web.paging import TABLE_PAGE_SIZE, Page, SortKey, keyset_page

MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH


@cache
def _dummy_hash() -> str:
    """Verified against when no account matches, so a wrong email takes as long as a wrong password.
    Made on first use: an scrypt hash at import would add a tenth of a second to every worker's start."""
    return generate_password_hash("not-a-real-password", method="scrypt")


MAX_NAME = 120  # a person's or a group's name, as its column holds


class AccountError(KindError):
    """A problem with what was asked for, in words fit to show the person."""


def hash_password(password: str, method: str = "scrypt") -> str:
    """scrypt unless told otherwise (``PASSWORD_HASH_METHOD``, which only the test-suite changes)."""
    return generate_password_hash(password, method=method)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active staff/admin/parent account for these details, or None.

    Always runs one hash check so timing does not reveal whether an email exists.
    """
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    if not user.active or user.role_enum is Role.LEARNER:
        return None
    return user


@dataclass
class PersonDetails:
    display_name: str
    role: Role
    email: str | None = None
    password: str | None = None
    group_id: int | None = None
    picture_symbol: str | None = None


def _check_email_free(session: Session, email: str, except_id: int | None = None) -> None:
    query = select(User.id).where(func.lower(User.email) == email)
    if except_id is not None:
        query = query.where(User.id != except_id)
    if session.scalar(query) is not None:
        raise AccountError("Someone already uses that email address.")


def _group_in_school(session: Session, school_id: int, group_id: int | None) -> Group | None:
    if group_id is None:
        return None
    group = session.get(Group, group_id)
    if group is None or group.school_id != school_id:
        raise AccountError("Choose a group from your school.")
    return group


def create_person(session: Session, school: School, details: PersonDetails, *, hash_method: str = "scrypt",
                  invited: bool = False) -> User:
    """A new account. ``invited`` adults get no password: they choose one through an emailed link."""
    name = clean_line(details.display_name, MAX_NAME, what="the name", refuse=AccountError)
    if not name:
        raise AccountError("Enter a name.")
    user = User(school_id=school.id, role=details.role.value, display_name=name)
    if details.role is Role.LEARNER:
        user.group = _group_in_school(session, school.id, details.group_id)
        user.picture_symbol = details.picture_symbol
    else:
        email = normalise_email(details.email or "")
        if "@" not in email or len(email) > 254:
            raise AccountError("Enter an email address, like name@school.org.uk.")
        _check_email_free(session, email)
        user.email = email
        if not (invited and details.password is None):
            set_password(user, details.password or "", hash_method=hash_method)
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str, *, hash_method: str = "scrypt") -> None:
    """The password rules (``passwords.check_new_password``) apply here too; a change ends every sign-in."""
    try:
        passwords.change_password(object_session(user), user, password, hash_method=hash_method)
    except passwords.PasswordRuleError as problem:
        raise AccountError(problem.message) from problem


def update_person(
    session: Session,
    user: User,
    *,
    display_name: str,
    email: str | None,
    active: bool,
    group_id: int | None = None,
    staff_group_ids: list[int] | None = None,
    child_ids: list[int] | None = None,
    picture_symbol: str | None = None,
) -> User:
    """Change a person's details and links. Every linked record must be from the same school."""
    name = clean_line(display_name, MAX_NAME, what="the name", refuse=AccountError)
    if not name:
        raise AccountError("Enter a name.")
    user.display_name = name
    if user.role_enum is not Role.LEARNER and email is not None:
        clean = normalise_email(email)
        if "@" not in clean:
            raise AccountError("Enter an email address, like name@school.org.uk.")
        _check_email_free(session, clean, except_id=user.id)
        user.email = clean
    if user.active and not active:
        user.session_version += 1  # signs them out on every device
        end_sessions_for(session, user.id)
    user.active = active
    if user.role_enum is Role.LEARNER:
        user.group = _group_in_school(session, user.school_id, group_id)
        if picture_symbol:
            user.picture_symbol = picture_symbol
    if user.role_enum is Role.STAFF and staff_group_ids is not None:
        user.staff_groups = [g for g in (_group_in_school(session, user.school_id, i) for i in staff_group_ids) if g]
    if user.role_enum is Role.PARENT and child_ids is not None:
        children = []
        for child_id in child_ids:
            child = session.get(User, child_id)
            if child is None or child.school_id != user.school_id or child.role_enum is not Role.LEARNER:
                raise AccountError("Choose learners from your school.")
            children.append(child)
        user.children = children
    session.flush()
    return user


def create_group(session: Session, school: School, name: str) -> Group:
    clean = clean_line(name, MAX_NAME, what="the group name", refuse=AccountError)
    if not clean:
        raise AccountError("Enter a name for the group.")
    exists = session.scalar(select(Group.id).where(Group.school_id == school.id, Group.name == clean))
    if exists is not None:
        raise AccountError("There is already a group with that name.")
    group = Group(school_id=school.id, name=clean)
    session.add(group)
    session.flush()
    return group


def set_display_settings(user: User, *, text_size: str, high_contrast: bool, symbol_mode: str) -> None:
    """Staff choose how a learner's pages look; unknown values are refused, not stored."""
    try:
        user.text_size = TextSize(text_size).value
        user.symbol_mode = SymbolMode(symbol_mode).value
    except ValueError as exc:
        raise AccountError("Choose one of the options shown.") from exc
    user.high_contrast = high_contrast


def people_in_school(session: Session, school_id: int, role: Role | None = None) -> list[User]:
    query = select(User).where(User.school_id == school_id)
    if role is not None:
        query = query.where(User.role == role.value)
    return list(session.scalars(query.order_by(User.role, User.display_name)))


PEOPLE_ORDER: tuple[SortKey[User], ...] = (
    SortKey(User.role, False, lambda person: person.role),
    SortKey(User.display_name, False, lambda person: person.display_name),
    SortKey(User.id, False, lambda person: person.id),
)


def people_page(session: Session, school_id: int, role: Role | None = None, after: str | None = None) -> Page[User]:
    """A page of the school's people by role, then name, with each learner's group loaded up front."""
    query = select(User).where(User.school_id == school_id).options(selectinload(User.group))
    if role is not None:
        query = query.where(User.role == role.value)
    return keyset_page(session, query, PEOPLE_ORDER, after, size=TABLE_PAGE_SIZE)


def count_by_role(session: Session, school_id: int) -> dict[Role, int]:
    """How many people of each role the school has, counted in the database."""
    counted = dict(session.execute(
        select(User.role, func.count(User.id)).where(User.school_id == school_id).group_by(User.role)).all())
    return {role: int(counted.get(role.value, 0)) for role in Role}


def groups_in_school(session: Session, school_id: int) -> list[Group]:
    return list(session.scalars(select(Group).where(Group.school_id == school_id).order_by(Group.name)))


def learners_for(session: Session, actor: User) -> list[User]:
    """The learners this person works with: an admin sees the school, staff their groups."""
    if actor.role_enum is Role.ADMIN:
        return people_in_school(session, actor.school_id, Role.LEARNER)
    if actor.role_enum is Role.STAFF:
        ids = [g.id for g in actor.staff_groups]
        if not ids:
            return []
        return list(
            session.scalars(
                select(User)
                .where(User.role == Role.LEARNER.value, User.group_id.in_(ids), User.active.is_(True))
                .order_by(User.display_name)
            )
        )
    if actor.role_enum is Role.PARENT:
        return list(actor.children)
    return []
