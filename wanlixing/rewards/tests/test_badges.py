"""Badge rules, one per rule type, and idempotent awarding."""

import pytest
from django.core.exceptions import ValidationError

from wanlixing.rewards.models import Badge, BadgeRule, UserBadge
from wanlixing.rewards.services import (
    badges_evaluate,
    badges_load_starter,
    points_award,
    points_correct,
)
from wanlixing.rewards.tasks import badges_evaluate_all_task

from .factories import BadgeFactory

pytestmark = pytest.mark.django_db


def held(user) -> set[str]:
    return set(UserBadge.objects.filter(user=user).values_list("badge__code", flat=True))


def test_points_total_rule(learner, award):
    BadgeFactory(code="p30", rule=BadgeRule.POINTS_TOTAL, threshold=30)
    award(learner, "quiz:1:1", 20)
    assert held(learner) == set()
    award(learner, "quiz:1:2", 10)
    assert held(learner) == {"p30"}


def test_activity_prefix_rule_counts_matching_entries(learner, award):
    BadgeFactory(code="drills", rule=BadgeRule.ACTIVITY_COUNT, pattern="drill:*", threshold=2)
    award(learner, "drill:fake-loan", 5)
    award(learner, "quiz:1:1", 5)
    assert held(learner) == set()
    award(learner, "drill:fake-police", 5)
    assert held(learner) == {"drills"}


def test_first_levels_pattern_counts_distinct_level_one_quizzes(learner, award):
    BadgeFactory(code="firsts", rule=BadgeRule.ACTIVITY_COUNT, pattern="quiz:*:1", threshold=3)
    for key in ("quiz:1:1", "quiz:1:2", "quiz:2:11", "quiz:2:1", "daily:quiz:1"):
        award(learner, key, 5)
    assert held(learner) == set()
    award(learner, "quiz:3:1", 5)
    assert held(learner) == {"firsts"}


def test_streak_rule_uses_the_longest_streak(learner, award):
    BadgeFactory(code="s3", rule=BadgeRule.STREAK_DAYS, threshold=3)
    award(learner, "a:1", 1, at="2026-11-23 09:00")
    award(learner, "a:2", 1, at="2026-11-24 09:00")
    assert held(learner) == set()
    # Wednesday missed, frozen: Thursday makes three counted days.
    award(learner, "a:3", 1, at="2026-11-26 09:00")
    assert held(learner) == {"s3"}


def test_active_days_rule(learner, award):
    BadgeFactory(code="d2", rule=BadgeRule.ACTIVE_DAYS, threshold=2)
    award(learner, "a:1", 1, at="2026-11-02 09:00")
    award(learner, "a:2", 1, at="2026-11-02 18:00")
    assert held(learner) == set()
    award(learner, "a:3", 1, at="2026-11-20 09:00")  # weeks later: not a streak, still a day
    assert held(learner) == {"d2"}


def test_literacy_test_rule(learner, award):
    BadgeFactory(code="lit", rule=BadgeRule.LITERACY_TEST, threshold=1)
    award(learner, "quiz:1:1", 10)
    assert held(learner) == set()
    award(learner, "literacy:A", 20)
    assert held(learner) == {"lit"}


def test_awarding_is_idempotent_and_inactive_badges_are_skipped(learner, award):
    BadgeFactory(code="one", threshold=1)
    BadgeFactory(code="off", threshold=1, is_active=False)
    award(learner, "a:1", 5)
    assert badges_evaluate(user=learner) == []
    assert UserBadge.objects.filter(user=learner).count() == 1
    assert held(learner) == {"one"}


def test_corrections_do_not_take_badges_away(learner, award, platform_admin):
    BadgeFactory(code="p10", threshold=10)
    entry = award(learner, "a:1", 10)
    points_correct(entry=entry, points=10, reason="误判", by=platform_admin)
    assert badges_evaluate(user=learner) == []
    assert held(learner) == {"p10"}


def test_background_task_awards_new_badges_to_qualified_users(learner, award):
    award(learner, "volunteer:shift:4", 50)
    BadgeFactory(code="vol", rule=BadgeRule.ACTIVITY_COUNT, pattern="volunteer:*", threshold=1)
    assert held(learner) == set()
    result = badges_evaluate_all_task.enqueue()
    assert result.return_value == 1
    assert held(learner) == {"vol"}


def test_badge_rule_validation():
    badge = BadgeFactory.build(rule=BadgeRule.ACTIVITY_COUNT, pattern="")
    with pytest.raises(ValidationError):
        badge.full_clean()
    badge.pattern = "Quiz:<script>"
    with pytest.raises(ValidationError):
        badge.full_clean()
    badge.rule, badge.pattern = BadgeRule.POINTS_TOTAL, "quiz:*"
    with pytest.raises(ValidationError):
        badge.full_clean()


def test_starter_badges_load_once_with_topic_count(learner):
    assert badges_load_starter() == (14, 0)
    Badge.objects.filter(code="points-100").update(name="后台改过的名字")
    assert badges_load_starter() == (0, 14)
    assert Badge.objects.get(code="points-100").name == "后台改过的名字"
    assert Badge.objects.get(code="all-topics").threshold == 14
    points_award(user=learner, activity="quiz:1:1", points=10, reason="闯关")
    assert {b.code for b in badges_evaluate(user=learner)} == {"first-step", "quiz-first"}
