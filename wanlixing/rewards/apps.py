from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "wanlixing.rewards"
    label = "rewards"
    verbose_name = _("积分与激励")
    starter_order = 25

    def ready(self) -> None:
        from wanlixing.accounts import personal_data
        from wanlixing.core import panels

        from .selectors import rewards_export
        from .services import rewards_erase
        from .views import home_panel, me_panel

        panels.register("me", "rewards", order=20, render=me_panel)
        panels.register("home", "rewards", order=20, render=home_panel)
        personal_data.register("rewards", export=rewards_export, erase=rewards_erase)

    def load_starter_data(self, stdout: Any) -> None:
        from .services import badges_load_starter

        created, present = badges_load_starter()
        stdout.write(f"  徽章：新增 {created} 枚，已有 {present} 枚。")
