from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from wanlixing.rewards.models import Badge, BadgeRule


class BadgeFactory(DjangoModelFactory):
    class Meta:
        model = Badge

    code = factory.Sequence(lambda n: f"badge-{n}")
    name = factory.Sequence(lambda n: f"徽章{n}")
    description = "测试徽章"
    rule = BadgeRule.POINTS_TOTAL
    threshold = 10
    icon = "star"
    color = "gold"
