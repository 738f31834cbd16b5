"""Export and erasure of a user's rewards data."""

import json

import pytest

from wanlixing.accounts.services import user_delete, user_export
from wanlixing.accounts.tests.factories import UserFactory
from wanlixing.rewards.models import PointsEntry, WeeklyScore
from wanlixing.rewards.selectors import leaderboard_get
from wanlixing.rewards.services import badges_load_starter
from wanlixing.rewards.weeks import week_start

pytestmark = pytest.mark.django_db


def test_export_contains_ledger_badges_and_streak(learner, award):
    badges_load_starter()
    award(learner, "quiz:1:1", 10, at="2026-11-23 09:00", reason="闯关")
    data = user_export(user=learner)["rewards"]
    json.dumps(data)
    assert data["points_total"] == 10
    assert data["ledger"][0]["reason"] == "闯关"
    assert {b["code"] for b in data["badges"]} == {"first-step", "quiz-first"}
    assert data["streak"]["longest"] == 1
    assert data["weekly_points"] == [{"week": "2026-W48", "points": 10}]


def test_erase_keeps_ledger_but_leaves_leaderboards(learner, award, clock):
    other = UserFactory(display_name="留下的人")
    award(learner, "quiz:1:1", 10, at="2026-11-23 09:00")
    award(other, "quiz:1:1", 5, at="2026-11-23 10:00")
    user_delete(user=learner)
    assert PointsEntry.objects.filter(user=learner).count() == 1
    assert not WeeklyScore.objects.filter(user=learner).exists()
    moment = clock.set("2026-11-24 09:00")
    board = leaderboard_get(viewer=other, scope="overall", week=week_start(moment.date()))
    assert [r.name for r in board.rows] == ["留下的人"]
    from wanlixing.rewards.services import rewards_rebuild

    rewards_rebuild()
    assert not WeeklyScore.objects.filter(user=learner).exists()
