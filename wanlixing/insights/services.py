"""Insights workflows: refreshing the dashboard facts, building reports, exporting scores."""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from wanlixing.outreach.models import Campaign
from wanlixing.surveys.models import KnowledgeGain

from .aggregates import (
    Filters,
    campaign_months,
    month_values,
    slice_filters,
    slice_key_for,
)
from .columns import Columns, aggregates_from_columns, columns_load, slice_values
from .figures import figures_compute
from .models import FactRefresh, FactSlice, ReportFormat, ReportJob, ReportStatus
from .narrative import METHODS, narrative_draft

REFRESH_DEBOUNCE_SECONDS = 30


def facts_refresh_request(*, campaign_id: int) -> None:
    """Ask for the campaign's dashboard facts to be rebuilt soon (at most one queued job)."""
    from .tasks import facts_refresh_task

    if not cache.add(f"insights:refresh:{campaign_id}", 1, timeout=REFRESH_DEBOUNCE_SECONDS):
        return
    FactRefresh.objects.update_or_create(
        campaign_id=campaign_id, defaults={"requested_at": timezone.now()}
    )
    facts_refresh_task.enqueue(campaign_id)


def facts_refresh(*, campaign_id: int) -> int:
    """Recompute the campaign's dashboard slices from one read of its rows; returns how many.

    The rows are read once into columns (see ``columns``), every slice is computed from
    them, and the columns are kept as a snapshot for combined filters on the dashboard.
    """
    started = time.monotonic()
    cols = columns_load(campaign_id)
    first, last = campaign_months(campaign_id)
    slices = slices_compute(campaign_id, cols, first, last)
    refreshed_at = timezone.now()
    snapshot = snapshot_path(campaign_id, refreshed_at)
    cols.save(snapshot)
    with transaction.atomic():
        FactSlice.objects.filter(campaign_id=campaign_id).delete()
        FactSlice.objects.bulk_create(
            [
                FactSlice(campaign_id=campaign_id, dimension=dim, value=value, figures=figures)
                for (dim, value), figures in slices.items()
            ],
            batch_size=200,
        )
        FactRefresh.objects.update_or_create(
            campaign_id=campaign_id,
            defaults={
                "refreshed_at": refreshed_at,
                "duration_ms": int((time.monotonic() - started) * 1000),
                "first_month": first,
                "last_month": last,
            },
        )
    for older in snapshot.parent.glob(f"columns-{campaign_id}-*.npz"):
        if older != snapshot:
            older.unlink(missing_ok=True)
    cache.delete(f"insights:refresh:{campaign_id}")
    return len(slices)


def slices_compute(
    campaign_id: int, cols: Columns, first: dt.date | None, last: dt.date | None
) -> dict[tuple[str, str], dict[str, Any]]:
    """Figures of the whole campaign and of every single filter value that has data."""
    keys = [("", ""), *slice_values(cols), *(("month", m) for m in month_values(first, last))]
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for dim, value in keys:
        filters = slice_filters(campaign_id, dim, value)
        out[(dim, value)] = figures_compute(aggregates_from_columns(cols, filters), filters)
    return out


def snapshot_path(campaign_id: int, refreshed_at: dt.datetime) -> Path:
    """Where a refresh keeps the campaign's columns (no names, codes or phones).

    The name carries the refresh time, so a reader finds exactly the columns its slices
    were computed from (or none, and computes live).
    """
    stamp = int(refreshed_at.timestamp() * 1_000_000)
    return Path(settings.VAR_DIR) / "insights" / f"columns-{campaign_id}-{stamp}.npz"


def figures_live(filters: Filters) -> dict[str, Any]:
    """Figures computed now from the raw rows (exact)."""
    if filters.campaign_id is None:
        raise ValueError("figures need a campaign")
    return figures_compute(
        aggregates_from_columns(columns_load(filters.campaign_id), filters), filters
    )


def dashboard_figures(filters: Filters) -> tuple[dict[str, Any], dt.datetime | None]:
    """Figures for the dashboard and when they were computed.

    The whole campaign and any single filter come from the slices the refresh task
    keeps; a combination of filters is computed from the columns snapshot the same task
    saved (the same data as the slices), or from the raw rows when there is none yet.
    """
    state = None
    if filters.campaign_id is not None:
        state = FactRefresh.objects.filter(campaign_id=filters.campaign_id).first()
    if state is None or state.refreshed_at is None:
        return figures_live(filters), timezone.now()
    key = slice_key_for(filters, first_month=state.first_month, last_month=state.last_month)
    if key is not None:
        row = (
            FactSlice.objects.filter(campaign_id=state.campaign_id, dimension=key[0], value=key[1])
            .values_list("figures", flat=True)
            .first()
        )
        if row is not None:
            return row, state.refreshed_at
    try:
        cols = Columns.load(snapshot_path(state.campaign_id, state.refreshed_at))
    except (OSError, ValueError, KeyError):  # no snapshot (yet) or an unreadable one
        return figures_live(filters), timezone.now()
    return figures_compute(aggregates_from_columns(cols, filters), filters), state.refreshed_at


def campaign_report_data(*, campaign: Campaign, scope: frozenset[int] | None) -> dict[str, Any]:
    """Everything a campaign report shows, computed exactly from the raw tables.

    ``scope`` limits the report to organisations' events (None: the whole campaign).
    Contains no personal data: people appear only as counts.
    """
    filters = Filters(campaign_id=campaign.pk, scope=scope)
    figures = figures_live(filters)
    cost = figures["cost"]
    if scope is None and campaign.budget is not None:
        cost["budget"] = float(campaign.budget)
    organisers = [campaign.lead_organisation.name] + [
        o.name for o in campaign.organisations.exclude(pk=campaign.lead_organisation_id)
    ]
    return {
        "campaign": {
            "id": campaign.pk,
            "slug": campaign.slug,
            "name": campaign.name,
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(),
            "organisations": organisers,
            "budget": float(campaign.budget) if campaign.budget is not None else None,
        },
        "scope": sorted(scope) if scope is not None else None,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        **figures,
        "narrative": narrative_draft(campaign.name, figures),
        "methods": METHODS,
    }


def campaign_report_render(*, data: dict[str, Any], fmt: str, campaign: Campaign) -> bytes:
    """The report in one format: html, pdf, xlsx or json."""
    if fmt == ReportFormat.JSON:
        import json

        return json.dumps(data, ensure_ascii=False, indent=2).encode()
    if fmt == ReportFormat.HTML:
        from .report.html import report_html

        return report_html(data).encode()
    if fmt == ReportFormat.PDF:
        from .report.pdf import report_pdf

        return report_pdf(data)
    if fmt == ReportFormat.XLSX:
        from .report.xlsx import report_xlsx

        return report_xlsx(data, campaign=campaign)
    raise ValueError(f"unknown report format {fmt!r}")


def campaign_find(identifier: str) -> Campaign | None:
    """A campaign by slug or numeric id (the CAMPAIGN argument of the commands)."""
    campaign = Campaign.objects.filter(slug=identifier).first()
    if campaign is None and identifier.isdigit():
        campaign = Campaign.objects.filter(pk=int(identifier)).first()
    return campaign


def reports_dir() -> Path:
    path = Path(settings.VAR_DIR) / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def report_job_create(
    *, campaign: Campaign, user: Any, scope: frozenset[int] | None, fmt: str
) -> ReportJob:
    """Queue a report for building in the background."""
    from .tasks import report_build_task

    if fmt not in ReportFormat.values:
        raise ValueError(fmt)
    job = ReportJob.objects.create(
        campaign=campaign,
        requested_by=user,
        organisation_ids=sorted(scope) if scope is not None else None,
        format=fmt,
    )
    transaction.on_commit(lambda: report_build_task.enqueue(job.pk))
    return job


def report_job_build(*, job_id: int) -> ReportJob:
    job = ReportJob.objects.select_related("campaign").get(pk=job_id)
    if job.status == ReportStatus.DONE:
        return job
    ReportJob.objects.filter(pk=job.pk).update(status=ReportStatus.RUNNING)
    scope = frozenset(job.organisation_ids) if job.organisation_ids is not None else None
    try:
        data = campaign_report_data(campaign=job.campaign, scope=scope)
        content = campaign_report_render(data=data, fmt=job.format, campaign=job.campaign)
        path = reports_dir() / f"report-{job.pk}-{job.campaign.slug}.{job.format}"
        path.write_bytes(content)
        job.path = str(path)
        job.status = ReportStatus.DONE
    except Exception as exc:  # the page shows the failure instead of spinning forever
        job.status = ReportStatus.FAILED
        job.error = str(exc)[:300]
    job.finished_at = timezone.now()
    job.save(update_fields=["path", "status", "error", "finished_at"])
    return job


def scores_rows(*, campaign: Campaign, scope: frozenset[int] | None) -> Iterable[tuple]:
    """(participant_code, pre_score, post_score) for every coded knowledge-test taker."""
    qs = KnowledgeGain.objects.filter(campaign=campaign, registration__isnull=False)
    if scope is not None:
        qs = qs.filter(event__organisation_id__in=sorted(scope))
    return (
        qs.order_by("registration__code")
        .values_list("registration__code", "pre_score", "post_score")
        .iterator(chunk_size=20000)
    )


def scores_export_csv(*, campaign: Campaign, scope: frozenset[int] | None, out: Any) -> int:
    """Write ``participant_code,pre_score,post_score`` (codes only, never names or phones)."""
    writer = csv.writer(out)
    writer.writerow(["participant_code", "pre_score", "post_score"])
    count = 0
    for code, pre, post in scores_rows(campaign=campaign, scope=scope):
        writer.writerow([code, "" if pre is None else pre, "" if post is None else post])
        count += 1
    return count
