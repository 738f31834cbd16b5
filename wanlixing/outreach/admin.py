"""Back office for outreach: campaigns, events, stations, mobile routes and volunteers.

Every screen is limited to the staff's own organisations (``OrgScopedAdmin``):
organisers and organisation admins change their rows, analysts only look.
Participants and registrations are not listed here: people appear only as counts.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Role
from wanlixing.core.admin import OrgScopedAdmin

from .models import (
    Campaign,
    Event,
    Route,
    RouteStop,
    RouteVisit,
    Shift,
    ShiftSignup,
    Station,
    StationHours,
    Training,
    Volunteer,
)

STAFF_VIEW = frozenset({Role.ORGANISER, Role.ORG_ADMIN, Role.ANALYST})
STAFF_CHANGE = frozenset({Role.ORGANISER, Role.ORG_ADMIN})


class OutreachAdmin(OrgScopedAdmin):
    view_roles = STAFF_VIEW
    change_roles = STAFF_CHANGE


@admin.register(Campaign)
class CampaignAdmin(OutreachAdmin):
    org_lookup = "lead_organisation"
    list_display = ("name", "lead_organisation", "starts_on", "ends_on", "budget")
    search_fields = ("name", "slug")
    filter_horizontal = ("organisations",)


@admin.register(Event)
class EventAdmin(OutreachAdmin):
    list_display = (
        "title",
        "campaign",
        "organisation",
        "kind",
        "setting",
        "starts_at",
        "registered_count",
        "attended_count",
    )
    list_filter = ("kind", "setting", "area_type", "is_cancelled")
    search_fields = ("title", "venue")
    date_hierarchy = "starts_at"
    readonly_fields = ("registered_count", "attended_count", "online_views")
    filter_horizontal = ("audiences", "topics", "partners", "staff")
    raw_id_fields = ("campaign",)
    exclude = ("created_by",)


class StationHoursInline(admin.TabularInline):
    model = StationHours
    extra = 1


@admin.register(Station)
class StationAdmin(OutreachAdmin):
    list_display = ("name", "kind", "organisation", "region_code", "area_type", "is_active")
    list_filter = ("kind", "area_type", "is_active")
    search_fields = ("name", "address", "region_code")
    filter_horizontal = ("staff",)
    inlines = [StationHoursInline]


class RouteStopInline(admin.TabularInline):
    model = RouteStop
    extra = 1


@admin.register(Route)
class RouteAdmin(OutreachAdmin):
    list_display = ("name", "organisation", "campaign", "region_code", "vehicle", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "region_code")
    filter_horizontal = ("staff",)
    inlines = [RouteStopInline]


@admin.register(RouteVisit)
class RouteVisitAdmin(OutreachAdmin):
    org_lookup = "stop__route__organisation"
    list_display = ("stop", "visited_on", "people_served", "materials_handed_out")
    date_hierarchy = "visited_on"
    readonly_fields = ("recorded_by", "recorded_at")
    raw_id_fields = ("stop",)


@admin.register(Training)
class TrainingAdmin(OutreachAdmin):
    list_display = ("title", "organisation", "quiz", "pass_level", "is_active")
    raw_id_fields = ("quiz", "article")


@admin.register(Volunteer)
class VolunteerAdmin(OutreachAdmin):
    list_display = ("__str__", "organisation", "status", "region_code", "applied_at")
    list_filter = ("status",)
    readonly_fields = ("user", "applied_at", "approved_by", "approved_at")


class ShiftSignupInline(admin.TabularInline):
    model = ShiftSignup
    extra = 0
    fields = ("volunteer", "status", "hours_logged", "hours_confirmed", "confirmed_by")
    readonly_fields = ("volunteer", "status", "hours_logged", "hours_confirmed", "confirmed_by")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # volunteers sign up themselves; hours are confirmed on the shift page


@admin.register(Shift)
class ShiftAdmin(OutreachAdmin):
    org_lookup = "event__organisation"
    list_display = ("title", "event", "starts_at", "ends_at", "needed", "requires_certification")
    raw_id_fields = ("event",)
    inlines = [ShiftSignupInline]
    verbose_name = _("志愿岗位")
