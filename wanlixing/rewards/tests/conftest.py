"""Fixtures for rewards tests: a settable clock and an ``award`` helper that runs
the after-commit badge check as production does."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from wanlixing.rewards.services import points_award
from wanlixing.rewards.weeks import REWARDS_TZ


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def set(self, local: str) -> datetime:
        """Set "now" to a Beijing-time moment such as ``2026-11-23 09:30``."""
        moment = datetime.fromisoformat(local).replace(tzinfo=REWARDS_TZ)
        self.monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def award(clock, django_capture_on_commit_callbacks):
    """``award(user, "quiz:1:1", 10, at="2026-11-23 09:00")`` → the entry or None."""

    def _award(user, activity, points=10, *, at=None, reason="测试积分"):
        if at is not None:
            clock.set(at)
        with django_capture_on_commit_callbacks(execute=True):
            return points_award(user=user, activity=activity, points=points, reason=reason)

    return _award
