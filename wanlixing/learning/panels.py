"""Panels learning adds to the home page (为你推荐) and to 我的 (我的学习)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import recommend, selectors

HOME_ITEMS = 3


def home_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    if request.user.is_authenticated:
        path = recommend.path_for_user(request.user)
    else:
        path = recommend.path_for_segment(request.session.get("learning_segment", "other"))
    return "learning/panel_home.html", {"items": recommend.learning_steps(path, HOME_ITEMS)}


def me_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    summary = selectors.learner_summary(user=request.user)
    if summary is None:
        return None
    return "learning/panel_me.html", {"summary": summary}
