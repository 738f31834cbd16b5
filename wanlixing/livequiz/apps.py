from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivequizConfig(AppConfig):
    name = "wanlixing.livequiz"
    label = "livequiz"
    verbose_name = _("直播答题")
