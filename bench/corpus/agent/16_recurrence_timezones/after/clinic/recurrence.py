"""Recurring appointment rules and their expansion into concrete occurrences.

A :class:`Rule` is a small subset of RFC 5545 RRULE semantics: DAILY, WEEKLY
(on a set of weekdays) and MONTHLY (on a day of the month, clamped to the
month's last day), with an interval, and an end given either as a ``count``
or an ``until`` datetime. ``exdates`` removes single dates (e.g. holidays);
removed dates do not count towards ``count``.

Time zones
----------
Historically everything here was naive UTC, which made "every Tuesday 09:00"
drift by an hour across DST for clinics outside UTC. ``expand`` and
``next_occurrence`` now accept a ``tz`` (an IANA name or ``ZoneInfo``):

* the rule's ``start`` (and ``until``) are interpreted as *local wall-clock*
  times in ``tz``, so every occurrence keeps the same local time;
* the returned datetimes are still naive UTC, which is what we store.

Without ``tz`` the behaviour is unchanged (everything treated as UTC).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import Enum
from typing import Iterator
from zoneinfo import ZoneInfo

WEEKDAY_NAMES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class Frequency(str, Enum):
    """How often a rule repeats; combined with ``Rule.interval``."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass
class Rule:
    """A recurrence rule.

    Attributes:
        frequency: base period of the rule.
        start: first possible occurrence; its time of day is used for all
            occurrences. Naive; local to the clinic when expanded with ``tz``.
        interval: repeat every ``interval`` periods (2 = every other week...).
        weekdays: for WEEKLY, weekday numbers (Monday=0). Defaults to the
            weekday of ``start``.
        month_day: for MONTHLY, day of month. Defaults to ``start.day``;
            clamped to the last day of shorter months.
        count: stop after this many occurrences (exdates excluded).
        until: stop after this datetime (inclusive). Exclusive with ``count``.
        exdates: dates to skip.
    """

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
    """Parse ``"MO,WE,FR"`` into sorted weekday numbers ``[0, 2, 4]``."""
    days = []
    for part in spec.upper().split(","):
        part = part.strip()
        if part not in WEEKDAY_NAMES:
            raise ValueError(f"bad weekday {part!r}")
        days.append(WEEKDAY_NAMES.index(part))
    return sorted(set(days))


def _clamp_day(year: int, month: int, day: int) -> int:
    """``day`` limited to the number of days in the given month."""
    return min(day, calendar.monthrange(year, month)[1])


def _add_months(d: date, months: int) -> tuple[int, int]:
    """(year, month) that is ``months`` after ``d``'s month."""
    m = d.month - 1 + months
    return d.year + m // 12, m % 12 + 1


def _daily(rule: Rule) -> Iterator[date]:
    """Candidate dates for DAILY rules (infinite)."""
    current = rule.start.date()
    while True:
        yield current
        current += timedelta(days=rule.interval)


def _weekly(rule: Rule) -> Iterator[date]:
    """Candidate dates for WEEKLY rules, week by week from start's week (infinite)."""
    week_start = rule.start.date() - timedelta(days=rule.start.weekday())
    while True:
        for wd in rule.weekdays:
            d = week_start + timedelta(days=wd)
            if d >= rule.start.date():
                yield d
        week_start += timedelta(weeks=rule.interval)


def _monthly(rule: Rule) -> Iterator[date]:
    """Candidate dates for MONTHLY rules, clamping month_day (infinite)."""
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


def _resolve_tz(tz: str | tzinfo | None) -> tzinfo | None:
    if tz is None or isinstance(tz, tzinfo):
        return tz
    return ZoneInfo(tz)


def _local_to_utc(local: datetime, tz: tzinfo | None) -> datetime:
    """Naive local wall time in ``tz`` -> naive UTC.

    Uses fold=0 (PEP 495): ambiguous local times (fall-back) resolve to the
    first occurrence, and nonexistent ones (spring-forward gap) are resolved
    with the pre-transition offset, i.e. effectively shifted forward by the gap
    (02:30 on a 02:00->03:00 night becomes 03:30 local).
    """
    if tz is None:
        return local
    aware = local.replace(tzinfo=tz, fold=0)
    return aware.astimezone(timezone.utc).replace(tzinfo=None)


def _utc_to_local(utc: datetime, tz: tzinfo | None) -> datetime:
    """Naive UTC -> naive local wall time in ``tz``."""
    if tz is None:
        return utc
    return utc.replace(tzinfo=timezone.utc).astimezone(tz).replace(tzinfo=None)


def expand(
    rule: Rule,
    window_start: datetime,
    window_end: datetime,
    limit: int = 1000,
    tz: str | tzinfo | None = None,
) -> list[datetime]:
    """Occurrences of ``rule`` within ``[window_start, window_end]``.

    ``window_start``/``window_end`` are naive UTC, as are the returned
    datetimes. With ``tz`` the rule's ``start``/``until`` are local times in
    that zone and each occurrence keeps the local time of day across DST.
    At most ``limit`` occurrences are returned.
    """
    zone = _resolve_tz(tz)
    at: time = rule.start.time()
    out: list[datetime] = []
    produced = 0
    for d in _GENERATORS[rule.frequency](rule):
        local = datetime.combine(d, at)
        if rule.until and local > rule.until:
            break
        occurrence = _local_to_utc(local, zone)
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


def next_occurrence(rule: Rule, after: datetime, tz: str | tzinfo | None = None) -> datetime | None:
    """First occurrence strictly after ``after`` (naive UTC), or None if the rule has ended."""
    horizon = after + timedelta(days=366 * rule.interval)
    for occ in expand(rule, after, horizon, limit=2, tz=tz):
        if occ > after:
            return occ
    return None


def describe(rule: Rule) -> str:
    """Human readable summary, e.g. ``"every Tuesday, Thursday at 09:00, 4 times"``."""
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
