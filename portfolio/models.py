"""The people, places and sign-in records the rest of the app builds on.

Every row that belongs to a school carries ``school_id`` so that one install can hold
several schools that never see each other.
"""
from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from portfolio.db import Base


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


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
    SYMBOLS_ONLY = "symbols-only"


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
    __table_args__ = (Index("ix_users_people_order", "school_id", "role", "display_name", "id"),)

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


class SignIn(Base):
    """One signed-in session. The cookie carries a random token whose hash is kept here, so
    signing out ends the session on the server too: a copy of the old cookie opens nothing."""

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    via: Mapped[str] = mapped_column(String(20))  # password, card or handover
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)


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


class ExperienceKind(str, enum.Enum):
    """The kinds of careers encounter the Gatsby benchmarks 5 and 6 count."""

    PLACEMENT = "placement"
    VISIT = "visit"
    SHADOWING = "shadowing"
    EMPLOYER_TALK = "employer-talk"
    CAREERS_FAIR = "careers-fair"
    TASTER = "taster"
    INTERNSHIP = "internship"
    VOLUNTEERING = "volunteering"
    ENTERPRISE = "enterprise"

    @property
    def label(self) -> str:
        return {
            "placement": "Work placement",
            "visit": "Workplace visit",
            "shadowing": "Work shadowing",
            "employer-talk": "A talk or visit from an employer",
            "careers-fair": "Careers fair",
            "taster": "College or training taster",
            "internship": "Supported internship day",
            "volunteering": "Volunteering",
            "enterprise": "School enterprise or café",
        }[self.value]

    @property
    def symbol(self) -> str:
        return f"kind-{self.value}"


class HelpLevel(str, enum.Enum):
    """How much help the learner had: recorded because it shows progress towards independence."""

    OWN = "own"
    PROMPTS = "prompts"
    LOTS = "lots"
    STAFF = "staff"

    @property
    def label(self) -> str:
        return {
            "own": "On my own",
            "prompts": "With a few prompts",
            "lots": "With a lot of help",
            "staff": "Made by staff for me",
        }[self.value]

    @property
    def symbol(self) -> str:
        return f"help-{self.value}"


class WouldLike(str, enum.Enum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "maybe": "Maybe", "no": "No"}[self.value]

    @property
    def symbol(self) -> str:
        return self.value


class ExperienceStatus(str, enum.Enum):
    DRAFT = "draft"
    WAITING = "waiting"  # waiting for staff to check
    SHARED = "shared"  # shared with the family

    @property
    def label(self) -> str:
        return {"draft": "Not sent yet", "waiting": "Waiting to be checked", "shared": "Shared with family"}[self.value]

    @property
    def symbol(self) -> str:
        return {"draft": "draft", "waiting": "waiting", "shared": "shared"}[self.value]


class TagScheme(str, enum.Enum):
    """What an experience tag means. New schemes (benchmarks, Preparation for Adulthood) add rows, not columns."""

    DID = "did"
    SKILL = "skill"


class MediaFile(Base):
    """A private file in the media store: a photo size, a voice recording, a school's symbol.

    Rows point at storage keys; the bytes are only ever served by an authorised route.
    """

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    content_type: Mapped[str] = mapped_column(String(60))
    seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Experience(Base):
    """One entry in a learner's portfolio: a placement, a visit, a talk, a taster…

    Lists (what I did, skills) live in ``ExperienceTag`` so later tags need no new columns.
    """

    __tablename__ = "experiences"
    # The portfolio order (newest first by ``sort_on``) for one learner, all entries or one status;
    # the staff check queue; the learner's latest draft. Each list is read a page at a time.
    __table_args__ = (
        Index("ix_experiences_portfolio_order", "learner_id", "sort_on", "created_at", "id"),
        Index("ix_experiences_status_order", "learner_id", "status", "sort_on", "created_at"),
        Index("ix_experiences_queue_order", "status", "submitted_at", "id"),
        Index("ix_experiences_draft_order", "learner_id", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable across schools and installs, so an imported portfolio is recognised the second time.
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str | None] = mapped_column(String(30))
    place: Mapped[str] = mapped_column(String(200), default="")
    place_symbol: Mapped[str | None] = mapped_column(String(60))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    feeling: Mapped[str | None] = mapped_column(String(40))
    would_like: Mapped[str | None] = mapped_column(String(10))
    caption: Mapped[str] = mapped_column(Text, default="")
    # word -> symbol reference, for words where staff picked a different symbol
    caption_symbols: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    voice_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    help_level: Mapped[str | None] = mapped_column(String(20))
    staff_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ExperienceStatus.DRAFT.value, index=True)
    step: Mapped[str] = mapped_column(String(20), default="kind")  # where the learner carries on
    check_note: Mapped[str] = mapped_column(Text, default="")
    check_note_symbol: Mapped[str | None] = mapped_column(String(60))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    shared_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The day the portfolio sorts by: the day it happened, or the day it was made when no date was
    # given, so an undated entry sits among its neighbours in every "newest first" list.
    sort_on: Mapped[date | None] = mapped_column(Date)
    # The planned careers activity this entry records, if it started from one.
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("careers_activities.id", ondelete="SET NULL"), index=True
    )

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    activity: Mapped[CareersActivity | None] = relationship(foreign_keys=[activity_id])
    checked_by: Mapped[User | None] = relationship(foreign_keys=[checked_by_id])
    voice: Mapped[MediaFile | None] = relationship(foreign_keys=[voice_id])
    tags: Mapped[list[ExperienceTag]] = relationship(
        back_populates="experience", cascade="all, delete-orphan", order_by="ExperienceTag.position"
    )
    photos: Mapped[list[ExperiencePhoto]] = relationship(
        back_populates="experience", cascade="all, delete-orphan", order_by="ExperiencePhoto.position"
    )
    comments: Mapped[list[FamilyComment]] = relationship(
        back_populates="experience", cascade="all, delete-orphan", order_by="FamilyComment.created_at"
    )

    @property
    def status_enum(self) -> ExperienceStatus:
        return ExperienceStatus(self.status)

    @property
    def kind_enum(self) -> ExperienceKind | None:
        return ExperienceKind(self.kind) if self.kind else None

    @property
    def would_like_enum(self) -> WouldLike | None:
        return WouldLike(self.would_like) if self.would_like else None

    @property
    def help_level_enum(self) -> HelpLevel | None:
        return HelpLevel(self.help_level) if self.help_level else None

    def tag_values(self, scheme: TagScheme) -> list[str]:
        return [tag.value for tag in self.tags if tag.scheme == scheme.value]

    def fill_sort_on(self) -> None:
        """Keep ``sort_on`` in step with the dates, whoever saved the entry (a step, an import, the demo)."""
        if self.created_at is None:
            self.created_at = utcnow()
        self.sort_on = self.start_date or self.created_at.date()


@orm_event.listens_for(Experience, "before_insert")
@orm_event.listens_for(Experience, "before_update")
def _experience_sort_on(_mapper: object, _connection: object, target: Experience) -> None:
    target.fill_sort_on()


class ExperienceTag(Base):
    __tablename__ = "experience_tags"
    __table_args__ = (UniqueConstraint("experience_id", "scheme", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int] = mapped_column(ForeignKey("experiences.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer, default=0)

    experience: Mapped[Experience] = relationship(back_populates="tags")


class ExperiencePhoto(Base):
    __tablename__ = "experience_photos"
    # The same file twice on one entry is a double tap, not a second photo.
    __table_args__ = (UniqueConstraint("experience_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int] = mapped_column(ForeignKey("experiences.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    display_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"))
    thumb_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    thumb_width: Mapped[int] = mapped_column(Integer)
    thumb_height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    experience: Mapped[Experience] = relationship(back_populates="photos")
    display: Mapped[MediaFile] = relationship(foreign_keys=[display_id])
    thumb: Mapped[MediaFile] = relationship(foreign_keys=[thumb_id])


class FamilyComment(Base):
    """A parent's short comment on a shared entry. Staff pass it on to the learner."""

    __tablename__ = "family_comments"
    __table_args__ = (Index("ix_family_comments_order", "experience_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    experience_id: Mapped[int] = mapped_column(ForeignKey("experiences.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    voice_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    passed_on_at: Mapped[datetime | None] = mapped_column(DateTime)
    passed_on_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    experience: Mapped[Experience] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    voice: Mapped[MediaFile | None] = relationship(foreign_keys=[voice_id])


class SchoolSymbol(Base):
    """A school's own picture for a word (many schools hold Widgit or PCS licences)."""

    __tablename__ = "school_symbols"
    __table_args__ = (UniqueConstraint("school_id", "word"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    word: Mapped[str] = mapped_column(String(60))
    image_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    image: Mapped[MediaFile] = relationship()

    @property
    def reference(self) -> str:
        """How captions refer to this symbol (vocabulary words are referred to by key)."""
        return f"school:{self.id}"


class PassportSection(str, enum.Enum):
    """The sections of a communication passport, in the order the common UK templates use."""

    ABOUT_ME = "about-me"
    IMPORTANT_PEOPLE = "important-people"
    HOW_I_COMMUNICATE = "how-i-communicate"
    HOW_TO_HELP = "how-to-help"
    OK_NOT_OK = "ok-not-ok"
    MUST_KNOW = "must-know"
    LIKES = "likes"
    STRENGTHS = "strengths"
    HELPS_AT_WORK = "helps-at-work"
    HOPES = "hopes"

    @property
    def label(self) -> str:
        return {
            "about-me": "About me",
            "important-people": "People who are important to me",
            "how-i-communicate": "How I communicate",
            "how-to-help": "How to help me communicate",
            "ok-not-ok": "Signs that I am OK or not OK",
            "must-know": "Things you must know about me",
            "likes": "What I like and do not like",
            "strengths": "My strengths",
            "helps-at-work": "What helps me at work",
            "hopes": "My hopes and dreams",
        }[self.value]


class StatementStatus(str, enum.Enum):
    ACTIVE = "active"
    SUGGESTED = "suggested"  # a parent's suggestion, waiting for staff
    DECLINED = "declined"


passport_evidence = Table(
    "passport_evidence",
    Base.metadata,
    Column("statement_id", ForeignKey("passport_statements.id", ondelete="CASCADE"), primary_key=True),
    Column("experience_id", ForeignKey("experiences.id", ondelete="CASCADE"), primary_key=True),
)


class PassportStatement(Base):
    """One first-person statement in a learner's communication passport ("I like animals")."""

    __tablename__ = "passport_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")
    symbol: Mapped[str | None] = mapped_column(String(60))  # a vocabulary key or "school:<id>"
    voice_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    help_level: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=StatementStatus.ACTIVE.value)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    voice: Mapped[MediaFile | None] = relationship(foreign_keys=[voice_id])
    evidence: Mapped[list[Experience]] = relationship(
        secondary=passport_evidence, order_by="Experience.start_date", backref="passport_statements"
    )


class PhotoConsent(Base):
    """Where a learner's photos may be shown. Checked every time something leaves the school."""

    __tablename__ = "photo_consents"

    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    in_school: Mapped[bool] = mapped_column(Boolean, default=True)
    with_family: Mapped[bool] = mapped_column(Boolean, default=True)
    outside_school: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ShareLink(Base):
    """A secret link to an "About me for my placement" page, for someone without an account."""

    __tablename__ = "share_links"
    __table_args__ = (Index("ix_share_links_order", "learner_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    audience: Mapped[str] = mapped_column(String(200), default="")  # "Green Fingers Garden Centre"
    sections: Mapped[list[str]] = mapped_column(JSON, default=list)
    experience_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Made for a planned activity: the page then offers that placement's feedback card once it starts.
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("careers_activities.id", ondelete="SET NULL"), index=True
    )

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    activity: Mapped[CareersActivity | None] = relationship(foreign_keys=[activity_id])
    accesses: Mapped[list[ShareAccess]] = relationship(
        back_populates="link", cascade="all, delete-orphan", order_by="ShareAccess.at"
    )


class ShareAccess(Base):
    """Every opening of a share link, so staff can see who looked and when."""

    __tablename__ = "share_accesses"
    __table_args__ = (Index("ix_share_accesses_order", "link_id", "at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    what: Mapped[str] = mapped_column(String(60), default="page")  # page, photo, voice
    client: Mapped[str] = mapped_column(String(200), default="")  # user agent, cut short

    link: Mapped[ShareLink] = relationship(back_populates="accesses")


class ImportRecord(Base):
    """A portable portfolio already imported here, so a second import of the same zip adds nothing."""

    __tablename__ = "import_records"
    __table_args__ = (UniqueConstraint("school_id", "export_uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    export_uid: Mapped[str] = mapped_column(String(36))
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PfaArea(str, enum.Enum):
    """The four Preparation for Adulthood outcomes every review from Year 9 looks at."""

    EMPLOYMENT = "employment"
    INDEPENDENT_LIVING = "independent_living"
    COMMUNITY = "community"
    HEALTH = "health"

    @property
    def label(self) -> str:
        return {
            "employment": "Employment",
            "independent_living": "Independent living",
            "community": "Friends, relationships and community",
            "health": "Health",
        }[self.value]

    @property
    def symbol(self) -> str:
        return {"employment": "kind-placement", "independent_living": "home", "community": "people",
                "health": "heart"}[self.value]


class OptionKind(str, enum.Enum):
    COLLEGE = "college"
    INTERNSHIP = "internship"
    APPRENTICESHIP = "apprenticeship"
    VOLUNTEERING = "volunteering"
    DAY_SERVICE = "day-service"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "college": "College course",
            "internship": "Supported internship",
            "apprenticeship": "Apprenticeship",
            "volunteering": "Volunteering",
            "day-service": "Day service",
            "other": "Something else",
        }[self.value]


class StepStatus(str, enum.Enum):
    PLANNED = "planned"
    DOING = "doing"
    DONE = "done"

    @property
    def label(self) -> str:
        return {"planned": "Not started", "doing": "Started", "done": "Done"}[self.value]


plan_option_experiences = Table(
    "plan_option_experiences",
    Base.metadata,
    Column("option_id", ForeignKey("plan_options.id", ondelete="CASCADE"), primary_key=True),
    Column("experience_id", ForeignKey("experiences.id", ondelete="CASCADE"), primary_key=True),
)


class TransitionPlan(Base):
    """One school year of a learner's transition plan. Earlier years are kept, so progress shows."""

    __tablename__ = "transition_plans"
    __table_args__ = (UniqueConstraint("learner_id", "year_group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    year_group: Mapped[int] = mapped_column(Integer)  # 9 to 14 (Year 14 = the last year at college)
    aspirations: Mapped[str] = mapped_column(Text, default="")
    employment: Mapped[str] = mapped_column(Text, default="")
    independent_living: Mapped[str] = mapped_column(Text, default="")
    community: Mapped[str] = mapped_column(Text, default="")
    health: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    options: Mapped[list[PlanOption]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanOption.id"
    )
    next_steps: Mapped[list[NextStep]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="NextStep.id"
    )

    def area_text(self, area: PfaArea) -> str:
        return str(getattr(self, area.value))


class PlanOption(Base):
    """A route explored (a college course, an internship…), linked to the entries that explored it."""

    __tablename__ = "plan_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("transition_plans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[TransitionPlan] = relationship(back_populates="options")
    experiences: Mapped[list[Experience]] = relationship(
        secondary=plan_option_experiences, order_by="Experience.start_date"
    )

    @property
    def kind_enum(self) -> OptionKind:
        return OptionKind(self.kind)


class NextStep(Base):
    """Who does what by when."""

    __tablename__ = "next_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("transition_plans.id", ondelete="CASCADE"), index=True)
    who: Mapped[str] = mapped_column(String(120))
    what: Mapped[str] = mapped_column(String(300))
    by_when: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=StepStatus.PLANNED.value)

    plan: Mapped[TransitionPlan] = relationship(back_populates="next_steps")

    @property
    def status_enum(self) -> StepStatus:
        return StepStatus(self.status)


class ReviewStatus(str, enum.Enum):
    DRAFT = "draft"
    FINAL = "final"


class ReviewPack(Base):
    """An annual review "My views" pack for a date range.

    While a draft it is built fresh from the entries, passport and plan, with staff's edits
    and leave-outs applied. Finalising stores the whole document in ``snapshot`` (and copies
    the photos it shows), so the dated pack never changes afterwards.
    """

    __tablename__ = "review_packs"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=ReviewStatus.DRAFT.value)
    left_out: Mapped[list[int]] = mapped_column(JSON, default=list)  # experience ids
    working: Mapped[str] = mapped_column(Text, default="")
    not_working: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    media: Mapped[list[ReviewMedia]] = relationship(back_populates="pack", cascade="all, delete-orphan")

    @property
    def is_final(self) -> bool:
        return self.status == ReviewStatus.FINAL.value


class ReviewMedia(Base):
    """A photo or recording copied into a final pack, so later changes to the entry leave it intact."""

    __tablename__ = "review_media"

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("review_packs.id", ondelete="CASCADE"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"))

    pack: Mapped[ReviewPack] = relationship(back_populates="media")
    media: Mapped[MediaFile] = relationship()


class ProviderKind(str, enum.Enum):
    """What an organisation in the school's directory is: Gatsby 7 and the Provider Access
    Legislation count colleges and training providers, benchmark 5 counts employers."""

    EMPLOYER = "employer"
    COLLEGE = "college"
    TRAINING = "training-provider"
    APPRENTICESHIP = "apprenticeship-provider"
    UNIVERSITY = "university"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "employer": "Employer",
            "college": "College",
            "training-provider": "Training provider",
            "apprenticeship-provider": "Apprenticeship provider",
            "university": "University",
            "other": "Other",
        }[self.value]


class Employer(Base):
    """An employer or education provider the school works with (its directory).

    Never deleted while activities point at it: a duplicate is merged into another
    (``merged_into_id``) and an old one is switched off (``active``).
    """

    __tablename__ = "employers"
    __table_args__ = (Index("ix_employers_directory_order", "school_id", "name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), default=ProviderKind.EMPLOYER.value)
    # A vocabulary key ("garden-centre", "cafe"): the sector's symbol and its words.
    sector: Mapped[str | None] = mapped_column(String(60))
    address: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    quiet_room: Mapped[bool] = mapped_column(Boolean, default=False)
    step_free: Mapped[bool] = mapped_column(Boolean, default=False)
    what_to_wear: Mapped[str] = mapped_column(Text, default="")
    access_notes: Mapped[str] = mapped_column(Text, default="")
    risk_checked_on: Mapped[date | None] = mapped_column(Date)
    risk_checked_by: Mapped[str] = mapped_column(String(120), default="")
    risk_review_due: Mapped[date | None] = mapped_column(Date)
    risk_pdf_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    risk_pdf: Mapped[MediaFile | None] = relationship(foreign_keys=[risk_pdf_id])
    merged_into: Mapped[Employer | None] = relationship(remote_side=[id], foreign_keys=[merged_into_id])

    @property
    def kind_enum(self) -> ProviderKind:
        return ProviderKind(self.kind)

    def risk_overdue(self, today: date) -> bool:
        """No risk assessment at all counts as overdue: a learner should not go there yet."""
        return self.risk_review_due is None or self.risk_review_due < today


class ActivityKind(str, enum.Enum):
    """What a planned careers activity is. Each counts towards Gatsby benchmarks by default."""

    PLACEMENT = "placement"
    VISIT = "visit"
    SHADOWING = "shadowing"
    EMPLOYER_TALK = "employer-talk"
    CAREERS_FAIR = "careers-fair"
    PROVIDER_ENCOUNTER = "provider-encounter"
    TASTER = "taster"
    GUIDANCE = "guidance"
    INTERNSHIP = "internship"
    ENTERPRISE = "enterprise"
    VOLUNTEERING = "volunteering"
    VIRTUAL_PLACEMENT = "virtual-placement"

    @property
    def label(self) -> str:
        return {
            "placement": "Work placement",
            "visit": "Workplace visit",
            "shadowing": "Work shadowing",
            "employer-talk": "Employer talk or workshop",
            "careers-fair": "Careers fair",
            "provider-encounter": "Meeting a college or apprenticeship provider",
            "taster": "College or university taster",
            "guidance": "Personal guidance meeting",
            "internship": "Supported internship day",
            "enterprise": "School enterprise or café",
            "volunteering": "Volunteering",
            "virtual-placement": "Virtual or hybrid placement",
        }[self.value]

    @property
    def default_benchmarks(self) -> list[int]:
        """Gatsby 5: encounters with employers; 6: experiences of workplaces;
        7: further and higher education and providers; 8: personal guidance."""
        return {
            "placement": [5, 6],
            "visit": [5, 6],
            "shadowing": [5, 6],
            "employer-talk": [5],
            "careers-fair": [5, 7],
            "provider-encounter": [7],
            "taster": [7],
            "guidance": [8],
            "internship": [5, 6],
            "enterprise": [6],
            "volunteering": [6],
            "virtual-placement": [5, 6],
        }[self.value]

    @property
    def experience_kind(self) -> ExperienceKind | None:
        """The kind a learner's entry about this activity starts with (None: the learner chooses)."""
        mapping = {
            "placement": ExperienceKind.PLACEMENT,
            "visit": ExperienceKind.VISIT,
            "shadowing": ExperienceKind.SHADOWING,
            "employer-talk": ExperienceKind.EMPLOYER_TALK,
            "careers-fair": ExperienceKind.CAREERS_FAIR,
            "provider-encounter": ExperienceKind.TASTER,
            "taster": ExperienceKind.TASTER,
            "internship": ExperienceKind.INTERNSHIP,
            "enterprise": ExperienceKind.ENTERPRISE,
            "volunteering": ExperienceKind.VOLUNTEERING,
            "virtual-placement": ExperienceKind.PLACEMENT,
        }
        return mapping.get(self.value)

    @property
    def symbol(self) -> str:
        kind = self.experience_kind
        return kind.symbol if kind is not None else "people"


class Attendance(str, enum.Enum):
    PLANNED = "planned"
    ATTENDED = "attended"
    ABSENT = "absent"

    @property
    def label(self) -> str:
        return {"planned": "Going", "attended": "Took part", "absent": "Did not take part"}[self.value]


class CareersActivity(Base):
    """Something the school plans for one or more learners on a date: a placement, a visit, a talk,
    a guidance meeting… Taking part is evidence for the benchmarks even without an entry.

    A recurring activity is one row per date, sharing ``series_id``, so each date has its own attendance.
    """

    __tablename__ = "careers_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200), default="")
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id", ondelete="RESTRICT"), index=True)
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # Working days a placement gives, towards the aim of about ten across secondary school.
    days: Mapped[float | None] = mapped_column(Float)
    benchmarks: Mapped[list[int]] = mapped_column(JSON, default=list)
    benchmarks_reason: Mapped[str] = mapped_column(Text, default="")  # why staff changed the defaults
    series_id: Mapped[str | None] = mapped_column(String(36), index=True)
    adviser_name: Mapped[str] = mapped_column(String(120), default="")  # personal guidance only
    adviser_level: Mapped[str] = mapped_column(String(60), default="")  # e.g. "Level 6 in careers guidance"
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)

    employer: Mapped[Employer | None] = relationship(foreign_keys=[employer_id])
    participants: Mapped[list[ActivityParticipant]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="ActivityParticipant.id"
    )

    @property
    def kind_enum(self) -> ActivityKind:
        return ActivityKind(self.kind)

    @property
    def last_day(self) -> date:
        return self.ends_on or self.starts_on

    @property
    def display_title(self) -> str:
        """What the activity is called on pages: its title, or its kind when it was given none."""
        return self.title or self.kind_enum.label


class ActivityParticipant(Base):
    """One learner planned for one activity, and afterwards whether they took part."""

    __tablename__ = "activity_participants"
    __table_args__ = (UniqueConstraint("activity_id", "learner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("careers_activities.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    attendance: Mapped[str] = mapped_column(String(20), default=Attendance.PLANNED.value)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A personal guidance meeting: what was talked about (agreed actions become plan next steps).
    discussed: Mapped[str] = mapped_column(Text, default="")

    activity: Mapped[CareersActivity] = relationship(back_populates="participants")
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    feedback: Mapped[list[EmployerFeedback]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", order_by="EmployerFeedback.id"
    )

    @property
    def attendance_enum(self) -> Attendance:
        return Attendance(self.attendance)


class EmployerFeedback(Base):
    """The employer's word on one learner's activity, through a secret link with no account.

    Sent once, changeable until staff have read it (``read_at``); the learner and family see it
    only once staff have checked it (``checked_at``).
    """

    __tablename__ = "employer_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("activity_participants.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    author_name: Mapped[str] = mapped_column(String(120), default="")
    skills: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # skill key -> 1 to 3
    went_well: Mapped[str] = mapped_column(Text, default="")
    work_on: Mapped[str] = mapped_column(Text, default="")
    offer_again: Mapped[str | None] = mapped_column(String(10))  # yes, maybe, no
    voice_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    read_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checked_at: Mapped[datetime | None] = mapped_column(DateTime)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    participant: Mapped[ActivityParticipant] = relationship(back_populates="feedback")
    voice: Mapped[MediaFile | None] = relationship(foreign_keys=[voice_id])
    accesses: Mapped[list[FeedbackAccess]] = relationship(
        back_populates="feedback", cascade="all, delete-orphan", order_by="FeedbackAccess.at"
    )


class FeedbackAccess(Base):
    """Every opening or sending of a feedback link, as for share links."""

    __tablename__ = "feedback_accesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("employer_feedback.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    what: Mapped[str] = mapped_column(String(60), default="page")  # page, send, voice
    client: Mapped[str] = mapped_column(String(200), default="")

    feedback: Mapped[EmployerFeedback] = relationship(back_populates="accesses")


class NeedArea(str, enum.Enum):
    """The four broad areas of need in the SEND Code of Practice."""

    COMMUNICATION = "communication-interaction"
    COGNITION = "cognition-learning"
    SEMH = "semh"
    SENSORY_PHYSICAL = "sensory-physical"

    @property
    def label(self) -> str:
        return {
            "communication-interaction": "Communication and interaction",
            "cognition-learning": "Cognition and learning",
            "semh": "Social, emotional and mental health",
            "sensory-physical": "Sensory and/or physical",
        }[self.value]


class LearnerRecord(Base):
    """What the school's information system knows about a learner: one row per learner.

    Kept apart from ``users`` because only learners have it, and because it holds the most
    sensitive facts (need, EHC plan), which only staff see.
    """

    __tablename__ = "learner_records"
    __table_args__ = (UniqueConstraint("school_id", "upn"),)

    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    # Set when a learner is taught out of their age's year (Year 7 to 14); otherwise worked out.
    year_override: Mapped[int | None] = mapped_column(Integer)
    upn: Mapped[str | None] = mapped_column(String(20))  # unique pupil number, or college learner number
    ehc_plan: Mapped[bool] = mapped_column(Boolean, default=False)
    annual_review_on: Mapped[date | None] = mapped_column(Date)
    need_area: Mapped[str | None] = mapped_column(String(30))
    left_on: Mapped[date | None] = mapped_column(Date)
    leaving_reason: Mapped[str] = mapped_column(String(200), default="")
    # Consent to keep in touch after leaving, so destinations can be followed up at 1, 2 and 3 years.
    keep_in_touch: Mapped[bool | None] = mapped_column(Boolean)
    keep_in_touch_by: Mapped[str] = mapped_column(String(20), default="")  # learner or family
    keep_in_touch_on: Mapped[date | None] = mapped_column(Date)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    learner: Mapped[User] = relationship(foreign_keys=[learner_id],
                                         backref=backref("record", uselist=False, cascade="all, delete-orphan"))

    @property
    def need_area_enum(self) -> NeedArea | None:
        return NeedArea(self.need_area) if self.need_area else None


class DestinationCategory(str, enum.Enum):
    """Where a leaver went, in the categories schools and local authorities report."""

    EDUCATION = "education"
    APPRENTICESHIP = "apprenticeship"
    SUPPORTED_INTERNSHIP = "supported-internship"
    EMPLOYMENT = "employment"
    VOLUNTEERING = "volunteering"
    DAY_OPPORTUNITIES = "day-opportunities"
    NEET = "neet"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {
            "education": "Education",
            "apprenticeship": "Apprenticeship",
            "supported-internship": "Supported internship",
            "employment": "Paid employment",
            "volunteering": "Volunteering",
            "day-opportunities": "Day opportunities or social care",
            "neet": "Not in education, employment or training (NEET)",
            "unknown": "Not known",
        }[self.value]

    @property
    def sustained(self) -> bool:
        """Counted as a sustained destination: anything but NEET and not known."""
        return self not in {DestinationCategory.NEET, DestinationCategory.UNKNOWN}


class Destination(Base):
    """Where a leaver was: on leaving (``checkpoint`` 0) and at the 1, 2 and 3 year follow-ups.

    A follow-up row exists from the day it falls due; ``recorded_on`` stays empty until someone finds out.
    """

    __tablename__ = "destinations"
    __table_args__ = (UniqueConstraint("learner_id", "checkpoint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    checkpoint: Mapped[int] = mapped_column(Integer)  # 0 on leaving, then 1, 2, 3 years after
    due_on: Mapped[date] = mapped_column(Date, index=True)
    recorded_on: Mapped[date | None] = mapped_column(Date)
    category: Mapped[str | None] = mapped_column(String(30))
    # Education: the level (entry, 1, 2, 3, 4+); employment: the hours band (under 16, 16 to 29, 30+).
    detail: Mapped[str] = mapped_column(String(40), default="")
    provider: Mapped[str] = mapped_column(String(200), default="")  # the college, employer or service
    how_found: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])

    @property
    def category_enum(self) -> DestinationCategory | None:
        return DestinationCategory(self.category) if self.category else None


class AuditEvent(Base):
    """One change to a learner's data, or one read the school would want to know about.

    Kept apart from the data it describes: no foreign keys, so erasing a learner or an entry leaves the
    event standing as a tombstone. It holds ids, kinds and field names only, never the words or pictures
    themselves, so the trail holds no personal data once the learner is gone. ``digest`` chains each event
    to the one before it in the same school, so an event changed or removed afterwards shows as a break.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    school_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str] = mapped_column(String(20), default="")  # "system" for commands and jobs
    learner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(40))  # created, changed, removed, exported, imported, viewed, erased
    record_kind: Mapped[str] = mapped_column(String(60))  # the table name, e.g. "experiences"
    record_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(500), default="")  # field names or a short reason; no personal text
    digest: Mapped[str] = mapped_column(String(64), default="")


class MailMessage(Base):
    """One email waiting to go, or sent: the outbox (portfolio/mail/outbox.py).

    Rows are added in the same transaction as the change they tell someone about, so a rolled-back
    change sends nothing; a background sender picks them up after the commit. ``last_error`` holds
    the kind of failure only (never a password or a server's reply text with secrets).
    """

    __tablename__ = "mail_messages"
    __table_args__ = (Index("ix_mail_messages_waiting", "sent_at", "next_attempt_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    # The person it is for; kept as NULL when the account goes, so the log of what was sent stays.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30))  # invitation, password-reset, notice, digest
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    failed_at: Mapped[datetime | None] = mapped_column(DateTime)  # gave up after the last retry
    last_error: Mapped[str] = mapped_column(String(200), default="")
    # A one-tap unsubscribe link, sent as List-Unsubscribe (with List-Unsubscribe-Post, RFC 8058).
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))


class PasswordToken(Base):
    """A one-time link to set a password: an invitation (72 hours) or a reset (1 hour).

    Only the SHA-256 of the token is kept; the link itself exists only in the email.
    """

    __tablename__ = "password_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # invitation or reset
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Job(Base):
    """Slow work done outside the request: a review pack's PDF, a portfolio import.

    The queue (RQ when Redis is set, a thread otherwise) carries only the id; what to do and how it
    went live here, so a page reads progress from the database the same way whoever ran the job.
    ``message`` is the result in words fit to show and hear; ``result_media_id`` points at a file
    it made (a PDF) and ``result_learner_id`` at the learner an import brought in.
    """

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Whose records the job reads or made (the pack's learner; the imported learner once done).
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # review-pdf, import
    state: Mapped[str] = mapped_column(String(10), default="waiting")  # waiting, working, done, failed
    arguments: Mapped[dict] = mapped_column(JSON, default=dict)  # ids and keys only, never personal words
    message: Mapped[str] = mapped_column(String(300), default="")
    result_media_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    result_name: Mapped[str] = mapped_column(String(120), default="")  # the download's file name
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class Notice(Base):
    """One thing an adult should hear about: a new shared entry, a comment from home, employer
    feedback, an entry to check or an annual review coming up.

    It holds ids and kinds only (never the words or pictures), so an email or the in-app list can
    name the learner by first name and link into the app, where the sign-in rules still apply.
    ``emailed_at`` is set once it went out, alone or in a digest; ``seen_at`` once the list showed it.
    """

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_person_order", "user_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # see portfolio/notices/kinds.py
    record_kind: Mapped[str] = mapped_column(String(60))  # the table name, e.g. "experiences"
    record_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])


class NoticePreference(Base):
    """How one adult wants to hear about one kind of notice by email: each, daily, weekly or none.

    No row means the default for their role (portfolio/notices/kinds.py).
    """

    __tablename__ = "notice_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    frequency: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class NoticeUnsubscribe(Base):
    """The one-tap "stop these emails" link in one email. Only the SHA-256 of its token is kept.

    ``kinds`` are the notices the email was about; ``switched_off`` remembers what each was set to
    before the tap, so "Switch back on" can put it back.
    """

    __tablename__ = "notice_unsubscribes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    switched_off: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ScanMode(str, enum.Enum):
    """How a learner who uses a switch moves through a page (static/js/access.js does the moving)."""

    OFF = "off"
    ONE_SWITCH = "one-switch"  # the highlight moves by itself; any key selects
    TWO_SWITCH = "two-switch"  # one key moves the highlight, Space or Enter selects


class AccessSetting(Base):
    """How one learner reaches their pages: switch scanning and hearing a choice before choosing it.

    Text size, contrast and symbols live on ``users`` (they came first); this row holds the rest.
    No row means everything is off.
    """

    __tablename__ = "access_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    scan_mode: Mapped[str] = mapped_column(String(20), default=ScanMode.OFF.value)
    # Seconds each row or item stays highlighted in one-switch scanning.
    scan_seconds: Mapped[float] = mapped_column(Float, default=2.0)
    scan_speaks: Mapped[bool] = mapped_column(Boolean, default=True)
    hear_first: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])


class SyncKey(Base):
    """One step of an entry made on a tablet with no Wi-Fi (the entry, a photo, the voice, Send),
    named by the random key the tablet gave that step when it was saved.

    A tablet retries until it hears back, so the same step can arrive twice (a dropped answer, a
    double tap, two tabs). The key is unique per learner: a second arrival finds this row and gets
    the first answer back instead of making a second entry, photo or recording. ``refused`` keeps
    the words of a refusal (a photo too big), so staff are told once however often it is retried.
    """

    __tablename__ = "sync_keys"
    __table_args__ = (UniqueConstraint("learner_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    key: Mapped[str] = mapped_column(String(36))
    step: Mapped[str] = mapped_column(String(10))  # entry, photo, voice, send
    experience_id: Mapped[int | None] = mapped_column(ForeignKey("experiences.id", ondelete="CASCADE"), index=True)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("experience_photos.id", ondelete="SET NULL"))
    refused: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
