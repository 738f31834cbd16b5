"""Event pages: the public page with registration, QR codes, staff check-in, online events."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from wanlixing.accounts.models import User
from wanlixing.accounts.regions import region_full_name
from wanlixing.lib.throttle import client_address, throttle_hit

from . import selectors, services
from .forms import CheckInForm, RegistrationForm
from .models import Event, Registration
from .qr import qr_response


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    upcoming = (
        Event.objects.public()
        .filter(ends_at__gte=timezone.now())
        .select_related("organisation")
        .order_by("starts_at")[:50]
    )
    return render(request, "outreach/event_list.html", {"events": upcoming})


@require_http_methods(["GET", "POST"])
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_public(event_id=pk)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if throttle_hit("register", client_address(request), limit=20, window_seconds=600):
            messages.error(request, _("提交过于频繁，请稍后再试。"))
        else:
            try:
                result = services.event_register(
                    event=event,
                    user=request.user if request.user.is_authenticated else None,
                    **{k: form.cleaned_data[k] for k in ("name", "phone", "audience", "age_band")},
                )
            except services.OutreachError as exc:
                form.add_error(None, exc.message)
            else:
                if not result.created:
                    messages.info(request, _("您已报名过本场活动，以下是您的参与码。"))
                return redirect("outreach:registered", code=result.registration.code)
    return render(
        request,
        "outreach/event_detail.html",
        {"event": event, "form": form, "region": region_full_name(event.region_code)},
    )


@require_GET
def registered(request: HttpRequest, code: str) -> HttpResponse:
    registration = (
        Registration.objects.select_related("event").filter(code=code.upper()[:8]).first()
    )
    if registration is None:
        raise Http404
    return render(request, "outreach/registered.html", {"registration": registration})


@require_GET
def event_qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    event = selectors.event_get_public(event_id=pk)
    return qr_response(_site(event.get_absolute_url()), fmt)


@require_GET
def code_qr(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    registration = Registration.objects.filter(code=code.upper()[:8]).first()
    if registration is None:
        raise Http404
    return qr_response(_site(reverse("surveys:hub", args=[registration.code])), fmt)


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for_staff(user=request.user, event_id=pk)
    staff = cast(User, request.user)
    form = CheckInForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            if "walk_in" in request.POST:
                registration = services.event_walk_in(
                    event=event,
                    by=staff,
                    audience=form.cleaned_data["audience"],
                )
                result = {"ok": True, "code": registration.code_display, "walk_in": True}
            else:
                outcome = services.event_check_in(
                    event=event,
                    code=form.cleaned_data["code"],
                    by=staff,
                )
                result = {
                    "ok": True,
                    "code": outcome.registration.code_display,
                    "again": not outcome.created,
                    "name": _mask_name(outcome.registration.participant.name),
                }
        except services.OutreachError as exc:
            result = {"ok": False, "message": exc.message}
        form = CheckInForm()
    event.refresh_from_db()
    return render(
        request, "outreach/check_in.html", {"event": event, "form": form, "result": result}
    )


def _mask_name(name: str) -> str:
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


@require_http_methods(["GET", "POST"])
def live(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_public(event_id=pk)
    if not event.is_online:
        raise Http404
    joined = None
    if request.method == "POST":
        if not request.session.session_key:
            request.session.save()
        key = (
            f"u:{request.user.pk}"
            if request.user.is_authenticated
            else f"s:{request.session.session_key}"
        )
        joined = services.event_online_participant_record(event=event, participant_key=key)
    else:
        services.event_online_view_record(event=event)
    return render(request, "outreach/live.html", {"event": event, "joined": joined})
