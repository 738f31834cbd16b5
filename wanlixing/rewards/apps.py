from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "wanlixing.rewards"
    label = "rewards"
    verbose_name = _("积分与激励")
