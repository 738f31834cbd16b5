"""Badge rules: what each rule type measures, for progress bars and awarding.

Facts about a learner are gathered lazily, so evaluating a dozen badges after
an award costs one or two small queries.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wanlixing.accounts.models import User

from .models import Badge, BadgeRule, PointsEntry, RewardsProfile

# What an activity prefix means to a learner, for generated "how to earn" texts.
ACTIVITY_NAMES = {
    "quiz": gettext_lazy("闯关答题关卡"),
    "daily": gettext_lazy("每日一练"),
    "drill": gettext_lazy("反诈演练"),
    "livequiz": gettext_lazy("直播答题"),
    "volunteer": gettext_lazy("志愿服务"),
    "event": gettext_lazy("线下活动签到"),
    "literacy": gettext_lazy("金融素养测评"),
}


class BadgeFacts:
    """What the rules look at for one user."""

    def __init__(self, user: User, profile: RewardsProfile | None = None) -> None:
        self.user = user
        self._profile = profile

    @cached_property
    def profile(self) -> RewardsProfile:
        if self._profile is not None:
            return self._profile
        found = RewardsProfile.objects.filter(user_id=self.user.pk).first()
        return found or RewardsProfile(user_id=self.user.pk)

    @cached_property
    def activities(self) -> list[str]:
        return list(
            PointsEntry.objects.earned()
            .filter(user_id=self.user.pk)
            .values_list("activity", flat=True)
        )

    def count_matching(self, pattern: str) -> int:
        return sum(1 for key in self.activities if fnmatchcase(key, pattern))


def badge_progress(badge: Badge, facts: BadgeFacts) -> int:
    """How far the user is towards ``badge.threshold`` (may exceed it)."""
    if badge.rule == BadgeRule.POINTS_TOTAL:
        return max(facts.profile.points_total, 0)
    if badge.rule == BadgeRule.ACTIVITY_COUNT:
        return facts.count_matching(badge.pattern)
    if badge.rule == BadgeRule.STREAK_DAYS:
        return facts.profile.streak_longest
    if badge.rule == BadgeRule.ACTIVE_DAYS:
        return facts.profile.active_days
    if badge.rule == BadgeRule.LITERACY_TEST:
        return facts.count_matching("literacy:*")
    return 0


def badge_rule_met(badge: Badge, facts: BadgeFacts) -> bool:
    return badge_progress(badge, facts) >= badge.threshold


def badge_how_to_earn(badge: Badge) -> str:
    """The badge's own text, or one generated from its rule."""
    if badge.how_to_earn:
        return badge.how_to_earn
    n = badge.threshold
    if badge.rule == BadgeRule.POINTS_TOTAL:
        return _("累计获得 %(n)s 积分") % {"n": n}
    if badge.rule == BadgeRule.STREAK_DAYS:
        return _("连续学习 %(n)s 天（每周有一次自动冻结）") % {"n": n}
    if badge.rule == BadgeRule.ACTIVE_DAYS:
        return _("累计在 %(n)s 天里获得积分") % {"n": n}
    if badge.rule == BadgeRule.LITERACY_TEST:
        return _("完成金融素养测评 %(n)s 次") % {"n": n}
    prefix = badge.pattern.split(":", 1)[0]
    name = ACTIVITY_NAMES.get(prefix) or _("相关活动")
    return _("完成 %(n)s 次%(name)s") % {"n": n, "name": name}
