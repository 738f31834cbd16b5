"""Personal data held by outreach: participants' names and phones, and their registrations."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from wanlixing.accounts.models import User

from .models import Participant, Registration
from .services import participant_key_for


def _participants(user: User) -> Any:
    keys = [participant_key_for(user=user)]
    if user.phone:
        keys.append(participant_key_for(phone=user.phone))
    return Participant.objects.filter(Q(user=user) | Q(key__in=keys))


def registrations_export(user: User) -> list[dict[str, Any]]:
    out = []
    for participant in _participants(user):
        for registration in Registration.objects.filter(participant=participant).select_related(
            "event"
        ):
            out.append(
                {
                    "event": registration.event.title,
                    "event_starts_at": registration.event.starts_at.isoformat(),
                    "participant_code": registration.code,
                    "name": participant.name,
                    "phone": participant.phone,
                    "audience": participant.audience,
                    "registered_at": registration.registered_at.isoformat(),
                    "attended_at": registration.attended_at.isoformat()
                    if registration.attended_at
                    else None,
                }
            )
    return out


def registrations_erase(user: User) -> None:
    """Forget who the person is; counts and coded answers stay for the statistics."""
    _participants(user).update(
        name="", phone="", key=None, user=None, age_band="", erased_at=timezone.now()
    )
