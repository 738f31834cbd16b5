"""Rewards API: /api/v1/rewards/ — summary, ledger, badges, streak, leaderboards, settings.

Query parameters are parsed here so that a malformed value gets a 400 with a
Chinese message naming the parameter, never a 500.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema

from wanlixing.accounts.models import User
from wanlixing.core.api import AUTH, ApiError

from . import selectors, services
from .models import Badge
from .selectors import SCOPES, LeaderboardError
from .streaks import StreakStatus
from .weeks import WeekError, local_today, week_label, week_parse, week_start

router = Router(tags=["rewards"])


class StreakOut(Schema):
    current: int = Field(..., description="今天显示的连续天数（今天还没学习时也保留到今天结束）")
    longest: int
    active_today: bool
    at_risk: bool = Field(..., description="连续中但今天还没学习")
    freeze_used_this_week: bool
    covered_days: list[date] = Field(..., description="被自动冻结保住的错过日期")


class BadgeBriefOut(Schema):
    code: str
    name: str
    art_url: str
    earned_at: datetime


class SummaryOut(Schema):
    points_total: int
    points_this_week: int
    week: str
    streak: StreakOut
    active_days: int
    badges_earned: int
    badges_total: int
    latest_badges: list[BadgeBriefOut]
    leaderboard_opt_out: bool


class EntryOut(Schema):
    id: int
    activity: str
    points: int
    reason: str
    created_at: datetime
    corrects_id: int | None = Field(None, description="更正记录所更正的原记录 id")


class LedgerOut(Schema):
    items: list[EntryOut]
    page: int
    pages: int
    page_size: int
    total: int


class BadgeOut(Schema):
    code: str
    name: str
    description: str
    how_to_earn: str
    icon: str
    color: str
    art_url: str
    earned: bool
    earned_at: datetime | None
    progress: int
    target: int


class CalendarDayOut(Schema):
    date: date
    status: str = Field(..., description="active / freeze / missed / today / future")


class StreakDetailOut(Schema):
    streak: StreakOut
    active_days: int
    weeks: list[list[CalendarDayOut]]


class LeaderboardRowOut(Schema):
    rank: int
    name: str
    points: int
    is_me: bool


class LeaderboardOut(Schema):
    scope: str
    scope_label: str
    scope_name: str
    week: str
    week_start: date
    week_end: date
    available: bool
    unavailable_reason: str
    rows: list[LeaderboardRowOut]
    me: LeaderboardRowOut | None
    participants: int
    opted_out: bool


class SettingsIn(Schema):
    leaderboard_opt_out: bool


class SettingsOut(Schema):
    leaderboard_opt_out: bool


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _int_param(value: str | None, name: str, *, default: int, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    text = value.strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise ApiError(
            400,
            "invalid_param",
            f"参数 {name} 应为 {low} 到 {high} 之间的整数，收到：{value[:20]!r}。",
        )
    return int(text)


def _art_url(badge: Badge, *, locked: bool = False) -> str:
    url = reverse("rewards:badge_art", args=[badge.code])
    return url + "?locked=1" if locked else url


def _streak(status: StreakStatus) -> StreakOut:
    return StreakOut(
        current=status.current,
        longest=status.longest,
        active_today=status.active_today,
        at_risk=status.at_risk,
        freeze_used_this_week=status.freeze_used_this_week,
        covered_days=list(status.covered_days),
    )


@router.get("/me", auth=AUTH, response=SummaryOut, summary="我的积分、连续天数和徽章")
def me(request: HttpRequest) -> SummaryOut:
    today = local_today()
    summary = selectors.rewards_summary(user=_user(request), today=today)
    return SummaryOut(
        points_total=summary.points_total,
        points_this_week=summary.points_this_week,
        week=week_label(week_start(today)),
        streak=_streak(summary.streak),
        active_days=summary.active_days,
        badges_earned=summary.badges_earned,
        badges_total=summary.badges_total,
        latest_badges=[
            BadgeBriefOut(
                code=h.badge.code,
                name=h.badge.name,
                art_url=_art_url(h.badge),
                earned_at=h.earned_at,
            )
            for h in summary.latest_badges
        ],
        leaderboard_opt_out=summary.leaderboard_opt_out,
    )


@router.get("/ledger", auth=AUTH, response=LedgerOut, summary="积分记录（分页，最新的在前）")
def ledger(
    request: HttpRequest, page: str | None = None, page_size: str | None = None
) -> LedgerOut:
    number = _int_param(page, "page", default=1, low=1, high=100_000)
    size = _int_param(page_size, "page_size", default=20, low=1, high=100)
    paginator = Paginator(selectors.ledger_for(_user(request)), size)
    try:
        items = list(paginator.page(number).object_list)
    except EmptyPage:
        items = []
    return LedgerOut(
        items=[
            EntryOut(
                id=e.pk,
                activity=e.activity,
                points=e.points,
                reason=e.reason,
                created_at=e.created_at,
                corrects_id=e.corrects_id,
            )
            for e in items
        ],
        page=number,
        pages=paginator.num_pages if paginator.count else 0,
        page_size=size,
        total=paginator.count,
    )


@router.get("/badges", auth=AUTH, response=list[BadgeOut], summary="全部徽章与我的进度")
def badges(request: HttpRequest) -> list[BadgeOut]:
    return [
        BadgeOut(
            code=p.badge.code,
            name=p.badge.name,
            description=p.badge.description,
            how_to_earn=p.how_to_earn,
            icon=p.badge.icon,
            color=p.badge.color,
            art_url=_art_url(p.badge, locked=not p.earned),
            earned=p.earned,
            earned_at=p.earned_at,
            progress=p.current,
            target=p.target,
        )
        for p in selectors.badges_for_user(user=_user(request))
    ]


@router.get("/streak", auth=AUTH, response=StreakDetailOut, summary="连续学习与学习日历")
def streak(request: HttpRequest, weeks: str | None = None) -> StreakDetailOut:
    count = _int_param(weeks, "weeks", default=6, low=1, high=26)
    today = local_today()
    summary = selectors.rewards_summary(user=_user(request), today=today)
    calendar = selectors.streak_calendar_for(user=_user(request), weeks=count, today=today)
    return StreakDetailOut(
        streak=_streak(summary.streak),
        active_days=summary.active_days,
        weeks=[[CalendarDayOut(date=c.day, status=c.status) for c in row] for row in calendar],
    )


@router.get(
    "/leaderboards",
    auth=AUTH,
    response=LeaderboardOut,
    summary="每周排行榜",
    description="scope：overall（全部）、province（本省）、city（本市）、organisation（本单位）、"
    "school（本校）；week：ISO 周，如 2026-W48，默认本周；limit：前几名，1–100。",
)
def leaderboards(
    request: HttpRequest,
    scope: str = "overall",
    week: str | None = None,
    limit: str | None = None,
) -> LeaderboardOut:
    size = _int_param(limit, "limit", default=20, low=1, high=100)
    try:
        monday = week_parse(week) if week else week_start(local_today())
        board = selectors.leaderboard_get(
            viewer=_user(request), scope=scope, week=monday, limit=size
        )
    except WeekError as exc:
        raise ApiError(400, "invalid_week", exc.message) from None
    except LeaderboardError as exc:
        raise ApiError(400, "invalid_scope", exc.message) from None

    def row(r: selectors.LeaderboardRow) -> LeaderboardRowOut:
        return LeaderboardRowOut(rank=r.rank, name=r.name, points=r.points, is_me=r.is_me)

    return LeaderboardOut(
        scope=board.scope,
        scope_label=str(SCOPES[board.scope]),
        scope_name=board.scope_name,
        week=board.week_label,
        week_start=board.week,
        week_end=board.week_end,
        available=not board.unavailable,
        unavailable_reason=board.unavailable,
        rows=[row(r) for r in board.rows],
        me=row(board.me) if board.me else None,
        participants=board.participants,
        opted_out=board.opted_out,
    )


@router.get("/settings", auth=AUTH, response=SettingsOut, summary="积分设置")
def settings_get(request: HttpRequest) -> SettingsOut:
    profile = selectors.rewards_profile_for(_user(request))
    return SettingsOut(leaderboard_opt_out=profile.leaderboard_opt_out)


@router.post("/settings", auth=AUTH, response=SettingsOut, summary="退出或加入排行榜")
def settings_set(request: HttpRequest, payload: SettingsIn) -> SettingsOut:
    profile = services.leaderboard_opt_out_set(
        user=_user(request), opt_out=payload.leaderboard_opt_out
    )
    return SettingsOut(leaderboard_opt_out=profile.leaderboard_opt_out)
