"""Panels that apps contribute to shared pages (the home page, 我的).

An app registers a panel in its ``AppConfig.ready``::

    panels.register("home", "alerts", order=10, render=alerts_panel)
    panels.register("me", "points", order=20, render=my_points_panel)

``render(request)`` returns ``(template_name, context)`` or None to skip the panel.
A panel that fails is logged and left out; the page always renders.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

log = logging.getLogger(__name__)

PanelRender = Callable[[HttpRequest], tuple[str, dict[str, Any]] | None]
SLOTS = ("home", "me")


@dataclass(frozen=True)
class Panel:
    slot: str
    name: str
    order: int
    render: PanelRender


_panels: dict[tuple[str, str], Panel] = {}


def register(slot: str, name: str, *, order: int, render: PanelRender) -> None:
    if slot not in SLOTS:
        raise ValueError(f"unknown panel slot {slot!r}")
    _panels[(slot, name)] = Panel(slot, name, order, render)


def render_slot(slot: str, request: HttpRequest) -> list[SafeString]:
    out = []
    chosen = [p for p in _panels.values() if p.slot == slot]
    for panel in sorted(chosen, key=lambda p: (p.order, p.name)):
        try:
            result = panel.render(request)
            if result is None:
                continue
            template, context = result
            out.append(mark_safe(render_to_string(template, context, request=request)))  # noqa: S308
        except Exception:
            log.exception("%s panel %s failed", slot, panel.name)
    return out
