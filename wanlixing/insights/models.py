"""Aggregate tables behind the dashboards, refreshed by a background task, and report jobs.

``FactSlice`` holds finished dashboard figures per campaign and filter value, so the
page reads one row instead of aggregating registrations and answers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wanlixing.outreach.models import Campaign


class SliceDimension(models.TextChoices):
    CAMPAIGN = "", "campaign"
    ORGANISATION = "organisation", "organisation"
    REGION = "region", "region"
    AUDIENCE = "audience", "audience"
    KIND = "kind", "kind"
    MONTH = "month", "month"


class FactSlice(models.Model):
    """The dashboard figures of one campaign with at most one filter, computed by the task.

    Unique people and the Wilcoxon test are not sums of smaller cells, so they are
    computed for every filter value (the whole campaign, each organisation, province,
    city, audience, event kind and month) when the facts are refreshed; the page then
    reads one row. Combinations of filters are computed from the raw tables.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=16, choices=SliceDimension.choices, blank=True)
    value = models.CharField(max_length=20, blank=True)
    figures = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "dimension", "value"], name="fact_slice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.dimension}={self.value}"


class FactRefresh(models.Model):
    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="+")
    refreshed_at = models.DateTimeField(null=True)
    duration_ms = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField(null=True)
    first_month = models.DateField(null=True)
    last_month = models.DateField(null=True)

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
