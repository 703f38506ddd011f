"""School years in England: 1 September to 31 August, and the year group (Year 7 to 14) a learner is in.

Plain date arithmetic, below every area, because the plan, the evidence counts, the cohort grid and
the reports must all agree on which year a date and a learner belong to.
"""
from __future__ import annotations

from datetime import date

FIRST_YEAR_GROUP, LAST_YEAR_GROUP = 7, 14


def school_year(day: date) -> int:
    """The calendar year the school year starts in: 1 September to 31 August."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_label(year: int) -> str:
    return f"September {year} to August {year + 1}"


def year_group_for(date_of_birth: date, on: date) -> int:
    """The year group by age: a child starts Reception in the September after turning four, so
    someone born between 1 September and 31 August is in one year group together."""
    return school_year(on) - school_year(date_of_birth) - 5


def year_group(date_of_birth: date | None, override: int | None, on: date) -> int | None:
    """The learner's year group: the school's own choice if it set one, otherwise by age; None when
    neither is known. Ages outside secondary school and college stay as they are, so they show."""
    if override is not None:
        return override
    return year_group_for(date_of_birth, on) if date_of_birth is not None else None
