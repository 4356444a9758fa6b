from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Iterator

WEEKDAY_NAMES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class Frequency(str, Enum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass
class Rule:
    frequency: Frequency
    start: datetime
    interval: int = 1
    weekdays: list[int] = field(default_factory=list)
    month_day: int | None = None
    count: int | None = None
    until: datetime | None = None
    exdates: set[date] = field(default_factory=set)

    def __post_init__(self):
        if self.interval < 1:
            raise ValueError("interval must be >= 1")
        if self.count is not None and self.until is not None:
            raise ValueError("use either count or until, not both")
        if self.frequency is Frequency.WEEKLY and not self.weekdays:
            self.weekdays = [self.start.weekday()]
        if self.frequency is Frequency.MONTHLY and self.month_day is None:
            self.month_day = self.start.day


def parse_weekdays(spec: str) -> list[int]:
    days = []
    for part in spec.upper().split(","):
        part = part.strip()
        if part not in WEEKDAY_NAMES:
            raise ValueError(f"bad weekday {part!r}")
        days.append(WEEKDAY_NAMES.index(part))
    return sorted(set(days))


def _clamp_day(year: int, month: int, day: int) -> int:
    return min(day, calendar.monthrange(year, month)[1])


def _add_months(d: date, months: int) -> tuple[int, int]:
    m = d.month - 1 + months
    return d.year + m // 12, m % 12 + 1


def _daily(rule: Rule) -> Iterator[date]:
    current = rule.start.date()
    while True:
        yield current
        current += timedelta(days=rule.interval)


def _weekly(rule: Rule) -> Iterator[date]:
    week_start = rule.start.date() - timedelta(days=rule.start.weekday())
    while True:
        for wd in rule.weekdays:
            d = week_start + timedelta(days=wd)
            if d >= rule.start.date():
                yield d
        week_start += timedelta(weeks=rule.interval)


def _monthly(rule: Rule) -> Iterator[date]:
    base = rule.start.date().replace(day=1)
    n = 0
    while True:
        year, month = _add_months(base, n * rule.interval)
        d = date(year, month, _clamp_day(year, month, rule.month_day))
        if d >= rule.start.date():
            yield d
        n += 1


_GENERATORS = {
    Frequency.DAILY: _daily,
    Frequency.WEEKLY: _weekly,
    Frequency.MONTHLY: _monthly,
}


def expand(rule: Rule, window_start: datetime, window_end: datetime, limit: int = 1000) -> list[datetime]:
    at = rule.start.time()
    out: list[datetime] = []
    produced = 0
    for d in _GENERATORS[rule.frequency](rule):
        occurrence = datetime.combine(d, at)
        if rule.until and occurrence > rule.until:
            break
        if occurrence > window_end:
            break
        if d in rule.exdates:
            continue
        produced += 1
        if rule.count is not None and produced > rule.count:
            break
        if occurrence >= window_start:
            out.append(occurrence)
            if len(out) >= limit:
                break
    return out


def next_occurrence(rule: Rule, after: datetime) -> datetime | None:
    horizon = after + timedelta(days=366 * rule.interval)
    for occ in expand(rule, after, horizon, limit=2):
        if occ > after:
            return occ
    return None


def describe(rule: Rule) -> str:
    at = rule.start.strftime("%H:%M")
    if rule.frequency is Frequency.DAILY:
        base = "every day" if rule.interval == 1 else f"every {rule.interval} days"
    elif rule.frequency is Frequency.WEEKLY:
        names = ", ".join(calendar.day_name[d] for d in rule.weekdays)
        base = f"every {names}" if rule.interval == 1 else f"every {rule.interval} weeks on {names}"
    else:
        base = f"monthly on day {rule.month_day}" if rule.interval == 1 else (
            f"every {rule.interval} months on day {rule.month_day}"
        )
    text = f"{base} at {at}"
    if rule.count:
        text += f", {rule.count} times"
    elif rule.until:
        text += f", until {rule.until:%Y-%m-%d}"
    return text
