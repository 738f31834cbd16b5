from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from wanlixing.rewards.badge_art import badge_svg
from wanlixing.rewards.models import Badge

register = template.Library()


@register.simple_tag
def badge_art(badge: Badge, locked: bool = False, size: int = 56) -> SafeString:
    """``{% badge_art badge locked=True size=48 %}``: the badge's medallion."""
    return badge_svg(badge.icon, badge.color, locked=locked, size=size)
