"""Daily streaks with one automatic freeze per ISO week (Duolingo's "streak freeze").

A day counts when the learner earns points on it (local date, Asia/Shanghai).
A missed day is covered by a freeze when no freeze has been used yet in that
day's ISO week; the frozen day keeps the streak alive but does not add to it.
A gap that the freezes cannot cover breaks the streak and consumes no freeze
(a freeze is only ever spent on saving a streak). Today is never a missed day:
until it ends the streak is alive and only "at risk".

Everything here is pure: the state is stored on ``RewardsProfile`` and advanced
on each award (``streak_record``), or replayed from the ledger
(``streak_replay``); both walk the same steps, so they always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import pgettext

from .weeks import week_start

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class StreakState:
    """The streak as of ``last_active`` (the latest active day)."""

    length: int = 0
    last_active: date | None = None
    longest: int = 0
    # Freeze days used in the ISO week of ``last_active`` or later: the only ones
    # that can still stop a future freeze.
    freezes: tuple[date, ...] = ()


@dataclass(frozen=True)
class StreakStatus:
    """The streak as a learner sees it today."""

    current: int
    longest: int
    active_today: bool
    freeze_used_this_week: bool
    # Missed days since the last active day that a freeze covers (already or if
    # the learner is active today).
    covered_days: tuple[date, ...] = field(default=())

    @property
    def covered_days_text(self) -> str:
        """The covered days as a short list in the active language: ``11月23日、11月24日``."""
        fmt = pgettext("short date format", "n月j日")
        return pgettext("list separator", "、").join(date_format(d, fmt) for d in self.covered_days)

    @property
    def at_risk(self) -> bool:
        """Alive but not yet extended today."""
        return self.current > 0 and not self.active_today


def _cover(state: StreakState, until: date) -> tuple[date, ...] | None:
    """Freezes that cover every missed day after ``last_active`` up to ``until``,
    or None when some day cannot be covered (the streak is broken)."""
    assert state.last_active is not None
    used_weeks = {week_start(day) for day in state.freezes}
    covered: list[date] = []
    day = state.last_active + ONE_DAY
    while day <= until:
        week = week_start(day)
        if week in used_weeks:
            return None
        used_weeks.add(week)
        covered.append(day)
        day += ONE_DAY
    return tuple(covered)


def _advance(state: StreakState, day: date) -> tuple[StreakState, tuple[date, ...]]:
    """Record activity on ``day`` (not before ``last_active``); returns the new
    state and the freezes spent on the way."""
    if state.last_active is None:
        return StreakState(1, day, max(state.longest, 1), ()), ()
    if day <= state.last_active:
        return state, ()
    covered = _cover(state, day - ONE_DAY)
    spent: tuple[date, ...] = () if covered is None else covered
    length = 1 if covered is None else state.length + 1
    monday = week_start(day)
    freezes = tuple(f for f in (*state.freezes, *spent) if week_start(f) >= monday)
    return StreakState(length, day, max(state.longest, length), freezes), spent


def streak_record(state: StreakState, day: date) -> StreakState:
    """The state after activity on ``day``; a day before ``last_active`` is ignored
    (callers replay the ledger instead)."""
    return _advance(state, day)[0]


def streak_replay(days: Iterable[date]) -> tuple[StreakState, set[date]]:
    """Replay active days (any order, duplicates allowed); returns the final state
    and every freeze day spent over the whole history."""
    state = StreakState()
    spent: set[date] = set()
    for day in sorted(set(days)):
        state, used = _advance(state, day)
        spent.update(used)
    return state, spent


def streak_status(state: StreakState, today: date) -> StreakStatus:
    """What to show today: a streak is alive while the days missed since the last
    active day (today excluded) are covered by freezes."""
    if state.last_active is None:
        return StreakStatus(0, state.longest, False, False)
    if state.last_active >= today:
        freezes = state.freezes
        return StreakStatus(
            state.length,
            state.longest,
            True,
            any(week_start(f) == week_start(today) for f in freezes),
        )
    covered = _cover(state, today - ONE_DAY)
    if covered is None:
        used = any(week_start(f) == week_start(today) for f in state.freezes)
        return StreakStatus(0, state.longest, False, used)
    freezes = (*state.freezes, *covered)
    return StreakStatus(
        state.length,
        state.longest,
        False,
        any(week_start(f) == week_start(today) for f in freezes),
        covered,
    )


@dataclass(frozen=True)
class CalendarDay:
    day: date
    status: str  # "active", "freeze", "missed", "today", "future"


def streak_calendar(
    days: Iterable[date], today: date, *, weeks: int = 6
) -> list[list[CalendarDay]]:
    """The last ``weeks`` ISO weeks (Monday first, oldest first) with each day's status.

    Freeze days include those that will save the streak if the learner is active
    today; "today" marks a current day without activity yet.
    """
    active = set(days)
    state, spent = streak_replay(d for d in active if d <= today)
    status = streak_status(state, today)
    frozen = spent | set(status.covered_days)
    first = week_start(today) - timedelta(weeks=weeks - 1)
    out: list[list[CalendarDay]] = []
    for w in range(weeks):
        row = []
        for d in range(7):
            day = first + timedelta(weeks=w, days=d)
            if day in active and day <= today:
                kind = "active"
            elif day > today:
                kind = "future"
            elif day == today:
                kind = "today"
            elif day in frozen:
                kind = "freeze"
            else:
                kind = "missed"
            row.append(CalendarDay(day, kind))
        out.append(row)
    return out
