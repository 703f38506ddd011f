"""The people, places and sign-in records the rest of the app builds on.

Every row that belongs to a school carries ``school_id`` so that one install can hold
several schools that never see each other.
"""
from __future__ import annotations

import enum
from datetime import datetime, timezone

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Role(str, enum.Enum):
    ADMIN = "admin"  # careers leader
    STAFF = "staff"  # teacher or teaching assistant
    LEARNER = "learner"
    PARENT = "parent"  # parent or carer

    @property
    def label(self) -> str:
        return {
            "admin": "Careers leader",
            "staff": "Teacher or TA",
            "learner": "Learner",
            "parent": "Parent or carer",
        }[self.value]


class TextSize(str, enum.Enum):
    NORMAL = "normal"
    LARGE = "large"
    EXTRA_LARGE = "extra-large"


class SymbolMode(str, enum.Enum):
    SYMBOLS_AND_TEXT = "symbols-and-text"
    TEXT_ONLY = "text-only"


staff_groups = Table(
    "staff_groups",
    Base.metadata,
    Column("staff_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
)

parent_links = Table(
    "parent_links",
    Base.metadata,
    Column("parent_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("learner_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Group(Base):
    """A class or tutor group. Staff are members of groups; each learner is in one."""

    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))

    school: Mapped[School] = relationship()
    learners: Mapped[list[User]] = relationship(
        back_populates="group", foreign_keys="User.group_id", order_by="User.display_name"
    )
    staff: Mapped[list[User]] = relationship(
        secondary=staff_groups, back_populates="staff_groups", order_by="User.display_name"
    )


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(120))
    # Only staff, admins and parents have an email and password; learners never type.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"), index=True)
    # The learner's own picture: a symbol name from the symbol library.
    picture_symbol: Mapped[str | None] = mapped_column(String(60))
    text_size: Mapped[str] = mapped_column(String(20), default=TextSize.NORMAL.value)
    high_contrast: Mapped[bool] = mapped_column(Boolean, default=False)
    symbol_mode: Mapped[str] = mapped_column(String(20), default=SymbolMode.SYMBOLS_AND_TEXT.value)
    # Bumped to sign a user out everywhere (password change, deactivation).
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    school: Mapped[School] = relationship()
    group: Mapped[Group | None] = relationship(back_populates="learners", foreign_keys=[group_id])
    staff_groups: Mapped[list[Group]] = relationship(
        secondary=staff_groups, back_populates="staff", order_by="Group.name"
    )
    children: Mapped[list[User]] = relationship(
        secondary=parent_links,
        primaryjoin=lambda: User.id == parent_links.c.parent_id,
        secondaryjoin=lambda: User.id == parent_links.c.learner_id,
        back_populates="parents",
        order_by="User.display_name",
    )
    parents: Mapped[list[User]] = relationship(
        secondary=parent_links,
        primaryjoin=lambda: User.id == parent_links.c.learner_id,
        secondaryjoin=lambda: User.id == parent_links.c.parent_id,
        back_populates="children",
        order_by="User.display_name",
    )

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def get_id(self) -> str:
        # The version makes old sessions invalid after a password change or deactivation.
        return f"{self.id}:{self.session_version}"

    @property
    def first_name(self) -> str:
        return self.display_name.split(" ")[0]


class LoginCard(Base):
    """A printed card with a QR code and short code that starts a learner's sign-in.

    Only a hash of the secret is stored, so a database leak cannot print new cards.
    """

    __tablename__ = "login_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    short_code_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    failed_checks: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])


class TrustedTablet(Base):
    """A school tablet that staff have set up. Cards only work on these tablets,
    so a card that is lost outside school opens nothing."""

    __tablename__ = "trusted_tablets"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
