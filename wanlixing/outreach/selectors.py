"""Reads and access checks for outreach."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from wanlixing.accounts.models import Role
from wanlixing.accounts.selectors import AnyUser, user_has_role, user_is_platform_admin
from wanlixing.lib.phone import phone_looks_like

from .models import Event, Route, Shift, ShiftSignup, SignupStatus, Station, Volunteer


def event_get_public(*, event_id: int) -> Event:
    event = Event.objects.public().select_related("campaign", "organisation").filter(pk=event_id)
    found = event.first()
    if found is None:
        raise Http404
    return found


def event_get_for_staff(*, user: AnyUser, event_id: int) -> Event:
    """The event if the user works it: its organisation's organisers, admins, volunteers,
    or a person named in its staff. PermissionDenied otherwise."""
    event = Event.objects.select_related("campaign", "organisation").filter(pk=event_id).first()
    if event is None:
        raise Http404
    if user_is_platform_admin(user):
        return event
    if user_has_role(user, event.organisation_id, Role.ORGANISER, Role.ORG_ADMIN, Role.VOLUNTEER):
        return event
    if user.is_authenticated and event.staff.filter(pk=user.pk).exists():
        return event
    raise PermissionDenied


def stations_public(*, region: str = "") -> QuerySet[Station]:
    """Open stations, optionally inside a province (2 digits) or city (4 digits)."""
    qs = (
        Station.objects.filter(is_active=True)
        .select_related("organisation")
        .prefetch_related("hours")
    )
    if region:
        qs = qs.filter(region_code__startswith=region)
    return qs


def routes_public(*, region: str = "") -> QuerySet[Route]:
    qs = Route.objects.filter(is_active=True).select_related("organisation")
    if region:
        qs = qs.filter(region_code__startswith=region)
    return qs.prefetch_related("stops")


def route_get_for_staff(*, user: AnyUser, route_id: int) -> Route:
    """The route if the user may record its visits: its organisation's organisers and
    admins, or the people named as its staff. PermissionDenied otherwise."""
    route = Route.objects.select_related("organisation").filter(pk=route_id).first()
    if route is None:
        raise Http404
    if user_is_platform_admin(user):
        return route
    if user_has_role(user, route.organisation_id, Role.ORGANISER, Role.ORG_ADMIN):
        return route
    if user.is_authenticated and route.staff.filter(pk=user.pk).exists():
        return route
    raise PermissionDenied


def event_get_for_organiser(*, user: AnyUser, event_id: int) -> Event:
    """The event if the user organises it (organiser or admin of its organisation)."""
    event = Event.objects.select_related("campaign", "organisation").filter(pk=event_id).first()
    if event is None:
        raise Http404
    if user_is_platform_admin(user) or user_has_role(
        user, event.organisation_id, Role.ORGANISER, Role.ORG_ADMIN
    ):
        return event
    raise PermissionDenied


def signup_get_for_volunteer(*, user: AnyUser, signup_id: int) -> ShiftSignup:
    signup = (
        ShiftSignup.objects.select_related("shift__event", "volunteer")
        .filter(pk=signup_id, volunteer__user_id=user.pk or 0)
        .first()
    )
    if signup is None:
        raise Http404
    return signup


def signup_get_for_organiser(*, user: AnyUser, signup_id: int) -> ShiftSignup:
    signup = (
        ShiftSignup.objects.select_related("shift__event", "volunteer__user")
        .filter(pk=signup_id)
        .first()
    )
    if signup is None:
        raise Http404
    event_get_for_organiser(user=user, event_id=signup.shift.event_id)
    return signup


def volunteer_get_for_organiser(*, user: AnyUser, volunteer_id: int) -> Volunteer:
    volunteer = Volunteer.objects.select_related("user").filter(pk=volunteer_id).first()
    if volunteer is None:
        raise Http404
    if user_is_platform_admin(user) or user_has_role(
        user, volunteer.organisation_id, Role.ORGANISER, Role.ORG_ADMIN
    ):
        return volunteer
    raise PermissionDenied


def shifts_open(*, volunteer: Volunteer) -> QuerySet[Shift]:
    """Upcoming shifts of the volunteer's organisation, with places taken."""
    return (
        Shift.objects.filter(
            event__organisation_id=volunteer.organisation_id,
            event__is_cancelled=False,
            starts_at__gt=timezone.now(),
        )
        .select_related("event")
        .annotate(taken=Count("signups", filter=~Q(signups__status=SignupStatus.CANCELLED)))
        .order_by("starts_at")
    )


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    name: str
    organisation: str
    hours: Decimal
    shifts: int


def volunteer_leaderboard(
    *, organisation_id: int | None = None, limit: int = 20
) -> list[LeaderboardRow]:
    """Volunteers by hours confirmed by an organiser (public names only, never phones)."""
    qs = Volunteer.objects.filter(signups__status=SignupStatus.CONFIRMED)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    rows = (
        qs.values("pk", "user__display_name", "user__username", "organisation__name")
        .annotate(hours=Sum("signups__hours_confirmed"), shifts=Count("signups"))
        .order_by("-hours", "pk")[:limit]
    )
    out = []
    for i, row in enumerate(rows, start=1):
        out.append(
            LeaderboardRow(
                rank=i,
                name=volunteer_public_name(row["user__display_name"]),
                organisation=row["organisation__name"],
                hours=row["hours"] or Decimal(0),
                shifts=row["shifts"],
            )
        )
    return out


def volunteer_public_name(display_name: str) -> str:
    """First character and a mask ("王**"): enough to recognise oneself, not to identify."""
    name = (display_name or "").strip()
    if not name or phone_looks_like(name):
        return "志愿者"
    return name[0] + "*" * min(max(len(name) - 1, 1), 2)
