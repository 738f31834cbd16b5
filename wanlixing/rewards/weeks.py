"""Local days and ISO weeks for rewards: the campaign runs on China Standard Time.

A streak day and a leaderboard week are reckoned in Asia/Shanghai whatever the
server's clock zone, so that a learner in Ürümqi and a server in UTC agree with
the poster on the community notice board.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

REWARDS_TZ = ZoneInfo("Asia/Shanghai")
# The earliest week a leaderboard can be asked for (the platform did not exist before).
FIRST_WEEK = date(2024, 1, 1)

_WEEK_RE = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")


class WeekError(ValueError):
    """A week parameter that cannot be used; ``message`` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def local_date(moment: datetime) -> date:
    return moment.astimezone(REWARDS_TZ).date()


def local_today() -> date:
    return local_date(timezone.now())


def week_start(day: date) -> date:
    """The Monday of the ISO week containing ``day``."""
    return day - timedelta(days=day.weekday())


def week_label(monday: date) -> str:
    """``2026-W48``: the ISO week name used in URLs and the API."""
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def week_parse(text: str, *, today: date | None = None) -> date:
    """The Monday of an ISO week written ``2026-W48``; WeekError with a Chinese message."""
    match = _WEEK_RE.match(text or "")
    if match is None:
        raise WeekError(
            _("周的格式不正确：%(text)s。请写成“年-W周数”，例如 2026-W48。")
            % {"text": repr(text[:20])}
        )
    year, number = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise WeekError(
            _("%(year)d 年没有第 %(week)d 周。") % {"year": year, "week": number}
        ) from None
    current = week_start(today or local_today())
    if monday > current:
        raise WeekError(_("不能查看未来的周。"))
    if monday < FIRST_WEEK:
        raise WeekError(_("只能查看 %(week)s 及以后的周。") % {"week": week_label(FIRST_WEEK)})
    return monday
