from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "wanlixing.outreach"
    label = "outreach"
    verbose_name = _("活动与服务")
    starter_order = 90

    def ready(self) -> None:
        from wanlixing.accounts import personal_data

        from .privacy import registrations_erase, registrations_export

        personal_data.register("outreach", export=registrations_export, erase=registrations_erase)

    def load_starter_data(self, stdout: Any) -> None:
        """A small demo campaign (300 participants) so the dashboard has something to show."""
        from .demo import DEMO_STARTER_SLUG, demo_campaign_build
        from .models import Campaign

        if Campaign.objects.filter(slug=DEMO_STARTER_SLUG).exists():
            stdout.write("演示活动已存在。")
            return
        campaign = demo_campaign_build(participants=300, slug=DEMO_STARTER_SLUG, progress=False)
        stdout.write(f"演示活动：{campaign.name}（{campaign.slug}）")
