"""School years and year groups, as English schools count them."""
from __future__ import annotations

from datetime import date

from portfolio.school_years import school_year, school_year_label, year_group, year_group_for


def test_school_year_turns_on_the_first_of_september() -> None:
    assert school_year(date(2026, 8, 31)) == 2025
    assert school_year(date(2026, 9, 1)) == 2026
    assert school_year(date(2027, 1, 1)) == 2026
    assert school_year_label(2026) == "September 2026 to August 2027"


def test_year_group_by_age_follows_the_september_cut_off() -> None:
    december = date(2026, 12, 1)
    assert year_group_for(date(2010, 10, 1), december) == 11  # turned 16 this autumn
    assert year_group_for(date(2011, 8, 31), december) == 11  # the youngest of the same year
    assert year_group_for(date(2010, 9, 1), december) == 11  # the oldest of the same year
    assert year_group_for(date(2011, 9, 1), december) == 10  # a day later: the oldest of the year below
    assert year_group_for(date(2010, 9, 1), date(2027, 9, 1)) == 12  # moves up on 1 September


def test_the_schools_own_choice_wins_and_nothing_known_is_none() -> None:
    assert year_group(date(2010, 10, 1), 10, date(2026, 12, 1)) == 10
    assert year_group(None, None, date(2026, 12, 1)) is None
