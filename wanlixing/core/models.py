from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StarterLoad(models.Model):
    """Records that an app's starter data was loaded, so bootstrap loads it once."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    loaded_at = models.DateTimeField(_("加载时间"), auto_now_add=True)
    detail = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("初始数据加载记录")
        verbose_name_plural = _("初始数据加载记录")

    def __str__(self) -> str:
        return self.name
