from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "wanlixing.surveys"
    label = "surveys"
    verbose_name = _("问卷调查")

    def ready(self) -> None:
        from wanlixing.accounts import personal_data

        from .privacy import responses_erase, responses_export

        # "event-answers" sorts before "outreach": answers are scrubbed while still linked.
        personal_data.register("event-answers", export=responses_export, erase=responses_erase)
