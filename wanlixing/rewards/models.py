from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .streaks import StreakState

# Activity patterns in badge rules: shell-style globs over activity keys
# (``quiz:*``, ``quiz:*:1``, ``literacy:*``).
PATTERN_RE = re.compile(r"^[a-z0-9:_*?\-]+$")


class PointsEntryQuerySet(models.QuerySet["PointsEntry"]):
    def earned(self) -> PointsEntryQuerySet:
        """Entries that earned points (corrections and other negative lines excluded)."""
        return self.filter(points__gt=0)


class PointsEntry(models.Model):
    """One line of the append-only points ledger.

    ``activity`` names what earned the points (``quiz:42:1``, ``drill:fake-loan``,
    ``livequiz:17``); a user earns points for an activity once, so repeating a
    quiz cannot farm points. Entries are never updated or deleted: a mistake is
    put right by a correction, a new negative entry that names the entry it
    corrects (activity ``correction:<id>``) and counts in that entry's week.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_entries"
    )
    activity = models.CharField(_("活动"), max_length=120)
    points = models.IntegerField(_("积分"))
    reason = models.CharField(_("原因"), max_length=200)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PointsEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        constraints = [
            models.UniqueConstraint(fields=["user", "activity"], name="points_once_per_activity")
        ]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.points:+d} {self.reason}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The ledger is append-only: an existing line is never rewritten.
        if not self._state.adding:
            raise ValueError("points entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("points entries are append-only")


class RewardsProfile(models.Model):
    """Per-user rewards state kept up to date on every award, so pages never sum
    the ledger: totals, the streak state and the leaderboard preference.

    ``wanlixing rewards rebuild`` recomputes everything but the preference.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="rewards_profile",
    )
    points_total = models.IntegerField(_("累计积分"), default=0)
    active_days = models.PositiveIntegerField(_("累计学习天数"), default=0)
    streak_length = models.PositiveIntegerField(_("连续天数"), default=0)
    streak_longest = models.PositiveIntegerField(_("最长连续天数"), default=0)
    last_active_on = models.DateField(_("最近学习日"), null=True, blank=True)
    streak_freezes = models.JSONField(_("本周及以后已用冻结"), default=list, blank=True)
    leaderboard_opt_out = models.BooleanField(
        _("不参加排行榜"),
        default=False,
        help_text=_("开启后，您的名字不会出现在任何排行榜上；积分和徽章照常获得。"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("积分概况")
        verbose_name_plural = _("积分概况")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.points_total}"

    @property
    def streak_state(self) -> StreakState:
        return StreakState(
            length=self.streak_length,
            last_active=self.last_active_on,
            longest=self.streak_longest,
            freezes=tuple(date.fromisoformat(d) for d in self.streak_freezes),
        )

    def set_streak_state(self, state: StreakState) -> None:
        self.streak_length = state.length
        self.last_active_on = state.last_active
        self.streak_longest = state.longest
        self.streak_freezes = [d.isoformat() for d in state.freezes]


class BadgeRule(models.TextChoices):
    POINTS_TOTAL = "points_total", _("累计积分达到 N")
    ACTIVITY_COUNT = "activity_count", _("完成 N 项匹配的活动")
    STREAK_DAYS = "streak_days", _("连续学习达到 N 天")
    ACTIVE_DAYS = "active_days", _("累计学习达到 N 天")
    LITERACY_TEST = "literacy_test", _("完成金融素养测评 N 次")


class BadgeIcon(models.TextChoices):
    STAR = "star", _("星星")
    FLAME = "flame", _("火苗")
    BOOK = "book", _("书本")
    SHIELD = "shield", _("盾牌")
    TROPHY = "trophy", _("奖杯")
    CALENDAR = "calendar", _("日历")
    HEART = "heart", _("爱心")
    BOLT = "bolt", _("闪电")
    CAP = "cap", _("学士帽")
    SEEDLING = "seedling", _("嫩芽")
    COMPASS = "compass", _("指南针")
    FLAG = "flag", _("旗帜")


class BadgeColor(models.TextChoices):
    GOLD = "gold", _("金色")
    RED = "red", _("红色")
    BLUE = "blue", _("蓝色")
    GREEN = "green", _("绿色")
    PURPLE = "purple", _("紫色")
    ORANGE = "orange", _("橙色")
    TEAL = "teal", _("青色")


class BadgeQuerySet(models.QuerySet["Badge"]):
    def active(self) -> BadgeQuerySet:
        return self.filter(is_active=True)


class Badge(models.Model):
    """A badge definition: a rule over the ledger and the streak, kept as data so
    the back office can add badges without a release."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    description = models.CharField(_("说明"), max_length=200)
    how_to_earn = models.CharField(
        _("获得方法"),
        max_length=200,
        blank=True,
        help_text=_("留空时按规则自动生成，例如“累计获得 100 积分”。"),
    )
    rule = models.CharField(_("规则"), max_length=20, choices=BadgeRule.choices)
    threshold = models.PositiveIntegerField(
        _("数量 N"), validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    pattern = models.CharField(
        _("活动匹配"),
        max_length=60,
        blank=True,
        help_text=_(
            "仅用于“完成 N 项匹配的活动”：活动代码的通配模式，* 匹配任意字符。"
            "例如 quiz:* （闯关答题）、quiz:*:1（各关卡第一关）、drill:*（反诈演练）。"
        ),
    )
    icon = models.CharField(_("图标"), max_length=12, choices=BadgeIcon.choices)
    color = models.CharField(_("颜色"), max_length=8, choices=BadgeColor.choices)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = BadgeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("徽章")
        verbose_name_plural = _("徽章")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.rule == BadgeRule.ACTIVITY_COUNT:
            if not self.pattern:
                raise ValidationError({"pattern": _("“完成 N 项匹配的活动”规则需要填写活动匹配。")})
            if not PATTERN_RE.match(self.pattern):
                raise ValidationError(
                    {"pattern": _("活动匹配只能包含小写字母、数字、冒号、下划线、短横线和 * ?。")}
                )
        elif self.pattern:
            raise ValidationError({"pattern": _("只有“完成 N 项匹配的活动”规则使用活动匹配。")})


class UserBadge(models.Model):
    """A badge a user has earned; earned once, never taken away."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges"
    )
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="holders")
    earned_at = models.DateTimeField(_("获得时间"), default=timezone.now)
    seen_at = models.DateTimeField(_("查看时间"), null=True, blank=True)

    class Meta:
        ordering = ["-earned_at", "-pk"]
        verbose_name = _("已获徽章")
        verbose_name_plural = _("已获徽章")
        constraints = [
            models.UniqueConstraint(fields=["user", "badge"], name="badge_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.badge_id}"


class WeeklyScore(models.Model):
    """Points a user earned in one ISO week (Asia/Shanghai): the leaderboards'
    aggregate, incremented atomically on every award.

    The place fields copy the user's region and affiliation at their latest award
    that week, so scoped boards filter on indexed columns of one table.
    ``hidden`` mirrors the user's leaderboard opt-out.
    """

    week = models.DateField(_("周一日期"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_scores"
    )
    points = models.IntegerField(_("本周积分"), default=0)
    last_award_at = models.DateTimeField(_("最近获得积分时间"))
    province_code = models.CharField(_("省"), max_length=6, blank=True)
    city_code = models.CharField(_("市"), max_length=6, blank=True)
    affiliation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("所在单位"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden = models.BooleanField(_("不参加排行榜"), default=False)

    class Meta:
        verbose_name = _("每周积分")
        verbose_name_plural = _("每周积分")
        constraints = [
            models.UniqueConstraint(fields=["week", "user"], name="weekly_score_once_per_week")
        ]
        indexes = [
            models.Index(
                fields=["week", "-points", "last_award_at"],
                name="weekly_overall",
                condition=Q(hidden=False),
            ),
            models.Index(
                fields=["week", "province_code", "-points"],
                name="weekly_province",
                condition=Q(hidden=False),
            ),
            models.Index(
                fields=["week", "city_code", "-points"],
                name="weekly_city",
                condition=Q(hidden=False),
            ),
            models.Index(
                fields=["week", "affiliation", "-points"],
                name="weekly_affiliation",
                condition=Q(hidden=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.user_id}: {self.points}"
