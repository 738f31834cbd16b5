"""Streak rules with fixed dates. 2026-11-23 is a Monday (ISO week 2026-W48)."""

from datetime import date, timedelta
from random import Random

from wanlixing.rewards.streaks import (
    StreakState,
    streak_calendar,
    streak_record,
    streak_replay,
    streak_status,
)

MON = date(2026, 11, 23)


def d(offset: int) -> date:
    """Days after Monday 2026-11-23 (negative: before)."""
    return MON + timedelta(days=offset)


def replay(*offsets: int) -> StreakState:
    return streak_replay(d(o) for o in offsets)[0]


def test_consecutive_days_count_up():
    state = replay(0, 1, 2)
    assert (state.length, state.last_active, state.longest) == (3, d(2), 3)


def test_one_missed_day_is_covered_by_the_weeks_freeze():
    state, spent = streak_replay([d(0), d(1), d(3)])  # Wednesday missed
    assert state.length == 3  # the frozen day keeps the streak but does not add to it
    assert spent == {d(2)}
    assert state.freezes == (d(2),)


def test_second_missed_day_in_the_same_week_breaks_the_streak():
    # Tuesday missed (freeze), Thursday missed: the week's freeze is gone.
    state = replay(0, 2, 4)
    assert state.length == 1
    assert state.longest == 2


def test_two_missed_days_in_a_row_in_one_week_break_the_streak():
    assert replay(0, 1, 4).length == 1


def test_missed_days_either_side_of_a_week_boundary_use_one_freeze_each():
    # Saturday active, Sunday (W48) and Monday (W49) missed, Tuesday active.
    state, spent = streak_replay([d(5), d(8)])
    assert state.length == 2
    assert spent == {d(6), d(7)}


def test_freeze_comes_back_each_iso_week():
    # Tuesday W48 missed, Wednesday W49 missed: each week has its own freeze.
    state, spent = streak_replay([d(o) for o in (0, 2, 3, 4, 5, 6, 7, 8, 10)])
    assert state.length == 9  # nine active days, two frozen ones in between
    assert spent == {d(1), d(9)}


def test_a_broken_streak_spends_no_freeze():
    # Mon active; Tue+Wed missed breaks it without using the freeze; Thu restarts;
    # Fri missed is then covered by the still-unused freeze.
    state, spent = streak_replay([d(0), d(3), d(5)])
    assert state.length == 2
    assert spent == {d(4)}


def test_today_not_yet_active_keeps_the_streak_until_the_day_ends():
    state = replay(0, 1, 2)
    status = streak_status(state, d(3))
    assert status.current == 3
    assert not status.active_today
    assert status.at_risk
    assert status.covered_days == ()


def test_active_today_is_not_at_risk():
    status = streak_status(replay(0, 1, 2, 3), d(3))
    assert (status.current, status.active_today, status.at_risk) == (4, True, False)


def test_yesterday_missed_is_covered_while_today_is_still_open():
    status = streak_status(replay(0, 1), d(3))
    assert status.current == 2
    assert status.covered_days == (d(2),)
    assert status.freeze_used_this_week


def test_yesterday_missed_with_freeze_used_shows_streak_broken():
    # Tuesday frozen already; Thursday missed; today is Friday.
    status = streak_status(replay(0, 2, 3), d(5))
    assert status.current == 0
    assert status.longest == 3
    assert status.freeze_used_this_week


def test_status_of_nobody():
    status = streak_status(StreakState(), d(0))
    assert (status.current, status.longest, status.active_today) == (0, 0, False)


def test_incremental_record_matches_replay_for_random_histories():
    rng = Random(48)
    for _ in range(200):
        days = sorted({d(rng.randrange(-40, 40)) for _ in range(rng.randrange(1, 50))})
        state = StreakState()
        for day in days:
            state = streak_record(state, day)
        assert state == streak_replay(days)[0]


def test_recording_the_same_day_twice_changes_nothing():
    state = streak_record(StreakState(), d(0))
    assert streak_record(state, d(0)) == state
    assert streak_record(state, d(-1)) == state


def test_calendar_marks_active_freeze_missed_today_and_future():
    # Week W48: Mon, Tue active, Wed missed (frozen), Thu active; W49 starts Mon 30th.
    days = [d(0), d(1), d(3)]
    weeks = streak_calendar(days, d(3), weeks=2)
    statuses = [cell.status for cell in weeks[1]]
    assert statuses == ["active", "active", "freeze", "active", "future", "future", "future"]
    assert weeks[1][0].day == MON
    assert all(cell.status == "missed" for cell in weeks[0])

    pending = streak_calendar([d(0), d(1)], d(3), weeks=1)[0]
    assert [c.status for c in pending[:4]] == ["active", "active", "freeze", "today"]
