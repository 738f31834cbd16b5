from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AntifraudConfig(AppConfig):
    name = "wanlixing.antifraud"
    label = "antifraud"
    verbose_name = _("反诈工具")
