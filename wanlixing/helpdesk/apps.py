from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "wanlixing.helpdesk"
    label = "helpdesk"
    verbose_name = _("咨询与投诉")
