"""Reads and access checks for the help desk.

``ticket_get_for_citizen`` and ``ticket_get_for_staff`` are the only ways views and API
routes reach a ticket; the staff one writes the audit log entry for every view.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wanlixing.accounts.models import Role, User
from wanlixing.accounts.regions import region_full_name
from wanlixing.accounts.selectors import user_is_platform_admin, user_org_ids

from .models import (
    OPEN_STATUSES,
    AccessAction,
    Category,
    InstitutionType,
    Ticket,
    TicketAccess,
    TicketDailyCount,
    TicketMessage,
)

AnyUser = User | AnonymousUser
# Who works tickets of an organisation; who sees its dashboards and audit log.
HANDLER_ROLES = (Role.COMPLAINT_HANDLER, Role.ORG_ADMIN)
DASHBOARD_ROLES = (Role.COMPLAINT_HANDLER, Role.ORG_ADMIN, Role.ANALYST)


def name_short(user: User | None) -> str:
    """A shortened name for lists: the first character and two stars (王**)."""
    if user is None:
        return "—"
    name = user.display_name or user.username
    return (name[:1] + "**") if name else "**"


def tickets_for_citizen(user: AnyUser) -> QuerySet[Ticket]:
    if not user.is_authenticated:
        return Ticket.objects.none()
    return Ticket.objects.filter(user=user).select_related("organisation")


def ticket_get_for_citizen(*, user: AnyUser, reference: str) -> Ticket:
    """The citizen's own ticket; 404 for anyone else's (its existence is not revealed)."""
    ticket = tickets_for_citizen(user).filter(reference=reference.upper()[:12]).first()
    if ticket is None:
        raise Http404
    return ticket


def staff_org_ids(user: AnyUser) -> set[int]:
    return user_org_ids(user, HANDLER_ROLES)


def user_is_helpdesk_staff(user: AnyUser) -> bool:
    return user_is_platform_admin(user) or bool(staff_org_ids(user))


def staff_tickets(user: AnyUser) -> QuerySet[Ticket]:
    """Tickets the user may work: their organisations' (platform admins: all, incl. unrouted)."""
    qs = Ticket.objects.select_related("organisation", "assignee", "user")
    if user_is_platform_admin(user):
        return qs
    return qs.filter(organisation_id__in=staff_org_ids(user))


def ticket_get_for_staff(
    *, user: AnyUser, reference: str, via: str = "web", action: str = AccessAction.VIEW
) -> Ticket:
    """A ticket for a handler or org admin of its organisation; every call is audited."""
    ticket = staff_tickets(user).filter(reference=reference.upper()[:12]).first()
    if ticket is None:
        raise Http404
    TicketAccess.objects.create(ticket=ticket, user_id=user.pk, action=action, via=via[:8])
    return ticket


def admin_org_ids(user: AnyUser) -> set[int]:
    return user_org_ids(user, [Role.ORG_ADMIN])


def user_is_org_admin_of(user: AnyUser, ticket: Ticket) -> bool:
    if user_is_platform_admin(user):
        return True
    return ticket.organisation_id in user_org_ids(user, [Role.ORG_ADMIN])


def staff_queue(
    user: AnyUser,
    *,
    status: str = "",
    mine: bool = False,
    overdue: bool = False,
    unrouted: bool = False,
) -> QuerySet[Ticket]:
    qs = staff_tickets(user)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(assignee_id=user.pk)
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    if unrouted:
        qs = qs.filter(organisation__isnull=True)
    return qs.order_by("due_at", "pk")


def handlers_for(organisation_id: int | None) -> QuerySet[User]:
    """Handlers and org admins of an organisation (the people a ticket can go to)."""
    if organisation_id is None:
        return User.objects.filter(is_superuser=True, is_active=True)
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role__in=HANDLER_ROLES,
        )
        .distinct()
        .order_by("pk")
    )


def org_admins_for(organisation_id: int | None) -> QuerySet[User]:
    if organisation_id is None:
        return User.objects.filter(is_superuser=True, is_active=True)
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id=organisation_id,
        memberships__role=Role.ORG_ADMIN,
    ).distinct()


def ticket_replies_public(ticket: Ticket) -> QuerySet[TicketMessage]:
    """What the citizen (and the AI advisor on their behalf) may see of the conversation."""
    return ticket.messages.visible_to_citizen().select_related("author")


def audit_log_for(user: AnyUser, *, limit: int = 200) -> QuerySet[TicketAccess]:
    """Staff views of tickets, for the org admins of the ticket's organisation."""
    qs = TicketAccess.objects.select_related("ticket", "user")
    if not user_is_platform_admin(user):
        qs = qs.filter(ticket__organisation_id__in=user_org_ids(user, [Role.ORG_ADMIN]))
    return qs.order_by("-at", "-pk")[:limit]


def dashboard_org_ids(user: AnyUser) -> set[int] | None:
    """Organisations whose figures the user may see; None means all (platform admin)."""
    if user_is_platform_admin(user):
        return None
    return user_org_ids(user, DASHBOARD_ROLES)


def ticket_dashboard(*, org_ids: set[int] | None, since: dt.date) -> dict[str, Any]:
    """Volume by category, institution type and region, SLA compliance and satisfaction,
    read from the pre-aggregated daily counts."""
    qs = TicketDailyCount.objects.filter(day__gte=since)
    if org_ids is not None:
        qs = qs.filter(organisation_id__in=org_ids)
    measures = (
        "opened",
        "resolved",
        "resolved_on_time",
        "overdue_open",
        "escalated",
        "rated",
        "rating_sum",
    )
    totals = {k: v or 0 for k, v in qs.aggregate(**{m: Sum(m) for m in measures}).items()}

    def by(field: str, labels: dict[str, str]) -> list[dict[str, Any]]:
        rows: dict[str, int] = defaultdict(int)
        for row in qs.values(field).annotate(n=Sum("opened")):
            rows[row[field] or ""] += row["n"] or 0
        top = max(rows.values(), default=0)
        return [
            {
                "key": key,
                "label": labels.get(key, key) or "—",
                "count": n,
                "percent": round(100 * n / top) if top else 0,
            }
            for key, n in sorted(rows.items(), key=lambda kv: -kv[1])
            if n
        ]

    cities = {
        row["city_code"]: region_full_name(row["city_code"]) or _("未填写")
        for row in qs.values("city_code").distinct()
    }
    resolved = totals["resolved"]
    return {
        "totals": totals,
        "sla_rate": round(100 * totals["resolved_on_time"] / resolved) if resolved else None,
        "satisfaction": round(totals["rating_sum"] / totals["rated"], 2)
        if totals["rated"]
        else None,
        "by_category": by("category", {k: str(v) for k, v in Category.choices}),
        "by_institution_type": by(
            "institution_type", {**{k: str(v) for k, v in InstitutionType.choices}, "": _("未填写")}
        ),
        "by_region": by("city_code", cities),
    }


def open_tickets_count(user: AnyUser) -> int:
    return tickets_for_citizen(user).filter(status__in=OPEN_STATUSES).count()
