from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

ELDER_COOKIE = "wlx_elder"

# The platform's areas as people see them in the navigation bar.
NAV = [
    ("home", _("首页"), "/"),
    ("library", _("知识库"), "/library/"),
    ("learn", _("闯关答题"), "/learn/"),
    ("antifraud", _("反诈工具"), "/antifraud/"),
    ("advisor", _("智能顾问"), "/advisor/"),
    ("help", _("求助"), "/help/"),
    ("events", _("活动"), "/events/"),
    ("me", _("我的"), "/accounts/me/"),
]


def elder_mode_for(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.elder_mode)
    return request.COOKIES.get(ELDER_COOKIE) == "1"


def shell(request: HttpRequest) -> dict[str, Any]:
    path = request.path
    current = "home"
    for key, _label, url in NAV[1:]:
        if path.startswith(url):
            current = key
    return {"nav_items": NAV, "nav_current": current, "elder_mode": elder_mode_for(request)}
