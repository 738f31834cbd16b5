"""Reads for rewards: summaries, the ledger, badges with progress, streak
calendars and leaderboards. Pages and the API read aggregates, never sum the
ledger per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wanlixing.accounts.models import STAFF_ROLES, OrganisationKind, Role, User
from wanlixing.accounts.regions import region_full_name, region_get
from wanlixing.accounts.selectors import AnyUser, user_is_platform_admin, user_org_ids
from wanlixing.lib.phone import phone_looks_like, phone_mask

from .badge_rules import BadgeFacts, badge_how_to_earn, badge_progress
from .models import Badge, PointsEntry, RewardsProfile, UserBadge, WeeklyScore
from .streaks import CalendarDay, StreakStatus, streak_calendar, streak_status
from .weeks import REWARDS_TZ, local_today, week_label, week_start


def rewards_profile_for(user: User) -> RewardsProfile:
    """The user's profile row, or an unsaved empty one."""
    found = RewardsProfile.objects.filter(user_id=user.pk).first()
    return found or RewardsProfile(user_id=user.pk)


@dataclass(frozen=True)
class RewardsSummary:
    points_total: int
    points_this_week: int
    streak: StreakStatus
    active_days: int
    badges_earned: int
    badges_total: int
    latest_badges: list[UserBadge]
    unseen_badges: list[UserBadge]
    leaderboard_opt_out: bool


def rewards_summary(*, user: User, latest: int = 3, today: date | None = None) -> RewardsSummary:
    today = today or local_today()
    profile = rewards_profile_for(user)
    week_row = WeeklyScore.objects.filter(user_id=user.pk, week=week_start(today)).first()
    held = list(
        UserBadge.objects.filter(user_id=user.pk, badge__is_active=True).select_related("badge")
    )
    return RewardsSummary(
        points_total=profile.points_total,
        points_this_week=week_row.points if week_row else 0,
        streak=streak_status(profile.streak_state, today),
        active_days=profile.active_days,
        badges_earned=len(held),
        badges_total=Badge.objects.active().count(),
        latest_badges=held[:latest],
        unseen_badges=[h for h in held if h.seen_at is None],
        leaderboard_opt_out=profile.leaderboard_opt_out,
    )


def ledger_for(user: User) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(user_id=user.pk).select_related("corrects")


def ledger_page(*, user: User, page: int | str, page_size: int = 20) -> Page:
    """One page of the user's ledger, newest first; a page past the end is the last."""
    paginator = Paginator(ledger_for(user), page_size)
    return paginator.get_page(page)


@dataclass(frozen=True)
class BadgeProgress:
    badge: Badge
    how_to_earn: str
    earned_at: datetime | None
    current: int
    target: int

    @property
    def earned(self) -> bool:
        return self.earned_at is not None

    @property
    def percent(self) -> int:
        if self.earned:
            return 100
        return min(99, self.current * 100 // max(self.target, 1))


def badges_for_user(*, user: User) -> list[BadgeProgress]:
    """Every active badge with the user's progress; earned first (newest first),
    then locked ones in catalogue order."""
    held = {h.badge_id: h.earned_at for h in UserBadge.objects.filter(user_id=user.pk)}
    facts = BadgeFacts(user)
    out = []
    for badge in Badge.objects.active():
        earned_at = held.get(badge.pk)
        current = badge.threshold if earned_at else badge_progress(badge, facts)
        out.append(
            BadgeProgress(
                badge=badge,
                how_to_earn=badge_how_to_earn(badge),
                earned_at=earned_at,
                current=min(current, badge.threshold),
                target=badge.threshold,
            )
        )
    earned = sorted((b for b in out if b.earned), key=lambda b: b.earned_at, reverse=True)  # type: ignore[arg-type, return-value]
    return earned + [b for b in out if not b.earned]


def active_days_for(user: User) -> list[date]:
    """Local dates (Asia/Shanghai) on which the user earned points."""
    return list(
        PointsEntry.objects.earned()
        .filter(user_id=user.pk, corrects__isnull=True)
        .annotate(day=TruncDate("created_at", tzinfo=REWARDS_TZ))
        .values_list("day", flat=True)
        .distinct()
    )


def streak_calendar_for(
    *, user: User, weeks: int = 6, today: date | None = None
) -> list[list[CalendarDay]]:
    return streak_calendar(active_days_for(user), today or local_today(), weeks=weeks)


# --- Leaderboards ----------------------------------------------------------------------

SCOPES = {
    "overall": gettext_lazy("全部"),
    "province": gettext_lazy("本省"),
    "city": gettext_lazy("本市"),
    "organisation": gettext_lazy("本单位"),
    "school": gettext_lazy("本校"),
}


class LeaderboardError(ValueError):
    """A leaderboard request that cannot be answered; ``message`` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    name: str
    points: int
    is_me: bool


@dataclass
class Leaderboard:
    scope: str
    week: date
    scope_name: str = ""
    # Why this scope has no board for the viewer (no region, no school…).
    unavailable: str = ""
    rows: list[LeaderboardRow] = field(default_factory=list)
    me: LeaderboardRow | None = None
    participants: int = 0
    opted_out: bool = False

    @property
    def week_label(self) -> str:
        return week_label(self.week)

    @property
    def week_end(self) -> date:
        return self.week + timedelta(days=6)

    @property
    def me_in_rows(self) -> bool:
        return any(row.is_me for row in self.rows)


def _display_name(user: User) -> str:
    name = user.public_name
    # Never show a phone number, even one typed in as a nickname.
    return phone_mask(name) if phone_looks_like(name) else name


def _scope_filter(viewer: User, scope: str, board: Leaderboard) -> dict[str, Any] | None:
    if scope == "overall":
        board.scope_name = _("全国")
        return {}
    if scope in ("province", "city"):
        region = region_get(viewer.region_code)
        if region is None:
            board.unavailable = _("请先在“我的”里填写所在地区，才能查看本地排行榜。")
            return None
        if scope == "province":
            board.scope_name = region_full_name(region.province_code)
            return {"province_code": region.province_code}
        if not region.city_code:
            board.unavailable = _("您填写的地区只到省一级，请在“我的”里选择所在城市。")
            return None
        board.scope_name = region_full_name(region.city_code)
        return {"city_code": region.city_code}
    affiliation = viewer.affiliation
    if affiliation is None:
        board.unavailable = _("请先在“我的”里填写所在学校、单位或社区。")
        return None
    if scope == "school" and affiliation.kind != OrganisationKind.SCHOOL:
        board.unavailable = _("您填写的所在单位不是学校；学生请在“我的”里选择自己的学校。")
        return None
    board.scope_name = affiliation.name
    return {"affiliation_id": affiliation.pk}


def leaderboard_get(*, viewer: User, scope: str, week: date, limit: int = 20) -> Leaderboard:
    """The top ``limit`` of a weekly board and the viewer's own place.

    Ranks are shared on ties (1, 2, 2, 4); among equal points whoever got there
    first is listed first. Opted-out users never appear; the viewer's own rank is
    given even outside the top, unless the viewer opted out.
    """
    if scope not in SCOPES:
        raise LeaderboardError(
            _("未知的排行榜范围：%(scope)s。可选：%(choices)s。")
            % {"scope": scope[:20], "choices": "、".join(SCOPES)}
        )
    board = Leaderboard(scope=scope, week=week)
    filters = _scope_filter(viewer, scope, board)
    if filters is None:
        return board
    scored = WeeklyScore.objects.filter(week=week, hidden=False, points__gt=0, **filters)
    top = scored.select_related("user").order_by("-points", "last_award_at", "user_id")[:limit]
    previous_points: int | None = None
    rank = 0
    for position, row in enumerate(top, start=1):
        if row.points != previous_points:
            rank, previous_points = position, row.points
        board.rows.append(
            LeaderboardRow(rank, _display_name(row.user), row.points, row.user_id == viewer.pk)
        )
    board.participants = scored.count()
    profile = RewardsProfile.objects.filter(user_id=viewer.pk).first()
    board.opted_out = bool(profile and profile.leaderboard_opt_out)
    mine = None if board.opted_out else scored.filter(user_id=viewer.pk).first()
    if mine is not None:
        my_rank = scored.filter(points__gt=mine.points).count() + 1
        board.me = LeaderboardRow(my_rank, _display_name(viewer), mine.points, True)
    return board


# --- Back office -----------------------------------------------------------------------

# Any back-office role of the user's school, employer or community may look.
LEDGER_VIEW_ROLES = STAFF_ROLES
LEDGER_CORRECT_ROLES = frozenset({Role.ORG_ADMIN})


def ledger_visible_to(viewer: AnyUser) -> Q | None:
    """Which ledger owners a staff member may see: everyone for platform admins,
    users affiliated with the viewer's organisations for their staff, else None."""
    if user_is_platform_admin(viewer):
        return Q()
    orgs = user_org_ids(viewer, LEDGER_VIEW_ROLES)
    if not orgs:
        return None
    return Q(user__affiliation_id__in=orgs)


def points_entry_get_for_corrector(*, user: AnyUser, entry_id: int) -> PointsEntry:
    """An entry the user may correct: platform admins any; organisation admins
    those of users affiliated with their organisation. PermissionDenied otherwise."""
    entry = PointsEntry.objects.select_related("user").filter(pk=entry_id).first()
    if entry is None:
        raise PermissionDenied
    if user_is_platform_admin(user):
        return entry
    orgs = user_org_ids(user, LEDGER_CORRECT_ROLES)
    if entry.user.affiliation_id is None or entry.user.affiliation_id not in orgs:
        raise PermissionDenied
    return entry


# --- Personal data ---------------------------------------------------------------------


def rewards_export(user: User) -> dict[str, Any]:
    """Personal-data export: the ledger, badges, streak and leaderboard weeks."""
    profile = rewards_profile_for(user)
    status = streak_status(profile.streak_state, local_today())
    return {
        "points_total": profile.points_total,
        "ledger": [
            {
                "activity": e.activity,
                "points": e.points,
                "reason": e.reason,
                "created_at": e.created_at.isoformat(),
                "corrects_activity": e.corrects.activity if e.corrects else None,
            }
            for e in ledger_for(user).order_by("created_at", "pk")
        ],
        "badges": [
            {"code": h.badge.code, "name": h.badge.name, "earned_at": h.earned_at.isoformat()}
            for h in UserBadge.objects.filter(user_id=user.pk).select_related("badge")
        ],
        "streak": {
            "current": status.current,
            "longest": profile.streak_longest,
            "active_days": profile.active_days,
            "last_active_on": (
                profile.last_active_on.isoformat() if profile.last_active_on else None
            ),
        },
        "leaderboard_opt_out": profile.leaderboard_opt_out,
        "weekly_points": [
            {"week": week_label(w.week), "points": w.points}
            for w in WeeklyScore.objects.filter(user_id=user.pk).order_by("week")
        ],
    }
