"""Concurrent awards on committed data.

Threads need committed rows, so this is a transactional test. Its closing flush is
limited to the rewards tables (``available_apps``) so that the rows other apps seed in
migrations (topics, segments) survive for the tests that run after it; the user it
creates is deleted by the test itself.
"""

import threading

import pytest
from django.db import connection

from wanlixing.accounts.tests.factories import UserFactory
from wanlixing.rewards.models import PointsEntry, RewardsProfile, WeeklyScore
from wanlixing.rewards.services import points_award


@pytest.mark.django_db(transaction=True, available_apps=["wanlixing.rewards"])
def test_concurrent_double_award_makes_one_entry():
    """Four threads award the same activity at once: one entry, counted once."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == ":memory:":
        pytest.skip("threads need a file database")
    user = UserFactory()
    barrier = threading.Barrier(4)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(
                points_award(user=user, activity="livequiz:3", points=15, reason="直播答题")
            )
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(results) == 4
        assert sum(r is not None for r in results) == 1
        assert PointsEntry.objects.filter(user=user).count() == 1
        assert RewardsProfile.objects.get(user=user).points_total == 15
        assert WeeklyScore.objects.get(user=user).points == 15
    finally:
        for model in (WeeklyScore, RewardsProfile, PointsEntry):
            model.objects.filter(user=user).delete()
        user.delete()
