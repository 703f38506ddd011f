"""The transition plan, kept year by year from Year 9 so everyone can see progress.

A new year starts from the last year's words, because aspirations rarely change overnight
and nobody should have to type them again; the old year stays exactly as it was.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portfolio.errors import KindError
from portfolio.experiences.service import clean_line, clean_text
from portfolio.models import Experience, NextStep, OptionKind, PfaArea, PlanOption, StepStatus, TransitionPlan, User

YEAR_GROUPS: tuple[int, ...] = (9, 10, 11, 12, 13, 14)
MAX_TEXT = 2000


class PlanError(KindError):
    """A refusal with a kind sentence to show."""


def year_label(year_group: int) -> str:
    return f"Year {year_group}"


def plans_for(dbs: Session, learner: User) -> list[TransitionPlan]:
    """Every year of the learner's plan, earliest first."""
    return list(dbs.scalars(
        select(TransitionPlan).where(TransitionPlan.learner_id == learner.id)
        .order_by(TransitionPlan.year_group)
        .options(selectinload(TransitionPlan.options).selectinload(PlanOption.experiences),
                 selectinload(TransitionPlan.next_steps))
    ))


def start_year(dbs: Session, learner: User, year_group: int) -> TransitionPlan:
    """Open a year's plan (or return it if it exists), carrying the words of the latest earlier year."""
    if year_group not in YEAR_GROUPS:
        raise PlanError("Please choose a year from Year 9 to Year 14.")
    plans = plans_for(dbs, learner)
    for plan in plans:
        if plan.year_group == year_group:
            return plan
    earlier = [plan for plan in plans if plan.year_group < year_group]
    plan = TransitionPlan(school_id=learner.school_id, learner_id=learner.id, year_group=year_group)
    if earlier:
        last = earlier[-1]
        plan.aspirations = last.aspirations
        for area in PfaArea:
            setattr(plan, area.value, last.area_text(area))
    dbs.add(plan)
    dbs.flush()
    return plan


def find_plan(dbs: Session, learner: User, plan_id: int) -> TransitionPlan | None:
    plan = dbs.get(TransitionPlan, plan_id)
    return plan if plan is not None and plan.learner_id == learner.id else None


def update_words(plan: TransitionPlan, form: Mapping[str, str]) -> None:
    """Aspirations and the four Preparation for Adulthood areas, each in plain words."""
    if "aspirations" in form:
        plan.aspirations = clean_text(form["aspirations"], MAX_TEXT, what="what you wrote about aspirations",
                                      refuse=PlanError)
    for area in PfaArea:
        if area.value in form:
            words = clean_text(form[area.value], MAX_TEXT, what=f"what you wrote for {area.label}", refuse=PlanError)
            setattr(plan, area.value, words)


def add_option(plan: TransitionPlan, learner_experiences: Sequence[Experience], kind: str, title: str,
               notes: str, experience_ids: Sequence[int]) -> PlanOption:
    try:
        kind_value = OptionKind(kind).value
    except ValueError:
        raise PlanError("Please choose what kind of option this is.") from None
    title = clean_line(title, 200, what="the name", refuse=PlanError)
    if not title:
        raise PlanError("Please give the option a name, such as ‘Catering course at Riverside College’.")
    by_id = {experience.id: experience for experience in learner_experiences}
    if any(experience_id not in by_id for experience_id in experience_ids):
        raise PlanError("Please choose from this learner's own experiences.")
    option = PlanOption(kind=kind_value, title=title,
                        notes=clean_text(notes, MAX_TEXT, what="the note", refuse=PlanError),
                        experiences=[by_id[i] for i in dict.fromkeys(experience_ids)])
    plan.options.append(option)
    return option


def remove_option(plan: TransitionPlan, option_id: int) -> None:
    option = next((o for o in plan.options if o.id == option_id), None)
    if option is None:
        raise PlanError("That option has already been taken away.")
    plan.options.remove(option)


def add_next_step(plan: TransitionPlan, who: str, what: str, by_when: str) -> NextStep:
    who = clean_line(who, 120, what="who", refuse=PlanError)
    what = clean_line(what, 300, what="what they will do", refuse=PlanError)
    if not who or not what:
        raise PlanError("Please say who will do it and what they will do.")
    when: date | None = None
    if by_when.strip():
        try:
            when = date.fromisoformat(by_when.strip())
        except ValueError:
            raise PlanError("Please choose a date, or leave it empty.") from None
    step = NextStep(who=who, what=what, by_when=when)
    plan.next_steps.append(step)
    return step


def set_step_status(plan: TransitionPlan, step_id: int, status: str) -> None:
    step = next((s for s in plan.next_steps if s.id == step_id), None)
    if step is None:
        raise PlanError("That next step is no longer on the plan.")
    try:
        step.status = StepStatus(status).value
    except ValueError:
        raise PlanError("Please choose not started, started or done.") from None
