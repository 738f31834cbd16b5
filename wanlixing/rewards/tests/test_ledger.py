"""The points ledger: once per activity, append-only, corrections as new entries."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from wanlixing.rewards.models import PointsEntry, RewardsProfile, WeeklyScore
from wanlixing.rewards.services import points_award, points_correct

pytestmark = pytest.mark.django_db


def test_an_activity_earns_points_once(learner, award):
    first = award(learner, "quiz:7:1", 10, at="2026-11-23 09:00")
    again = award(learner, "quiz:7:1", 10, at="2026-11-23 09:05")
    assert first is not None
    assert again is None
    assert PointsEntry.objects.filter(user=learner).count() == 1
    profile = RewardsProfile.objects.get(user=learner)
    assert profile.points_total == 10
    assert WeeklyScore.objects.get(user=learner, week=date(2026, 11, 23)).points == 10


def test_anonymous_inactive_and_zero_awards_earn_nothing(learner):
    assert points_award(user=AnonymousUser(), activity="quiz:1:1", points=5, reason="x") is None
    assert points_award(user=learner, activity="quiz:1:1", points=0, reason="x") is None
    learner.is_active = False
    assert points_award(user=learner, activity="quiz:1:1", points=5, reason="x") is None
    assert not PointsEntry.objects.exists()


def test_entries_cannot_be_rewritten_or_deleted(learner, award):
    entry = award(learner, "drill:fake-loan", 5)
    entry.points = 500
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert PointsEntry.objects.get(pk=entry.pk).points == 5


def test_profile_tracks_totals_streak_and_active_days(learner, award):
    award(learner, "daily:2026-11-23", 5, at="2026-11-23 08:00")
    award(learner, "quiz:1:1", 10, at="2026-11-23 20:00")
    award(learner, "daily:2026-11-24", 5, at="2026-11-24 23:59")
    # Wednesday missed: covered by the week's freeze.
    award(learner, "daily:2026-11-26", 5, at="2026-11-26 00:01")
    profile = RewardsProfile.objects.get(user=learner)
    assert profile.points_total == 25
    assert profile.active_days == 3
    assert profile.streak_length == 3
    assert profile.last_active_on == date(2026, 11, 26)
    assert profile.streak_freezes == ["2026-11-25"]


def test_days_are_beijing_dates_not_utc(learner, award):
    # 2026-11-23 23:30 Beijing is 15:30 UTC; 2026-11-24 07:30 Beijing is 23:30 UTC on the 23rd.
    award(learner, "a:1", 1, at="2026-11-23 23:30")
    award(learner, "a:2", 1, at="2026-11-24 07:30")
    profile = RewardsProfile.objects.get(user=learner)
    assert (profile.active_days, profile.streak_length) == (2, 2)


def test_late_commit_for_an_earlier_day_replays_the_streak(learner, award):
    award(learner, "a:1", 1, at="2026-11-23 10:00")
    award(learner, "a:3", 1, at="2026-11-25 10:00")
    award(learner, "a:2", 1, at="2026-11-24 10:00")
    profile = RewardsProfile.objects.get(user=learner)
    assert (profile.active_days, profile.streak_length, profile.streak_freezes) == (3, 3, [])


def test_correction_is_a_new_negative_entry_in_the_corrected_week(learner, award, clock):
    entry = award(learner, "quiz:9:1", 30, at="2026-11-23 10:00")
    clock.set("2026-12-02 10:00")  # the following week
    correction = points_correct(entry=entry, points=20, reason="重复计分", by=learner)
    assert (correction.points, correction.corrects, correction.activity) == (
        -20,
        entry,
        f"correction:{entry.pk}",
    )
    assert PointsEntry.objects.get(pk=entry.pk).points == 30
    assert RewardsProfile.objects.get(user=learner).points_total == 10
    assert WeeklyScore.objects.get(user=learner, week=date(2026, 11, 23)).points == 10
    assert not WeeklyScore.objects.filter(user=learner, week=date(2026, 11, 30)).exists()


def test_correction_rules(learner, award, platform_admin):
    entry = award(learner, "quiz:9:1", 30)
    with pytest.raises(ValidationError):
        points_correct(entry=entry, points=31, reason="太多", by=platform_admin)
    with pytest.raises(ValidationError):
        points_correct(entry=entry, points=0, reason="零", by=platform_admin)
    with pytest.raises(ValidationError):
        points_correct(entry=entry, points=5, reason="  ", by=platform_admin)
    correction = points_correct(entry=entry, points=5, reason="误判", by=platform_admin)
    with pytest.raises(ValidationError, match="已经更正过"):
        points_correct(entry=entry, points=5, reason="再来", by=platform_admin)
    with pytest.raises(ValidationError):
        points_correct(entry=correction, points=1, reason="更正的更正", by=platform_admin)
    assert PointsEntry.objects.filter(user=learner).count() == 2
    assert RewardsProfile.objects.get(user=learner).points_total == 25
