from datetime import datetime

from clinic.recurrence import Frequency, Rule, expand, next_occurrence, parse_weekdays


def test_weekly_keeps_local_time_across_dst():
    # Berlin switches to CEST on 2024-03-31
    rule = Rule(Frequency.WEEKLY, datetime(2024, 3, 19, 9, 0), weekdays=parse_weekdays("TU"), count=3)
    occ = expand(rule, datetime(2024, 3, 1), datetime(2024, 5, 1), tz="Europe/Berlin")
    assert occ == [
        datetime(2024, 3, 19, 8, 0),   # CET  = UTC+1
        datetime(2024, 3, 26, 8, 0),
        datetime(2024, 4, 2, 7, 0),    # CEST = UTC+2
    ]


def test_no_tz_is_unchanged():
    rule = Rule(Frequency.DAILY, datetime(2024, 3, 30, 9, 0), count=2)
    assert expand(rule, datetime(2024, 3, 1), datetime(2024, 5, 1)) == [
        datetime(2024, 3, 30, 9, 0), datetime(2024, 3, 31, 9, 0),
    ]


def test_nonexistent_local_time_shifted():
    # 02:30 does not exist in New York on 2024-03-10
    rule = Rule(Frequency.DAILY, datetime(2024, 3, 10, 2, 30), count=1)
    occ = expand(rule, datetime(2024, 3, 1), datetime(2024, 4, 1), tz="America/New_York")
    assert occ == [datetime(2024, 3, 10, 7, 30)]


def test_next_occurrence_with_tz():
    rule = Rule(Frequency.DAILY, datetime(2024, 1, 1, 9, 0))
    assert next_occurrence(rule, datetime(2024, 7, 1, 12, 0), tz="Europe/London") == datetime(2024, 7, 2, 8, 0)
