from __future__ import annotations

from pathlib import Path
from typing import TextIO

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

STARTER_DIR = Path(__file__).parent / "starter"


class LearningConfig(AppConfig):
    name = "wanlixing.learning"
    label = "learning"
    verbose_name = _("学习与测评")
    starter_order = 20

    def ready(self) -> None:
        from wanlixing.accounts import personal_data
        from wanlixing.core import panels as core_panels

        from . import panels
        from .privacy import learning_data_erase, learning_data_export

        personal_data.register("learning", export=learning_data_export, erase=learning_data_erase)
        core_panels.register("home", "learning-path", order=30, render=panels.home_panel)
        core_panels.register("me", "learning", order=30, render=panels.me_panel)

    def load_starter_data(self, stdout: TextIO) -> None:
        """Load the starter question bank, literacy forms and risk self-test (idempotent)."""
        from .bank import starter_load

        if not (STARTER_DIR / "questions").is_dir():
            stdout.write("学习与测评：没有找到初始题库，跳过。\n")
            return
        counts = starter_load(STARTER_DIR, stdout=stdout)
        stdout.write(
            "题库：新增 {created}，更新 {updated}，未变化 {unchanged}；"
            "测评题 {literacy_items}；新建测验 {quizzes_created}。\n".format(**counts)
        )
