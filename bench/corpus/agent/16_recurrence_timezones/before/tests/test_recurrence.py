from datetime import datetime

from clinic.recurrence import Frequency, Rule, describe, expand, parse_weekdays


def test_weekly_expand():
    rule = Rule(Frequency.WEEKLY, datetime(2024, 1, 2, 9, 0), weekdays=parse_weekdays("TU,TH"), count=4)
    occ = expand(rule, datetime(2024, 1, 1), datetime(2024, 3, 1))
    assert [o.day for o in occ] == [2, 4, 9, 11]


def test_monthly_clamps_to_month_end():
    rule = Rule(Frequency.MONTHLY, datetime(2024, 1, 31, 8, 30), count=3)
    occ = expand(rule, datetime(2024, 1, 1), datetime(2024, 12, 31))
    assert [(o.month, o.day) for o in occ] == [(1, 31), (2, 29), (3, 31)]


def test_describe():
    rule = Rule(Frequency.DAILY, datetime(2024, 1, 1, 7, 0), interval=2, count=5)
    assert describe(rule) == "every 2 days at 07:00, 5 times"
