"""Reads for alerts: feeds by region ancestors and segments, audiences, staff access."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from wanlixing.accounts.models import Segment, User
from wanlixing.accounts.regions import region_ancestors, region_get
from wanlixing.accounts.selectors import user_is_platform_admin, user_org_ids

from .models import Alert, AlertRegion, ChannelCode, Delivery
from .services import ALERT_ROLES

ELDERLY_AGE_BANDS = ("60-69", "70+")


def user_segment_codes(user: User | AnonymousUser) -> set[str]:
    """The segments a person belongs to: chosen ones plus those their profile implies."""
    if not user.is_authenticated:
        return set()
    codes = set(user.segments.values_list("code", flat=True))
    if user.age_band in ELDERLY_AGE_BANDS:
        codes.add(Segment.ELDERLY)
    if user.occupation == "student":
        codes.add(Segment.STUDENT)
    if user.area_type == "rural":
        codes.add(Segment.RURAL)
    return codes


def alerts_for(*, region_code: str = "", segments: set[str] | None = None) -> QuerySet[Alert]:
    """Live alerts for a place and a set of segments.

    An alert matches when it has no regions or one of its regions is the place or an
    enclosing region (``region_ancestors``), and when it has no segments or shares one.
    """
    codes = region_ancestors(region_code) if region_code else []
    through = Alert.segments.through
    has_regions = Exists(AlertRegion.objects.filter(alert=OuterRef("pk")))
    in_region = Exists(AlertRegion.objects.filter(alert=OuterRef("pk"), region_code__in=codes))
    has_segments = Exists(through.objects.filter(alert_id=OuterRef("pk")))
    in_segment = Exists(
        through.objects.filter(alert_id=OuterRef("pk"), segment__code__in=segments or set())
    )
    return (
        Alert.objects.live()
        .filter(~has_regions | in_region)
        .filter(~has_segments | in_segment)
        .order_by("-published_at", "-pk")
    )


def alerts_for_user(
    user: User | AnonymousUser, *, region_code: str | None = None
) -> QuerySet[Alert]:
    """The feed of a person (their profile region unless ``region_code`` is given)."""
    if region_code is None:
        region_code = user.region_code if user.is_authenticated else ""
    return alerts_for(region_code=region_code or "", segments=user_segment_codes(user))


def alert_target_users(alert: Alert) -> QuerySet[User]:
    """Everyone an alert is pushed to: active, not opted out, in its regions and segments."""
    qs = User.objects.filter(is_active=True).exclude(notification_preference__opted_out=True)
    regions = alert.region_codes
    if regions:
        place = Q()
        for code in regions:
            region = region_get(code)
            if region is None or region.level >= 3:
                place |= Q(region_code=code)
            else:
                place |= Q(region_code__startswith=code[: 2 * region.level])
        qs = qs.filter(place)
    segments = set(alert.segments.values_list("code", flat=True))
    if segments:
        through = User.segments.through
        group = Q(
            Exists(through.objects.filter(user_id=OuterRef("pk"), segment__code__in=segments))
        )
        if Segment.ELDERLY in segments:
            group |= Q(age_band__in=ELDERLY_AGE_BANDS)
        if Segment.STUDENT in segments:
            group |= Q(occupation="student")
        if Segment.RURAL in segments:
            group |= Q(area_type="rural")
        qs = qs.filter(group)
    return qs


def alerts_for_staff(user: User) -> QuerySet[Alert]:
    """Alerts the user may manage: their organisations' (all for platform admins)."""
    qs = Alert.objects.select_related("organisation").order_by("-created_at", "-pk")
    if user_is_platform_admin(user):
        return qs
    return qs.filter(organisation_id__in=user_org_ids(user, ALERT_ROLES))


def alert_get_for_staff(*, user: User, alert_id: int) -> Alert:
    alert = alerts_for_staff(user).filter(pk=alert_id).first()
    if alert is None:
        raise PermissionDenied
    return alert


def alert_get_public(*, alert_id: int) -> Alert | None:
    return Alert.objects.live().filter(pk=alert_id).first()


def inbox_for(user: User, *, limit: int = 50) -> QuerySet[Delivery]:
    """The person's in-app messages, newest first."""
    return Delivery.objects.filter(user=user, channel=ChannelCode.IN_APP, status="sent").order_by(
        "-created_at", "-pk"
    )[:limit]


def inbox_unread_count(user: User) -> int:
    return Delivery.objects.filter(
        user=user, channel=ChannelCode.IN_APP, status="sent", opened_at__isnull=True
    ).count()


def emerging_scripts_for_staff(*, user: User, days: int = 14) -> list[Any]:
    """New scam scripts clustered from citizens' reports, for staff who may see reports:
    platform admins and reviewers of police and regulator organisations."""
    from wanlixing.antifraud.selectors import emerging_scripts, review_org_ids

    if not (user_is_platform_admin(user) or review_org_ids(user)):
        return []
    return emerging_scripts(days=days)
