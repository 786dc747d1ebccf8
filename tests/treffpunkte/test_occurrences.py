"""The occurrence rule: on which dates an offer takes place, from its schedule and its cancellations."""

import datetime
import itertools

import pytest
from django.utils import translation

from hameln_quartiere.demo import _year
from tests import factories as f
from treffpunkte.models import Schedule, schedule_dates

D = datetime.date


def schedule(**fields):
    """An unsaved schedule row: the rule needs no database."""
    values = {
        "kind": Schedule.Kind.WEEKLY,
        "interval": 1,
        "start_time": datetime.time(15),
        "end_time": datetime.time(17),
    }
    return Schedule(**{**values, **fields})


def test_a_weekly_time_falls_on_every_such_weekday():
    tuesdays = schedule(weekday=Schedule.Weekday.TUESDAY).dates(D(2019, 3, 1), D(2019, 3, 31))
    assert tuesdays == [D(2019, 3, 5), D(2019, 3, 12), D(2019, 3, 19), D(2019, 3, 26)]


def test_every_two_weeks_counts_the_weeks_from_valid_from():
    every_other = schedule(weekday=Schedule.Weekday.TUESDAY, interval=2, valid_from=D(2019, 1, 8))
    assert every_other.dates(D(2019, 3, 1), D(2019, 3, 31)) == [D(2019, 3, 5), D(2019, 3, 19)]
    # The same weeks whatever range is asked for: a range starting on an "off" week skips it.
    assert every_other.dates(D(2019, 3, 12), D(2019, 3, 19)) == [D(2019, 3, 19)]


def test_every_two_weeks_without_a_first_date_gives_the_same_weeks_for_any_range():
    every_other = schedule(weekday=Schedule.Weekday.FRIDAY, interval=2)
    whole = every_other.dates(D(2019, 12, 1), D(2020, 1, 31))
    assert [b - a for a, b in itertools.pairwise(whole)] == [datetime.timedelta(weeks=2)] * (len(whole) - 1)
    assert every_other.dates(D(2020, 1, 1), D(2020, 1, 31)) == [day for day in whole if day.year == 2020]


def test_a_monthly_time_falls_on_the_nth_or_last_weekday_of_each_month():
    second_wednesday = schedule(kind=Schedule.Kind.MONTHLY, weekday=2, week_of_month=2)
    assert second_wednesday.dates(D(2019, 11, 1), D(2020, 1, 31)) == [D(2019, 11, 13), D(2019, 12, 11), D(2020, 1, 8)]
    last_friday = schedule(kind=Schedule.Kind.MONTHLY, weekday=4, week_of_month=-1)
    assert last_friday.dates(D(2019, 3, 1), D(2019, 4, 30)) == [D(2019, 3, 29), D(2019, 4, 26)]


def test_a_single_date_falls_only_on_itself():
    single = schedule(kind=Schedule.Kind.SINGLE, date=D(2019, 6, 15), weekday=None)
    assert single.dates(D(2019, 6, 1), D(2019, 6, 30)) == [D(2019, 6, 15)]
    assert single.dates(D(2019, 6, 16), D(2019, 6, 30)) == []


def test_the_validity_period_limits_recurring_times():
    limited = schedule(weekday=Schedule.Weekday.MONDAY, valid_from=D(2019, 3, 5), valid_until=D(2019, 3, 25))
    assert limited.dates(D(2019, 3, 1), D(2019, 3, 31)) == [D(2019, 3, 11), D(2019, 3, 18), D(2019, 3, 25)]
    assert limited.dates(D(2019, 4, 1), D(2019, 4, 30)) == []


def test_schedule_dates_merges_several_times_in_order():
    times = [
        schedule(weekday=Schedule.Weekday.MONDAY),
        schedule(weekday=Schedule.Weekday.MONDAY, start_time=datetime.time(9)),
    ]
    assert schedule_dates(times, *_year(2019))[:2] == [D(2019, 1, 7), D(2019, 1, 14)]


@pytest.mark.django_db
def test_an_offer_does_not_take_place_on_a_cancelled_date():
    angebot = f.AngebotFactory()
    f.ScheduleFactory(
        angebot=angebot, weekday=Schedule.Weekday.TUESDAY, start_time=datetime.time(10), end_time=datetime.time(11)
    )
    f.ScheduleFactory(angebot=angebot, weekday=Schedule.Weekday.TUESDAY)
    angebot.cancellations.create(date=D(2019, 3, 12), reason="Ferien")

    taking_place = angebot.occurrences(D(2019, 3, 4), D(2019, 3, 17))
    assert [o.date for o in taking_place] == [D(2019, 3, 5)]
    assert taking_place[0].times == "10:00–11:00, 15:00–17:00"
    with_cancelled = angebot.occurrences(D(2019, 3, 4), D(2019, 3, 17), include_cancelled=True)
    assert with_cancelled[1].cancellation.reason == "Ferien"
    assert angebot.takes_place_on(D(2019, 3, 5))
    assert not angebot.takes_place_on(D(2019, 3, 12))
    assert not angebot.takes_place_on(D(2019, 3, 6))


def test_a_time_in_words():
    every_other = schedule(weekday=Schedule.Weekday.TUESDAY, interval=2, valid_from=D(2019, 1, 8))
    monthly = schedule(kind=Schedule.Kind.MONTHLY, weekday=2, week_of_month=-1, valid_until=D(2019, 12, 31))
    single = schedule(kind=Schedule.Kind.SINGLE, date=D(2019, 6, 15))
    with translation.override("en"):
        assert every_other.describe() == "Every 2 weeks on Tuesday, 15:00–17:00, from 01/08/2019"
        assert schedule(weekday=0).describe() == "Weekly on Monday, 15:00–17:00"
        assert monthly.describe() == "Every last Wednesday of the month, 15:00–17:00, until 12/31/2019"
        assert single.describe() == "On 06/15/2019, 15:00–17:00"
