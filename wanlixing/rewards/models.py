from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PointsEntry(models.Model):
    """One line of the append-only points ledger.

    ``activity`` names what earned the points (``quiz:42:level:3``, ``drill:fake-loan``,
    ``livequiz:game:17``); a user earns points for an activity once, so repeating a
    quiz cannot farm points. Entries are never updated or deleted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_entries"
    )
    activity = models.CharField(_("活动"), max_length=120)
    points = models.IntegerField(_("积分"))
    reason = models.CharField(_("原因"), max_length=200)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        constraints = [
            models.UniqueConstraint(fields=["user", "activity"], name="points_once_per_activity")
        ]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.points:+d} {self.reason}"
