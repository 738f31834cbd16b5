"""Prepare a database for use: migrate, load starter data once, ensure a platform admin.

Apps contribute starter data by defining ``load_starter_data(self, stdout)`` on
their AppConfig (and optionally ``starter_order``, lower first). Each loader runs
once per database; ``--reload-starter`` runs them again (they are idempotent).
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from wanlixing.accounts.models import User
from wanlixing.core.models import StarterLoad


class Command(BaseCommand):
    help = "迁移数据库、首次加载初始内容与演示活动、创建平台管理员。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-starter", action="store_true", help="不加载初始内容")
        parser.add_argument(
            "--reload-starter", action="store_true", help="重新运行所有初始数据加载器"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库迁移完成。")
        if not options["no_starter"]:
            self._load_starter(reload=options["reload_starter"])
        self._ensure_admin()

    def _load_starter(self, *, reload: bool) -> None:
        configs = [c for c in apps.get_app_configs() if hasattr(c, "load_starter_data")]
        configs.sort(key=lambda c: getattr(c, "starter_order", 100))
        for config in configs:
            done = StarterLoad.objects.filter(name=config.label).exists()
            if done and not reload:
                continue
            self.stdout.write(f"加载初始数据：{config.verbose_name} …")
            config.load_starter_data(self.stdout)
            StarterLoad.objects.update_or_create(name=config.label, defaults={"detail": "ok"})

    def _ensure_admin(self) -> None:
        username = settings.ADMIN_USERNAME
        if User.objects.filter(is_superuser=True).exists():
            return
        password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        with transaction.atomic():
            User.objects.create_superuser(username=username, password=password, email="")
        self.stdout.write(self.style.SUCCESS(f"已创建平台管理员 {username}"))
        if not os.environ.get("ADMIN_PASSWORD"):
            self.stdout.write(self.style.WARNING(f"管理员初始密码（只显示这一次）：{password}"))
