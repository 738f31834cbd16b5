"""Reads and access checks for outreach."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from wanlixing.accounts.models import Role
from wanlixing.accounts.selectors import AnyUser, user_has_role, user_is_platform_admin

from .models import Event


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
