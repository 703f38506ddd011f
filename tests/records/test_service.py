"""Learner records, leaving and destinations: the rules the school reports depend on."""
from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from portfolio import db
from portfolio.careers import evidence
from portfolio.errors import KindError
from portfolio.models import ActivityKind, Destination, Role, User
from portfolio.records import service as records
from tests.factories import World, make_activity, make_adult, make_learner

TODAY = date(2026, 12, 1)


def _people(world: World) -> tuple[object, User, User, User, User]:
    session = db.session()
    return (session, session.get(User, world.ta.id), session.get(User, world.learner.id),
            session.get(User, world.other_learner.id), session.get(User, world.admin.id))


def _leaving(left_on: str = "2026-07-20", consent: str = "yes", **extra: str) -> records.LeavingForm:
    values: dict[str, object] = {
        "left_on": left_on, "reason": "End of Year 14", "keep_in_touch": consent,
        "by": "learner" if consent == "yes" else "", "consent_on": "2026-07-01" if consent == "yes" else "",
        "destination": records.DestinationForm("education", "entry", "Riverside College")}
    values.update(extra)
    return records.LeavingForm(**values)  # type: ignore[arg-type]


def test_year_group_comes_from_the_date_of_birth_unless_the_school_chose_one(app: Flask, world: World) -> None:
    with app.app_context():
        session, ta, sam, _ruby, _admin = _people(world)
        # Born on 31 August, the youngest of their year; a day later, the oldest of the next one down.
        record = records.update_record(session, ta, sam, records.RecordForm(date_of_birth="2011-08-31"), TODAY)
        assert records.current_year_group(record, TODAY) == 11
        record = records.update_record(session, ta, sam, records.RecordForm(date_of_birth="2011-09-01"), TODAY)
        assert records.current_year_group(record, TODAY) == 10
        record = records.update_record(session, ta, sam,
                                       records.RecordForm(date_of_birth="2011-09-01", year_override="11"), TODAY)
        assert records.current_year_group(record, TODAY) == 11
        assert records.current_year_group(None, TODAY) is None


@pytest.mark.parametrize("form, words", [
    (records.RecordForm(date_of_birth="2027-01-01"), "in the past"),
    (records.RecordForm(date_of_birth="2020-01-01"), "10 to 26"),
    (records.RecordForm(date_of_birth="1990-01-01"), "10 to 26"),
    (records.RecordForm(date_of_birth="31/02/2011"), "not a date"),
    (records.RecordForm(year_override="6"), "7 to 14"),
    (records.RecordForm(year_override="15"), "7 to 14"),
    (records.RecordForm(year_override="²"), "7 to 14"),
    (records.RecordForm(upn="A12-345"), "only letters and numbers"),
    (records.RecordForm(upn="A" * 21), "up to 20"),
    (records.RecordForm(need_area="anxiety"), "areas of need"),
    (records.RecordForm(annual_review_on="2040-01-01"), "three years"),
])
def test_a_refused_record_saves_nothing(app: Flask, world: World, form: records.RecordForm, words: str) -> None:
    with app.app_context():
        session, ta, sam, _ruby, _admin = _people(world)
        records.update_record(session, ta, sam, records.RecordForm(date_of_birth="2011-05-05", upn="B12"), TODAY)
        form.upn = form.upn or "C34"
        with pytest.raises(KindError) as refused:
            records.update_record(session, ta, sam, form, TODAY)
        assert words in refused.value.message
        assert sam.record.date_of_birth == date(2011, 5, 5) and sam.record.upn == "B12"


def test_a_upn_is_unique_within_the_school_and_named_only_to_those_who_may_see(app: Flask, world: World) -> None:
    with app.app_context():
        session, ta, sam, ruby, admin = _people(world)
        records.update_record(session, admin, ruby, records.RecordForm(upn="a123 4567 89012"), TODAY)
        assert ruby.record.upn == "A123456789012"
        with pytest.raises(KindError) as for_ta:
            records.update_record(session, ta, sam, records.RecordForm(upn="A123456789012"), TODAY)
        assert "Ruby" not in for_ta.value.message and "another learner" in for_ta.value.message
        with pytest.raises(KindError) as for_admin:
            records.update_record(session, admin, sam, records.RecordForm(upn="A123456789012"), TODAY)
        assert "Ruby Green" in for_admin.value.message
        # Another school may use the same number.
        elsewhere = session.get(User, world.other_school_learner.id)
        other_admin = session.get(User, world.other_school_admin.id)
        assert records.update_record(session, other_admin, elsewhere,
                                     records.RecordForm(upn="A123456789012"), TODAY).upn == "A123456789012"
        # Saving Ruby's own number again is no clash.
        assert records.update_record(session, admin, ruby, records.RecordForm(upn="A123456789012"), TODAY)


def test_leaving_with_consent_switches_the_account_off_and_sets_up_three_follow_ups(app: Flask, world: World) -> None:
    with app.app_context():
        session, ta, sam, _ruby, _admin = _people(world)
        version = sam.session_version
        record = records.leave(session, ta, sam, _leaving(), TODAY)
        assert record.left_on == date(2026, 7, 20) and record.keep_in_touch is True
        assert record.keep_in_touch_by == "learner" and record.keep_in_touch_on == date(2026, 7, 1)
        assert sam.active is False and sam.session_version == version + 1
        found = records.destinations_of(session, sam)
        assert [(d.checkpoint, d.due_on, d.recorded_on) for d in found] == [
            (0, date(2026, 7, 20), date(2026, 7, 20)), (1, date(2027, 7, 20), None),
            (2, date(2028, 7, 20), None), (3, date(2029, 7, 20), None)]
        assert (found[0].category, found[0].detail, found[0].provider) == ("education", "entry", "Riverside College")
        with pytest.raises(KindError, match="already recorded"):
            records.leave(session, ta, sam, _leaving(), TODAY)


def test_leaving_without_consent_keeps_no_follow_ups_and_says_why(app: Flask, world: World) -> None:
    with app.app_context():
        session, ta, sam, _ruby, _admin = _people(world)
        records.leave(session, ta, sam, _leaving(consent="no"), TODAY)
        assert [d.checkpoint for d in records.destinations_of(session, sam)] == [0]
        rows = records.destination_rows(session, sam, TODAY)
        assert [r.state for r in rows] == ["recorded", "no-consent", "no-consent", "no-consent"]
        assert sam.record.keep_in_touch is False


def test_follow_ups_from_a_leap_day_fall_on_28_february(app: Flask, world: World) -> None:
    with app.app_context():
        session, ta, sam, _ruby, _admin = _people(world)
        records.leave(session, ta, sam, _leaving(left_on="2024-02-29", consent_on="2024-02-01"), TODAY)
        assert [d.due_on for d in records.destinations_of(session, sam)] == [
            date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28)]
        assert records.add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


@pytest.mark.parametrize("form, words", [
    (_leaving(left_on=""), "date they left"),
    (_leaving(left_on="2027-01-01"), "on or after"),
    (_leaving(consent=""), "agreed to keep in touch"),
    (_leaving(by="friend"), "who agreed"),
    (_leaving(consent_on=""), "date they agreed"),
    (_leaving(consent_on="2026-12-25"), "future"),
    (_leaving(destination=records.DestinationForm("space", "", "")), "where they went"),
    (_leaving(destination=records.DestinationForm("education", "", "")), "level"),
    (_leaving(destination=records.DestinationForm("employment", "entry", "")), "hours"),
])
def test_a_refused_leaving_changes_nothing(app: Flask, world: World, form: records.LeavingForm, words: str) -> None:
    with app.app_context():
        session, ta, sam, _ruby, _admin = _people(world)
        with pytest.raises(KindError) as refused:
            records.leave(session, ta, sam, form, TODAY)
        assert words in refused.value.message
        assert sam.active is True and sam.record is None  # checked before anything is made
        assert session.query(Destination).count() == 0


def test_the_detail_is_dropped_where_it_does_not_apply(app: Flask, world: World) -> None:
    with app.app_context():
        session, ta, sam, _ruby, _admin = _people(world)
        records.leave(session, ta, sam, _leaving(destination=records.DestinationForm("volunteering", "3", "\x00Oxfam")),
                      TODAY)
        on_leaving = records.destinations_of(session, sam)[0]
        assert (on_leaving.detail, on_leaving.provider) == ("", "Oxfam")


def test_recording_a_follow_up(app: Flask, world: World) -> None:
    with app.app_context():
        session, ta, sam, _ruby, _admin = _people(world)
        records.leave(session, ta, sam, _leaving(left_on="2025-07-20", consent_on="2025-07-01"), TODAY)
        first = records.destinations_of(session, sam)[1]
        assert records.follow_up_state(first, TODAY) == "overdue"
        form = records.FollowUpForm("2026-11-30", "family", records.DestinationForm("employment", "16-29", "Sunrise Café"))
        records.record_follow_up(session, ta, first, form, TODAY)
        assert (first.recorded_on, first.category, first.detail, first.how_found) == (
            date(2026, 11, 30), "employment", "16-29", "family")
        assert records.follow_up_state(first, TODAY) == "recorded"
        for bad, words in [(records.FollowUpForm("2027-01-01", "family", form.destination), "future"),
                           (records.FollowUpForm("2025-01-01", "family", form.destination), "before they left"),
                           (records.FollowUpForm("2026-11-30", "guess", form.destination), "how you found out")]:
            with pytest.raises(KindError, match=words):
                records.record_follow_up(session, ta, first, bad, TODAY)
        with pytest.raises(KindError, match="leaving form"):
            records.record_follow_up(session, ta, records.destinations_of(session, sam)[0], form, TODAY)


def test_the_due_list_shows_each_person_only_their_own_leavers(app: Flask, world: World) -> None:
    with app.app_context():
        session, ta, sam, ruby, admin = _people(world)
        other_ta = session.get(User, world.other_ta.id)
        records.leave(session, ta, sam, _leaving(left_on="2025-12-20", consent_on="2025-12-01"), TODAY)  # due in 19 days
        records.leave(session, admin, ruby, _leaving(left_on="2025-10-01", consent_on="2025-10-01"), TODAY)  # overdue
        later = make_learner(session, ta.school, world.group, "fox", "Leo Hughes")
        records.leave(session, ta, later, _leaving(left_on="2026-02-01", consent_on="2026-02-01"), TODAY)  # not yet
        elsewhere = session.get(User, world.other_school_learner.id)
        records.leave(session, session.get(User, world.other_school_admin.id), elsewhere,
                      _leaving(left_on="2025-10-01", consent_on="2025-10-01"), TODAY)

        def seen(who: User) -> list[tuple[int, str]]:
            return [(row.learner.id, row.state) for row in records.due_follow_ups(session, who, TODAY)]

        assert seen(admin) == [(ruby.id, "overdue"), (sam.id, "due")]
        assert seen(ta) == [(sam.id, "due")]
        assert seen(other_ta) == [(ruby.id, "overdue")]
        assert seen(make_adult(session, ta.school, Role.STAFF, "New Teacher")) == []
        assert seen(session.get(User, world.parent.id)) == []


def test_provider_encounters_count_by_the_year_group_on_the_day_once_the_birthday_is_known(
        app: Flask, world: World) -> None:
    """The Provider Access Legislation asks for two encounters in each of Years 8-9, 10-11 and 12-13."""
    with app.app_context():
        session, ta, sam, _ruby, _admin = _people(world)
        # Year 8 from September 2023, Year 11 in 2026-27.
        for on in (date(2023, 10, 2), date(2025, 3, 3), date(2025, 11, 3)):
            make_activity(session, sam.school, [sam], kind=ActivityKind.PROVIDER_ENCOUNTER, starts_on=on, attended=True)
        unknown = evidence.learner_evidence(session, sam, TODAY)
        assert unknown.providers_by_pair == {} and unknown.year_group_now is None
        assert "Fewer than two provider encounters in this school year and the last" in unknown.gaps
        records.update_record(session, ta, sam, records.RecordForm(date_of_birth="2011-01-15", year_override="9"), TODAY)
        known = evidence.learner_evidence(session, sam, TODAY)
        assert known.year_group_now == 11  # by age: the school's own year choice does not move the dates
        assert known.providers_by_pair == {(8, 9): 2, (10, 11): 1, (12, 13): 0}  # March 2025 was still Year 9
        # Year 11 is the last of its pair, with one encounter so far; Years 8 and 9 had their two.
        assert known.gaps.count("Fewer than two provider encounters in Years 10 and 11") == 1
        assert not any("Years 8 and 9" in gap or "and the last" in gap for gap in known.gaps)
        many = evidence.learners_evidence(session, [sam, session.get(User, world.other_learner.id)], TODAY)
        assert many[sam.id].providers_by_pair == known.providers_by_pair
        assert many[world.other_learner.id].providers_by_pair == {}
