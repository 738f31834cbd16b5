from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisorConfig(AppConfig):
    name = "wanlixing.advisor"
    label = "advisor"
    verbose_name = _("智能顾问")
