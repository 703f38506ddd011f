"""Who may do what. Every route goes through :func:`guard` or is listed in ``PUBLIC_ENDPOINTS``.

Rules are decided here and nowhere else, so that a reviewer can read the whole of the
app's access control on one screen. Objects from another school answer 404, not 403, so
that one school cannot even learn that another school's record exists.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Literal, TypeVar

from flask import abort, request, url_for
from flask_login import current_user
from sqlalchemy import true
from sqlalchemy.sql.elements import ColumnElement

from portfolio import db
from portfolio.models import (
    ActivityParticipant,
    CareersActivity,
    Employer,
    EmployerFeedback,
    Experience,
    ExperienceStatus,
    FamilyComment,
    Group,
    Job,
    Notice,
    PassportStatement,
    ReviewPack,
    Role,
    SchoolSymbol,
    StatementStatus,
    User,
)

ObjectKind = Literal[
    "learner", "person", "group", "experience", "school_symbol", "employer", "activity", "participant", "job",
    "notice",
]
F = TypeVar("F", bound=Callable[..., Any])

# Routes that anyone may open without signing in. The route-coverage test checks this list.
PUBLIC_ENDPOINTS: frozenset[str] = frozenset(
    {
        "static",
        "auth.welcome",
        "auth.login",
        "auth.card",
        "auth.card_check",
        "auth.code",
        # Choosing a password through an emailed link: the one-time link is the permission,
        # checked (known, unused, in date, account on) by portfolio/people/passwords.py every time.
        "passwords.forgot",
        "passwords.reset",
        "passwords.accept_invitation",
        "speech.interface",
        "main.health",
        "main.about",
        # OpenMoji drawings from the installed package, beyond the copies in static/symbols: public
        # artwork (CC BY-SA), the same for everyone, named by code points checked against the package.
        "symbols.openmoji",
        "reviews.audio",
        # "About me" pages shared with an employer or college: the secret link is the permission,
        # checked (valid, not expired, not revoked) by the sharing service on every request.
        "sharing.shared_page",
        "sharing.photo",
        "sharing.voice",
        "sharing.school_symbol",
        "sharing.hear",
        "sharing.feedback",
        # Employer feedback through a secret link: the feedback service checks the link every time.
        "feedback.form",
        "feedback.hear",
        # One tap from a notice email, with no sign-in: the random token in the link is the permission.
        "notices.unsubscribe",
        "notices.switch_back_on",
        # The page for making an entry with no Wi-Fi: one page for everyone, kept in a shared cache,
        # with nothing personal in it; what is made there is sent through the guarded /sync routes.
        "sync.offline_entry",
        # The installable app: its manifest, its service worker and the calm "No Wi-Fi" page, the same
        # for everyone and kept in a cache every person on the tablet shares.
        "app_shell.manifest",
        "app_shell.service_worker",
        "app_shell.offline",
    }
)

STAFF_ROLES = frozenset({Role.STAFF, Role.ADMIN})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    kind: ObjectKind | None = None
    # Extra check between the actor and the loaded object, after the same-school check.
    relation: Callable[[User, Any], bool] | None = None


def is_learner_of_staff(actor: User, learner: User) -> bool:
    """A TA or teacher works with the learners in their own groups; an admin with all."""
    if actor.role_enum is Role.ADMIN:
        return True
    if actor.role_enum is Role.STAFF:
        return learner.group_id is not None and any(g.id == learner.group_id for g in actor.staff_groups)
    return False


def can_view_learner(actor: User, learner: User) -> bool:
    if actor.id == learner.id:
        return True
    if actor.role_enum is Role.PARENT:
        return any(child.id == learner.id for child in actor.children)
    return is_learner_of_staff(actor, learner)


def works_with_group(actor: User, group: Group) -> bool:
    """The careers leader works with every group; a TA or teacher with their own."""
    return actor.role_enum is Role.ADMIN or any(g.id == group.id for g in actor.staff_groups)


def can_make_entry_for(actor: User, learner: User) -> bool:
    """Learners make their own entries; staff make them with or for the learners they support."""
    return actor.id == learner.id or is_learner_of_staff(actor, learner)


def can_view_experience(actor: User, experience: Experience) -> bool:
    """The learner sees all their own entries; staff see their learners'; a family only shared ones."""
    if actor.id == experience.learner_id:
        return True
    if actor.role_enum is Role.PARENT:
        return experience.status == ExperienceStatus.SHARED.value and any(
            child.id == experience.learner_id for child in actor.children
        )
    return is_learner_of_staff(actor, experience.learner)


def can_edit_experience(actor: User, experience: Experience) -> bool:
    """A learner edits their own entry until it is sent; staff can always help."""
    if actor.id == experience.learner_id:
        return experience.status == ExperienceStatus.DRAFT.value
    return is_learner_of_staff(actor, experience.learner)


def supports_experience(actor: User, experience: Experience) -> bool:
    return is_learner_of_staff(actor, experience.learner)


def can_comment_on(actor: User, experience: Experience) -> bool:
    return actor.role_enum is Role.PARENT and can_view_experience(actor, experience)


def is_parent_of(actor: User, learner: User) -> bool:
    return actor.role_enum is Role.PARENT and any(child.id == learner.id for child in actor.children)


def can_view_activity(actor: User, activity: CareersActivity) -> bool:
    """Staff see activities that involve their groups' learners (or that they planned); the admin
    sees all; a learner and their family see only activities the learner is part of."""
    if actor.role_enum is Role.ADMIN:
        return True
    if actor.role_enum is Role.STAFF:
        return activity.created_by_id == actor.id or any(
            is_learner_of_staff(actor, p.learner) for p in activity.participants
        )
    if actor.role_enum is Role.PARENT:
        return any(is_parent_of(actor, p.learner) for p in activity.participants)
    return any(p.learner_id == actor.id for p in activity.participants)


def can_manage_activity(actor: User, activity: CareersActivity) -> bool:
    return actor.role_enum in STAFF_ROLES and can_view_activity(actor, activity)


def can_record_activity(actor: User, activity: CareersActivity) -> bool:
    """Only a learner who is part of the activity starts their own entry about it."""
    return actor.role_enum is Role.LEARNER and any(p.learner_id == actor.id for p in activity.participants)


def supports_participant(actor: User, participant: ActivityParticipant) -> bool:
    return is_learner_of_staff(actor, participant.learner)


def can_see_feedback(actor: User, feedback: EmployerFeedback) -> bool:
    """Part of an entry: staff who support the learner see feedback as soon as it arrives; the
    learner and their family only once staff have checked it."""
    learner = feedback.participant.learner
    if is_learner_of_staff(actor, learner):
        return feedback.submitted_at is not None
    if actor.id == learner.id or is_parent_of(actor, learner):
        return feedback.checked_at is not None
    return False


def can_see_participant_feedback(actor: User, participant: ActivityParticipant) -> bool:
    """The newest feedback the employer sent for this learner's activity, under ``can_see_feedback``."""
    sent = [feedback for feedback in participant.feedback if feedback.submitted_at is not None]
    return bool(sent) and can_see_feedback(actor, sent[-1])


# Parts of an object a person may see, once the guard has let them see the object itself.


def can_see_photos(actor: User, family_consent: bool) -> bool:
    """Families see an entry's photos only with consent to share them with the family; the learner
    and staff always do."""
    return actor.role_enum is not Role.PARENT or family_consent


def visible_comments(actor: User, experience: Experience) -> list[FamilyComment]:
    """Staff and the family see every comment from home; the learner sees those staff have passed on,
    because not every message from home is right to put in front of a young person without a word."""
    if actor.role_enum is Role.LEARNER:
        return [c for c in experience.comments if c.passed_on_at is not None]
    return list(experience.comments)


def visible_comments_condition(actor: User) -> ColumnElement[bool]:
    """The same rule as ``visible_comments``, as a SQL condition for comments read a page at a time."""
    if actor.role_enum is Role.LEARNER:
        return FamilyComment.passed_on_at.is_not(None)
    return true()


def can_see_statement(actor: User, statement: PassportStatement) -> bool:
    """Everyone who may see the passport sees its active statements; a suggestion only staff and its author."""
    if statement.status == StatementStatus.ACTIVE.value:
        return True
    if statement.status == StatementStatus.SUGGESTED.value:
        return actor.role_enum in STAFF_ROLES or actor.id == statement.created_by_id
    return False


def can_see_review_pack(actor: User, pack: ReviewPack) -> bool:
    """A draft pack is for the staff preparing it; the learner and family see it once it is final."""
    return pack.is_final or allows(actor, "review.manage", pack.learner)


def can_follow_job(actor: User, job: Job) -> bool:
    """A job's progress and result are for the person who asked for it, and for the staff who
    support the learner it is about (a TA sees the PDF a colleague started for their learner)."""
    if job.owner_id == actor.id:
        return True
    learner = db.session().get(User, job.learner_id) if job.learner_id is not None else None
    return learner is not None and actor.role_enum in STAFF_ROLES and is_learner_of_staff(actor, learner)


def owns_notice(actor: User, notice: Notice) -> bool:
    """A notice is for one person only."""
    return notice.user_id == actor.id


def _same_school(_actor: User, _obj: Any) -> bool:
    return True  # the same-school check has already run


def _admin_of(actor: User, _obj: Any) -> bool:
    return actor.role_enum is Role.ADMIN


RULES: dict[str, Rule] = {
    "signed_in": Rule(roles=frozenset(Role)),
    "learner.home": Rule(roles=frozenset({Role.LEARNER})),
    "staff.home": Rule(roles=STAFF_ROLES),
    "family.home": Rule(roles=frozenset({Role.PARENT})),
    "admin": Rule(roles=frozenset({Role.ADMIN})),
    "learner.view": Rule(roles=frozenset(Role), kind="learner", relation=can_view_learner),
    "learner.support": Rule(roles=STAFF_ROLES, kind="learner", relation=is_learner_of_staff),
    "access.manage": Rule(roles=STAFF_ROLES, kind="learner", relation=is_learner_of_staff),
    "person.manage": Rule(roles=frozenset({Role.ADMIN}), kind="person", relation=_admin_of),
    "group.manage": Rule(roles=frozenset({Role.ADMIN}), kind="group", relation=_admin_of),
    "experience.start": Rule(
        roles=frozenset({Role.LEARNER, Role.STAFF, Role.ADMIN}), kind="learner", relation=can_make_entry_for
    ),
    "experience.view": Rule(roles=frozenset(Role), kind="experience", relation=can_view_experience),
    "experience.edit": Rule(
        roles=frozenset({Role.LEARNER, Role.STAFF, Role.ADMIN}), kind="experience", relation=can_edit_experience
    ),
    "experience.check": Rule(roles=STAFF_ROLES, kind="experience", relation=supports_experience),
    "experience.comment": Rule(roles=frozenset({Role.PARENT}), kind="experience", relation=can_comment_on),
    # A learner's never-sent drafts are theirs to throw away (the service refuses anything ever sent);
    # the staff who support them may help, and clear the old ones in one go. A family may not.
    "draft.throw_away": Rule(
        roles=frozenset({Role.LEARNER, Role.STAFF, Role.ADMIN}), kind="learner", relation=can_make_entry_for
    ),
    "drafts.clear": Rule(roles=STAFF_ROLES, kind="learner", relation=is_learner_of_staff),
    "symbols.manage": Rule(roles=STAFF_ROLES),
    "school_symbol.view": Rule(roles=frozenset(Role), kind="school_symbol", relation=_same_school),
    "school_symbol.manage": Rule(roles=STAFF_ROLES, kind="school_symbol", relation=_same_school),
    # The communication passport: the learner and their family read it; the learner and staff write it;
    # parents suggest; staff accept suggestions and link evidence.
    "passport.view": Rule(roles=frozenset(Role), kind="learner", relation=can_view_learner),
    "passport.edit": Rule(
        roles=frozenset({Role.LEARNER, Role.STAFF, Role.ADMIN}), kind="learner", relation=can_make_entry_for
    ),
    "passport.suggest": Rule(roles=frozenset({Role.PARENT}), kind="learner", relation=is_parent_of),
    "passport.review": Rule(roles=STAFF_ROLES, kind="learner", relation=is_learner_of_staff),
    # Sharing outside school and photo consent are decided by the staff who support the learner.
    "share.manage": Rule(roles=STAFF_ROLES, kind="learner", relation=is_learner_of_staff),
    "consent.manage": Rule(roles=STAFF_ROLES, kind="learner", relation=is_learner_of_staff),
    # A portable portfolio: staff export their learners'; the careers leader imports into the school.
    "portability.export": Rule(roles=STAFF_ROLES, kind="learner", relation=is_learner_of_staff),
    "portability.import": Rule(roles=frozenset({Role.ADMIN})),
    # The transition plan: read by the learner, their family and their staff; written by staff.
    "plan.view": Rule(roles=frozenset(Role), kind="learner", relation=can_view_learner),
    "plan.edit": Rule(roles=STAFF_ROLES, kind="learner", relation=is_learner_of_staff),
    # Annual review packs: staff prepare and finalise; the learner and family read final packs
    # (the service hides drafts from them).
    "review.manage": Rule(roles=STAFF_ROLES, kind="learner", relation=is_learner_of_staff),
    "review.view": Rule(roles=frozenset(Role), kind="learner", relation=can_view_learner),
    # The careers programme. Staff keep the school's directory of employers and providers and
    # plan activities; a learner and their family see only the learner's own activities.
    "employers.manage": Rule(roles=STAFF_ROLES),
    "employer.manage": Rule(roles=STAFF_ROLES, kind="employer", relation=_same_school),
    "activities.plan": Rule(roles=STAFF_ROLES),
    "activity.view": Rule(roles=frozenset(Role), kind="activity", relation=can_view_activity),
    "activity.manage": Rule(roles=STAFF_ROLES, kind="activity", relation=can_manage_activity),
    "activity.record": Rule(roles=frozenset({Role.LEARNER}), kind="activity", relation=can_record_activity),
    "participant.support": Rule(roles=STAFF_ROLES, kind="participant", relation=supports_participant),
    "participant.view_feedback": Rule(roles=frozenset(Role), kind="participant",
                                      relation=can_see_participant_feedback),
    "evidence.view": Rule(roles=frozenset(Role), kind="learner", relation=can_view_learner),
    # The careers leader's desk. Staff keep the records of the learners they support and see their
    # groups in the cohort grid; the careers leader imports from the school's system and reports.
    "record.edit": Rule(roles=STAFF_ROLES, kind="learner", relation=is_learner_of_staff),
    "destinations.manage": Rule(roles=STAFF_ROLES, kind="learner", relation=is_learner_of_staff),
    "destinations.due": Rule(roles=STAFF_ROLES),
    "cohort.view": Rule(roles=STAFF_ROLES),
    "group.cards": Rule(roles=STAFF_ROLES, kind="group", relation=works_with_group),
    "imports.manage": Rule(roles=frozenset({Role.ADMIN})),
    "reports.view": Rule(roles=frozenset({Role.ADMIN})),
    # Looking after a learner's data: only an admin of the learner's school reads their audit trail
    # or downloads everything held about them.
    "audit.view": Rule(roles=frozenset({Role.ADMIN}), kind="learner", relation=_admin_of),
    "subject_access.download": Rule(roles=frozenset({Role.ADMIN}), kind="learner", relation=_admin_of),
    # Erasure: only the careers leader of the learner's own school (another school's gets 404).
    "learner.erase": Rule(roles=frozenset({Role.ADMIN}), kind="learner", relation=_admin_of),
    "experience.erase": Rule(roles=frozenset({Role.ADMIN}), kind="experience", relation=_admin_of),
    "job.view": Rule(roles=frozenset(Role), kind="job", relation=can_follow_job),
    # Notices: each adult's own list and email choices; learners get none.
    "notices.own": Rule(roles=STAFF_ROLES | {Role.PARENT}),
    "notice.open": Rule(roles=STAFF_ROLES | {Role.PARENT}, kind="notice", relation=owns_notice),
    # An entry made on a tablet with no Wi-Fi, sent later: by whoever may make the learner's entries.
    "sync.send": Rule(
        roles=frozenset({Role.LEARNER, Role.STAFF, Role.ADMIN}), kind="learner", relation=can_make_entry_for
    ),
}


def actor() -> User:
    """The signed-in person, as the User row (not Flask-Login's proxy), for services and rules."""
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]


def allows(actor: User | None, action: str, obj: Any = None) -> bool:
    """The one decision: may this actor do this action (to this object)? Used by templates too."""
    rule = RULES[action]
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.role_enum not in rule.roles:
        return False
    if rule.kind is None:
        return True
    if obj is None or obj.school_id != actor.school_id:
        return False
    return rule.relation(actor, obj) if rule.relation else True


def _load(kind: ObjectKind, object_id: int) -> Any:
    session = db.session()
    if kind == "group":
        return session.get(Group, object_id)
    if kind == "experience":
        return session.get(Experience, object_id)
    if kind == "school_symbol":
        return session.get(SchoolSymbol, object_id)
    if kind == "employer":
        return session.get(Employer, object_id)
    if kind == "activity":
        return session.get(CareersActivity, object_id)
    if kind == "participant":
        return session.get(ActivityParticipant, object_id)
    if kind == "job":
        return session.get(Job, object_id)
    if kind == "notice":
        return session.get(Notice, object_id)
    person = session.get(User, object_id)
    if person is not None and kind == "learner" and person.role_enum is not Role.LEARNER:
        return None
    return person


def _not_signed_in() -> Any:
    from portfolio.web.hx import redirect_to  # the one place that knows htmx redirect rules

    return redirect_to(url_for("auth.login", next=request.full_path if request.method == "GET" else None))


def guard(action: str, *, arg: str | None = None) -> Callable[[F], F]:
    """Decorate a view: check ``action`` before it runs.

    With ``arg``, the URL value of that name is loaded as the rule's object kind and
    passed to the view in its place (``learner_id`` → ``learner``).
    """
    rule = RULES[action]
    if (rule.kind is None) != (arg is None):
        raise ValueError(f"rule {action!r} and arg {arg!r} do not match")

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _not_signed_in()
            actor: User = current_user._get_current_object()  # type: ignore[attr-defined]
            if actor.role_enum not in rule.roles:
                abort(403)
            if rule.kind is not None and arg is not None:
                obj = _load(rule.kind, kwargs.pop(arg))
                if obj is None or obj.school_id != actor.school_id:
                    abort(404)
                if rule.relation and not rule.relation(actor, obj):
                    abort(403)
                kwargs[rule.kind] = obj
            return view(*args, **kwargs)

        wrapper.__policy__ = action  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """Mark a view as open to anyone. It must also be named in ``PUBLIC_ENDPOINTS``."""
    view.__policy__ = "public"  # type: ignore[attr-defined]
    return view
