from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "wanlixing.alerts"
    label = "alerts"
    verbose_name = _("风险提示与通知")
