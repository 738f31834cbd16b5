"""Event pages: the public page with registration, QR codes, staff check-in, online events."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wanlixing.accounts.models import Organisation, User
from wanlixing.accounts.regions import region_full_name
from wanlixing.lib.throttle import client_address, throttle_hit

from . import selectors, services
from .forms import (
    CheckInForm,
    HoursForm,
    RegionFilterForm,
    RegistrationForm,
    RouteVisitForm,
    VolunteerApplyForm,
)
from .models import Event, Registration, RouteVisit, Training, Volunteer, VolunteerStatus
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


# --- Service stations and mobile routes --------------------------------------------------


@require_GET
def station_list(request: HttpRequest) -> HttpResponse:
    form = RegionFilterForm(request.GET or None)
    region = form.cleaned_data["region"] if form.is_valid() else ""
    stations = list(selectors.stations_public(region=region))
    routes = list(selectors.routes_public(region=region))
    for item in [*stations, *routes]:
        item.region_name = region_full_name(item.region_code) or item.region_code  # type: ignore[attr-defined]
    return render(
        request,
        "outreach/station_list.html",
        {"form": form, "stations": stations, "routes": routes, "region": region},
        status=200 if form.is_valid() or not request.GET else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def route_detail(request: HttpRequest, pk: int) -> HttpResponse:
    route = selectors.route_get_for_staff(user=request.user, route_id=pk)
    stops = list(route.stops.all())
    form = RouteVisitForm(request.POST or None, stops=stops)
    if request.method == "POST" and form.is_valid():
        stop = next(s for s in stops if s.pk == form.cleaned_data["stop"])
        try:
            services.route_visit_record(
                stop=stop,
                visited_on=form.cleaned_data["visited_on"],
                people_served=form.cleaned_data["people_served"],
                materials=form.cleaned_data["materials"] or 0,
                note=form.cleaned_data["note"],
                by=cast(User, request.user),
            )
        except services.OutreachError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录本次停靠服务。"))
            return redirect("outreach:route", pk=route.pk)
    visits = RouteVisit.objects.filter(stop__route=route).select_related("stop")[:30]
    return render(
        request,
        "outreach/route_detail.html",
        {"route": route, "stops": stops, "form": form, "visits": visits},
        status=400 if form.errors else 200,
    )


# --- Volunteers -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_home(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    volunteer = Volunteer.objects.filter(user=user).select_related("organisation").first()
    organisations = Organisation.objects.filter(is_active=True).order_by("name")
    form = VolunteerApplyForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        services.volunteer_apply(
            user=user,
            organisation_id=form.cleaned_data["organisation"],
            skills=form.cleaned_data["skills"],
            region_code=form.cleaned_data["region_code"],
            about=form.cleaned_data["about"],
        )
        messages.success(request, _("已提交志愿者申请，机构审核通过后即可报名岗位。"))
        return redirect("outreach:volunteer")
    context: dict = {"volunteer": volunteer, "form": form}
    if volunteer is not None:
        certified = set(volunteer.certifications.values_list("training_id", flat=True))
        context.update(
            trainings=[
                (t, t.pk in certified)
                for t in Training.objects.filter(
                    organisation_id=volunteer.organisation_id, is_active=True
                ).select_related("quiz", "article")
            ],
            shifts=selectors.shifts_open(volunteer=volunteer)
            if volunteer.status == VolunteerStatus.ACTIVE
            else [],
            signups=volunteer.signups.select_related("shift__event").order_by("-shift__starts_at"),
            hours_total=sum(
                (s.hours_confirmed or 0) for s in volunteer.signups.all() if s.hours_confirmed
            ),
        )
    return render(
        request, "outreach/volunteer_home.html", context, status=400 if form.errors else 200
    )


def _outcome(request: HttpRequest, action: Callable[[], object], success: str) -> None:
    try:
        action()
    except services.OutreachError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


@login_required
@require_POST
def shift_sign_up(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = Volunteer.objects.filter(user_id=request.user.pk or 0).first()
    if volunteer is None:
        raise Http404
    shift = selectors.shifts_open(volunteer=volunteer).filter(pk=pk).first()
    if shift is None:
        messages.error(request, _("该岗位不存在或已开始。"))
        return redirect("outreach:volunteer")
    _outcome(
        request,
        lambda: services.shift_sign_up(shift=shift, volunteer=volunteer),
        _("报名成功：%(title)s") % {"title": shift.title},
    )
    return redirect("outreach:volunteer")


@login_required
@require_POST
def signup_hours(request: HttpRequest, pk: int) -> HttpResponse:
    signup = selectors.signup_get_for_volunteer(user=request.user, signup_id=pk)
    form = HoursForm(request.POST)
    if not form.is_valid() or form.cleaned_data["hours"] is None:
        messages.error(request, _("时长应大于 0 且不超过 24 小时。"))
    else:
        _outcome(
            request,
            lambda: services.shift_hours_log(signup=signup, hours=form.cleaned_data["hours"]),
            _("已填报时长，等待组织者确认。"),
        )
    return redirect("outreach:volunteer")


@login_required
@require_POST
def signup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    signup = selectors.signup_get_for_volunteer(user=request.user, signup_id=pk)
    _outcome(request, lambda: services.shift_cancel(signup=signup), _("已取消报名。"))
    return redirect("outreach:volunteer")


@login_required
@require_POST
def training_certify(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = Volunteer.objects.filter(user_id=request.user.pk or 0).first()
    training = Training.objects.filter(pk=pk).select_related("quiz").first()
    if volunteer is None or training is None:
        raise Http404
    _outcome(
        request,
        lambda: services.training_certify(volunteer=volunteer, training=training),
        _("恭喜，已获得“%(title)s”认证。") % {"title": training.title},
    )
    return redirect("outreach:volunteer")


@login_required
@require_GET
def event_volunteers(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: the event's shifts, who signed up, and hours to confirm."""
    event = selectors.event_get_for_organiser(user=request.user, event_id=pk)
    shifts = event.shifts.prefetch_related("signups__volunteer__user")
    pending = Volunteer.objects.filter(
        organisation_id=event.organisation_id, status=VolunteerStatus.PENDING
    ).select_related("user")
    return render(
        request,
        "outreach/event_volunteers.html",
        {"event": event, "shifts": shifts, "pending": pending},
    )


@login_required
@require_POST
def signup_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    signup = selectors.signup_get_for_organiser(user=request.user, signup_id=pk)
    form = HoursForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("时长应大于 0 且不超过 24 小时。"))
    else:
        _outcome(
            request,
            lambda: services.shift_hours_confirm(
                signup=signup, by=cast(User, request.user), hours=form.cleaned_data["hours"]
            ),
            _("已确认服务时长。"),
        )
    return redirect("outreach:event_volunteers", pk=signup.shift.event_id)


@login_required
@require_POST
def volunteer_approve(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = selectors.volunteer_get_for_organiser(user=request.user, volunteer_id=pk)
    _outcome(
        request,
        lambda: services.volunteer_approve(volunteer=volunteer, by=cast(User, request.user)),
        _("已通过志愿者申请。"),
    )
    back = request.POST.get("event")
    if back and back.isdigit():
        return redirect("outreach:event_volunteers", pk=int(back))
    return redirect("outreach:volunteer")


@require_GET
def volunteer_leaderboard(request: HttpRequest) -> HttpResponse:
    rows = selectors.volunteer_leaderboard()
    return render(request, "outreach/volunteer_leaderboard.html", {"rows": rows})
