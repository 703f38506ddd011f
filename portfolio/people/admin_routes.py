"""The careers leader's pages: people, groups and the links between them."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_login import current_user

from portfolio import db
from portfolio.errors import KindError
from portfolio.models import Group, Role, User, utcnow
from portfolio.people import accounts, invitations
from portfolio.people.password_routes import email_link
from portfolio.symbols.learner_pictures import PICTURE_SYMBOLS
from portfolio.web import hx, policy
from portfolio.web.forms import form_id, form_ids
from portfolio.web.list_pages import list_refused
from portfolio.web.paging import PagingError

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _ids_from(name: str) -> list[int]:
    return form_ids(request.form.getlist(name))


@bp.get("/")
@policy.guard("admin")
def home():
    dbs = db.session()
    counts = accounts.count_by_role(dbs, current_user.school_id)
    return render_template("admin/home.html", counts=counts, groups=accounts.groups_in_school(dbs, current_user.school_id))


@bp.get("/people")
@policy.guard("admin")
def people():
    role_value = request.args.get("role", "")
    role = Role(role_value) if role_value in {r.value for r in Role} else None
    try:
        listed = accounts.people_page(db.session(), current_user.school_id, role, request.args.get("after"))
    except PagingError as problem:
        return list_refused(problem)
    if hx.wants_fragment("people-rows"):
        return hx.render("admin/people.html", "admin/_people_rows_page.html", "people-rows", people=listed, role=role)
    return hx.render("admin/people.html", "admin/_people_list.html", "people-list", people=listed, role=role)


def _person_form(person: User | None, error: str | None, form: dict[str, str], status: int = 200):
    dbs = db.session()
    return render_template(
        "admin/person_form.html",
        person=person,
        error=error,
        form=form,
        groups=accounts.groups_in_school(dbs, current_user.school_id),
        learners=accounts.people_in_school(dbs, current_user.school_id, Role.LEARNER),
        pictures=PICTURE_SYMBOLS,
        roles=list(Role),
    ), status


@bp.route("/people/new", methods=["GET", "POST"])
@policy.guard("admin")
def new_person():
    if request.method == "GET":
        return _person_form(None, None, {"role": request.args.get("role", Role.LEARNER.value)})
    dbs = db.session()
    form = request.form.to_dict()
    try:
        role = Role(form.get("role", ""))
        details = accounts.PersonDetails(
            display_name=form.get("display_name", ""),
            role=role,
            email=form.get("email") or None,
            password=form.get("password") or None,
            group_id=form_id(request.form.get("group_id")),
            picture_symbol=form.get("picture_symbol") if form.get("picture_symbol") in PICTURE_SYMBOLS else None,
        )
        if role is Role.LEARNER and details.picture_symbol is None:
            raise accounts.AccountError("Choose a picture for the learner.")
        person = accounts.create_person(dbs, current_user.school, details,
                                        hash_method=current_app.config["PASSWORD_HASH_METHOD"])
        dbs.commit()
    except ValueError as exc:  # an unknown role, or an AccountError with its own words
        dbs.rollback()
        message = exc.message if isinstance(exc, KindError) else "Choose a role."
        form.pop("password", None)
        return _person_form(None, message, form, 400)
    flash(f"{person.display_name} has been added.")
    return hx.redirect_to(url_for("admin.person", person_id=person.id))


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
@policy.guard("person.manage", arg="person_id")
def person(person: User):
    if request.method == "GET":
        return _person_form(person, None, {})
    dbs = db.session()
    form = request.form.to_dict()
    try:
        accounts.update_person(
            dbs,
            person,
            display_name=form.get("display_name", ""),
            email=form.get("email"),
            active=form.get("active") == "on" or person.id == current_user.id,
            group_id=form_id(request.form.get("group_id")),
            staff_group_ids=_ids_from("staff_group_ids"),
            child_ids=_ids_from("child_ids"),
            picture_symbol=form.get("picture_symbol") if form.get("picture_symbol") in PICTURE_SYMBOLS else None,
        )
        if form.get("password"):
            accounts.set_password(person, form["password"], hash_method=current_app.config["PASSWORD_HASH_METHOD"])
        dbs.commit()
    except accounts.AccountError as exc:
        dbs.rollback()
        return _person_form(person, exc.message, form, 400)
    flash(f"Saved changes for {person.display_name}.")
    return hx.redirect_to(url_for("admin.person", person_id=person.id))


@bp.route("/groups", methods=["GET", "POST"])
@policy.guard("admin")
def groups():
    dbs = db.session()
    error = None
    if request.method == "POST":
        try:
            group = accounts.create_group(dbs, current_user.school, request.form.get("name", ""))
            dbs.commit()
            flash(f"Group {group.name} has been added.")
            return hx.redirect_to(url_for("admin.groups"))
        except accounts.AccountError as exc:
            dbs.rollback()
            error = exc.message
    listed = accounts.groups_in_school(dbs, current_user.school_id)
    return render_template("admin/groups.html", groups=listed, error=error), (200 if error is None else 400)


@bp.get("/groups/<int:group_id>")
@policy.guard("group.manage", arg="group_id")
def group(group: Group):
    return render_template("admin/group.html", group=group)


# Invitations: the person chooses their own password through an emailed link -----------------------

def _invitation_lifetime() -> timedelta:
    return timedelta(hours=current_app.config["INVITATION_HOURS"])


def _invite_form(error: str | None, form: dict[str, str], status: int = 200):
    roles = [(role.value, role.label, role.value) for role in invitations.INVITABLE_ROLES]
    return render_template("admin/invite.html", error=error, form=form, roles=roles,
                           hours=current_app.config["INVITATION_HOURS"]), status


@bp.route("/people/invite", methods=["GET", "POST"])
@policy.guard("admin")
def invite():
    if request.method == "GET":
        return _invite_form(None, {"role": Role.PARENT.value})
    dbs = db.session()
    form = {key: request.form.get(key, "")[:300] for key in ("display_name", "email", "role")}
    try:
        person = invitations.invite_person(
            dbs, current_user.school, current_user, invitations.Invitation(**form), now=utcnow(),
            lifetime=_invitation_lifetime(), link_for=email_link("passwords.accept_invitation"))
        dbs.commit()
    except accounts.AccountError as problem:
        dbs.rollback()
        return _invite_form(problem.message, form, 400)
    flash(f"We have emailed {person.display_name} an invitation. The link works for "
          f"{current_app.config['INVITATION_HOURS']} hours.")
    return hx.redirect_to(url_for("admin.person", person_id=person.id))


@bp.post("/people/<int:person_id>/invite")
@policy.guard("person.manage", arg="person_id")
def send_invitation(person: User):
    dbs = db.session()
    try:
        invitations.send_invitation(dbs, person, current_user, now=utcnow(), lifetime=_invitation_lifetime(),
                                    link_for=email_link("passwords.accept_invitation"))
        dbs.commit()
    except accounts.AccountError as problem:
        dbs.rollback()
        return _person_form(person, problem.message, {}, 400)
    flash(f"We have emailed {person.display_name} a new link to set their password.")
    return hx.redirect_to(url_for("admin.person", person_id=person.id))
