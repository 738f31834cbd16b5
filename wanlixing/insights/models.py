"""Aggregate tables behind the dashboards, refreshed by a background task, and report jobs.

The grain of ``FactCell`` is (campaign, organisation, event kind, city, month,
urban/rural, audience): every filter of the dashboard is a condition on these
columns, so the page sums a few thousand rows instead of reading raw answers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Organisation
from wanlixing.outreach.models import Campaign


class FactCell(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, related_name="+"
    )
    kind = models.CharField(max_length=16, blank=True)
    city_code = models.CharField(max_length=6, blank=True)
    month = models.DateField(null=True)
    area_type = models.CharField(max_length=8, blank=True)
    audience = models.CharField(max_length=20, blank=True)
    registered = models.PositiveIntegerField(default=0)
    attended_onsite = models.PositiveIntegerField(default=0)
    attended_online = models.PositiveIntegerField(default=0)
    walk_ins = models.PositiveIntegerField(default=0)
    events_reached = models.PositiveIntegerField(default=0)
    cost_share = models.FloatField(default=0)
    kg_pre_n = models.PositiveIntegerField(default=0)
    kg_pre_sum = models.BigIntegerField(default=0)
    kg_post_n = models.PositiveIntegerField(default=0)
    kg_post_sum = models.BigIntegerField(default=0)
    kg_paired = models.PositiveIntegerField(default=0)
    kg_paired_pre_sum = models.BigIntegerField(default=0)
    kg_paired_post_sum = models.BigIntegerField(default=0)
    kg_diff_sum = models.BigIntegerField(default=0)
    kg_diff_sumsq = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["campaign", "organisation"])]

    def __str__(self) -> str:
        return f"FactCell {self.pk}"


class FactMeasure(models.Model):
    cell = models.ForeignKey(FactCell, on_delete=models.CASCADE, related_name="measures")
    metric = models.CharField(max_length=32)
    n = models.PositiveIntegerField()
    total = models.FloatField()
    high = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"FactMeasure {self.pk}"


class FactScoreBin(models.Model):
    """Histogram bins: ``which`` is d (post − pre, paired), pre or post (all scores)."""

    cell = models.ForeignKey(FactCell, on_delete=models.CASCADE, related_name="bins")
    which = models.CharField(max_length=4)
    value = models.SmallIntegerField()
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"FactScoreBin {self.pk}"


class FactPerson(models.Model):
    """Who attended in a cell: lets the dashboard count unique people for any filter."""

    cell = models.ForeignKey(FactCell, on_delete=models.CASCADE, related_name="+")
    participant_id = models.BigIntegerField()
    online = models.BooleanField()

    def __str__(self) -> str:
        return f"FactPerson {self.pk}"


class FactEvents(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, related_name="+"
    )
    kind = models.CharField(max_length=16, blank=True)
    city_code = models.CharField(max_length=6, blank=True)
    month = models.DateField(null=True)
    area_type = models.CharField(max_length=8, blank=True)
    events = models.PositiveIntegerField(default=0)
    online_events = models.PositiveIntegerField(default=0)
    cost = models.FloatField(default=0)
    materials = models.PositiveBigIntegerField(default=0)
    online_views = models.PositiveBigIntegerField(default=0)
    route_visits = models.PositiveIntegerField(default=0)
    route_people = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["campaign", "organisation"])]

    def __str__(self) -> str:
        return f"FactEvents {self.pk}"


class FactRefresh(models.Model):
    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="+")
    refreshed_at = models.DateTimeField(null=True)
    duration_ms = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"FactRefresh {self.pk}"


class ReportFormat(models.TextChoices):
    HTML = "html", "HTML"
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel (XLSX)"
    JSON = "json", "JSON"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ReportJob(models.Model):
    """A campaign report requested from the web, built by a background task."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    organisation_ids = models.JSONField(
        null=True, blank=True, help_text="scope: None = whole campaign"
    )
    format = models.CharField(_("格式"), max_length=8, choices=ReportFormat.choices)
    status = models.CharField(
        _("状态"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    path = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("报告任务")
        verbose_name_plural = _("报告任务")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.format} {self.status}"
