"""Concurrent awards on committed data.

No django_db mark here: the test commits for real (threads need to see the rows)
instead of using a transactional test case, whose flush would wipe the rows other
apps seed in migrations; it deletes what it created.
"""

import threading

import pytest
from django.db import connection

from wanlixing.accounts.tests.factories import UserFactory
from wanlixing.rewards.models import PointsEntry, RewardsProfile, WeeklyScore
from wanlixing.rewards.services import points_award


def test_concurrent_double_award_makes_one_entry(django_db_setup, django_db_blocker):
    """Four threads award the same activity at once: one entry, counted once."""
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == ":memory:":
            pytest.skip("threads need a file database")
        user = UserFactory()
        try:
            barrier = threading.Barrier(4)
            results = []

            def worker():
                try:
                    barrier.wait()
                    results.append(
                        points_award(user=user, activity="livequiz:3", points=15, reason="直播")
                    )
                finally:
                    connection.close()

            threads = [threading.Thread(target=worker) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sum(r is not None for r in results) == 1
            assert PointsEntry.objects.filter(user=user).count() == 1
            assert RewardsProfile.objects.get(user=user).points_total == 15
            assert WeeklyScore.objects.get(user=user).points == 15
        finally:
            user.delete()
