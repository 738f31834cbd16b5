from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivequizConfig(AppConfig):
    name = "wanlixing.livequiz"
    label = "livequiz"
    verbose_name = _("直播答题")

    def ready(self) -> None:
        from wanlixing.core import periodic
        from wanlixing.livequiz.tasks import live_games_flush_task

        # Workers flush every few seconds while they serve a game; this catches games
        # whose workers all died, and games that ended without being finished.
        periodic.register("livequiz-flush", every_seconds=60, task=live_games_flush_task)
