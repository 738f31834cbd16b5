"""The impact dashboard and campaign report downloads (organisers, analysts, org admins)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from wanlixing.accounts.selectors import organisations_for_user

from . import selectors, services
from .forms import DashboardFilterForm
from .models import ReportFormat, ReportJob, ReportStatus
from .narrative import METHODS
from .selectors import INSIGHT_ROLES


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = selectors.insight_scope(request.user)
    campaigns = selectors.campaigns_for_analyst(request.user)
    data = request.GET.copy()
    if not data.get("campaign"):
        first = campaigns.first()
        if first is None:
            return render(request, "insights/dashboard.html", {"no_campaign": True})
        data["campaign"] = str(first.pk)
    form = DashboardFilterForm(
        data,
        campaigns=campaigns,
        organisations=organisations_for_user(request.user, *INSIGHT_ROLES),
    )
    figures = refreshed = None
    if form.is_valid():
        figures, refreshed = services.dashboard_figures(form.filters(scope))
    return render(
        request,
        "insights/dashboard.html",
        {
            "form": form,
            "figures": figures,
            "refreshed": refreshed,
            "methods": METHODS,
            "campaign": form.cleaned_data.get("campaign") if form.is_valid() else None,
            "formats": ReportFormat.choices,
        },
        status=200 if form.is_valid() else 400,
    )


@login_required
@require_POST
def refresh(request: HttpRequest, campaign_id: int) -> HttpResponse:
    selectors.insight_scope(request.user)
    campaign = selectors.campaign_get_for_analyst(user=request.user, campaign_id=campaign_id)
    services.facts_refresh_request(campaign_id=campaign.pk)
    return redirect(f"/insights/?campaign={campaign.pk}")


@login_required
@require_POST
def report_request(request: HttpRequest, campaign_id: int) -> HttpResponse:
    scope = selectors.insight_scope(request.user)
    campaign = selectors.campaign_get_for_analyst(user=request.user, campaign_id=campaign_id)
    fmt = request.POST.get("format", "")
    if fmt not in ReportFormat.values:
        raise Http404
    job = services.report_job_create(campaign=campaign, user=request.user, scope=scope, fmt=fmt)
    return redirect("insights:report", job_id=job.pk)


def _job(request: HttpRequest, job_id: int) -> ReportJob:
    selectors.insight_scope(request.user)
    job = (
        ReportJob.objects.select_related("campaign")
        .filter(pk=job_id, requested_by_id=request.user.pk)
        .first()
    )
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def report(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "insights/report_status.html", {"job": _job(request, job_id)})


@login_required
@require_GET
def report_status(request: HttpRequest, job_id: int) -> JsonResponse:
    job = _job(request, job_id)
    return JsonResponse(
        {"status": job.status, "label": job.get_status_display(), "error": job.error}
    )


@login_required
@require_GET
def report_download(request: HttpRequest, job_id: int) -> FileResponse:
    job = _job(request, job_id)
    if job.status != ReportStatus.DONE or not job.path or not Path(job.path).exists():
        raise Http404
    name = f"{job.campaign.slug}-report.{job.format}"
    return FileResponse(Path(job.path).open("rb"), as_attachment=True, filename=name)
