"""Writes for rewards: the points ledger (badges, streaks and leaderboards build on it)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from wanlixing.accounts.models import User

from .models import PointsEntry


def points_award(*, user: User, activity: str, points: int, reason: str) -> PointsEntry | None:
    """Award ``points`` for ``activity`` once; returns None if the activity was already rewarded.

    Safe under concurrency: the unique (user, activity) constraint decides the race.
    Anonymous or inactive users earn nothing.
    """
    if not user.is_authenticated or not user.is_active or points == 0:
        return None
    if len(activity) > 120:
        raise ValueError("activity key too long")
    try:
        with transaction.atomic():
            entry = PointsEntry.objects.create(
                user=user, activity=activity, points=points, reason=reason[:200]
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _after_award(entry))
    return entry


def _after_award(entry: PointsEntry) -> None:
    """Hook for streaks and badges (filled in by the rewards part)."""
