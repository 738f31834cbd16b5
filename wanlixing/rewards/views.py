from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from wanlixing.accounts.models import User

from . import selectors, services
from .badge_art import badge_svg
from .forms import LeaderboardSettingForm
from .models import Badge
from .selectors import SCOPES, LeaderboardError
from .weeks import FIRST_WEEK, WeekError, local_today, week_label, week_parse, week_start

# Column heads of the streak calendar, Monday first.
WEEKDAYS = [
    pgettext_lazy("weekday, short", "一"),
    pgettext_lazy("weekday, short", "二"),
    pgettext_lazy("weekday, short", "三"),
    pgettext_lazy("weekday, short", "四"),
    pgettext_lazy("weekday, short", "五"),
    pgettext_lazy("weekday, short", "六"),
    pgettext_lazy("weekday, short", "日"),
]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    summary = selectors.rewards_summary(user=_user(request))
    return render(request, "rewards/overview.html", {"summary": summary, "tab": "overview"})


@login_required
@require_GET
def points(request: HttpRequest) -> HttpResponse:
    page = selectors.ledger_page(user=_user(request), page=request.GET.get("page") or 1)
    summary = selectors.rewards_summary(user=_user(request))
    return render(
        request, "rewards/points.html", {"page": page, "summary": summary, "tab": "points"}
    )


@login_required
@require_GET
def badges(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    progress = selectors.badges_for_user(user=user)
    unseen = {b.badge_id for b in selectors.rewards_summary(user=user).unseen_badges}
    services.badges_mark_seen(user=user)
    return render(
        request,
        "rewards/badges.html",
        {
            "earned": [p for p in progress if p.earned],
            "locked": [p for p in progress if not p.earned],
            "unseen": unseen,
            "tab": "badges",
        },
    )


@require_GET
def badge_art(request: HttpRequest, code: str) -> HttpResponse:
    """The badge medallion as a standalone SVG, for app clients."""
    badge = Badge.objects.active().filter(code=code).first()
    if badge is None:
        raise Http404
    locked = request.GET.get("locked") == "1"
    response = HttpResponse(
        badge_svg(badge.icon, badge.color, locked=locked, size=96),
        content_type="image/svg+xml; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
@require_GET
def streak(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = local_today()
    summary = selectors.rewards_summary(user=user, today=today)
    calendar = selectors.streak_calendar_for(user=user, weeks=6, today=today)
    return render(
        request,
        "rewards/streak.html",
        {
            "summary": summary,
            "calendar": calendar,
            "weekdays": WEEKDAYS,
            "today": today,
            "tab": "streak",
        },
    )


@login_required
@require_GET
def leaderboard(request: HttpRequest) -> HttpResponse:
    scope = request.GET.get("scope") or "overall"
    context: dict[str, Any] = {"tab": "leaderboard", "scopes": SCOPES.items(), "scope": scope}
    today = local_today()
    try:
        week_text = request.GET.get("week")
        week = week_parse(week_text, today=today) if week_text else week_start(today)
        board = selectors.leaderboard_get(viewer=_user(request), scope=scope, week=week)
    except (WeekError, LeaderboardError) as exc:
        context["error"] = exc.message
        return render(request, "rewards/leaderboard.html", context, status=400)
    previous = week - timedelta(days=7)
    following = week + timedelta(days=7)
    context.update(
        {
            "board": board,
            "is_current_week": week == week_start(today),
            "previous_week": week_label(previous) if previous >= FIRST_WEEK else "",
            "next_week": week_label(following) if following <= week_start(today) else "",
        }
    )
    return render(request, "rewards/leaderboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    profile = selectors.rewards_profile_for(user)
    form = LeaderboardSettingForm(
        request.POST if request.method == "POST" else None,
        initial={"opt_out": profile.leaderboard_opt_out},
    )
    if request.method == "POST" and form.is_valid():
        opt_out = form.cleaned_data["opt_out"]
        services.leaderboard_opt_out_set(user=user, opt_out=opt_out)
        if opt_out:
            messages.success(request, _("已退出排行榜：您的名字不会出现在任何排行榜上。"))
        else:
            messages.success(request, _("已加入排行榜。"))
        return redirect("rewards:settings")
    return render(request, "rewards/settings.html", {"form": form, "tab": "settings"})


def me_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    if not request.user.is_authenticated:
        return None
    return "rewards/panel_me.html", {"summary": selectors.rewards_summary(user=_user(request))}


def home_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    if not request.user.is_authenticated:
        return None
    return "rewards/panel_home.html", {"summary": selectors.rewards_summary(user=_user(request))}
