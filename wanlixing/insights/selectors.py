"""Who may see which figures: access checks and the organisation scope of a viewer."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from wanlixing.accounts.models import Role
from wanlixing.accounts.selectors import AnyUser, user_is_platform_admin, user_org_ids
from wanlixing.outreach.models import Campaign

INSIGHT_ROLES = (Role.ORGANISER, Role.ANALYST, Role.ORG_ADMIN)


def insight_scope(user: AnyUser) -> frozenset[int] | None:
    """Organisations whose data the viewer may see; None means every organisation.

    Raises PermissionDenied for anyone who is not an organiser, analyst or org admin.
    """
    if user_is_platform_admin(user):
        return None
    orgs = user_org_ids(user, INSIGHT_ROLES)
    if not orgs:
        raise PermissionDenied
    return frozenset(orgs)


def campaigns_for_analyst(user: AnyUser) -> QuerySet[Campaign]:
    scope = insight_scope(user)
    qs = Campaign.objects.select_related("lead_organisation")
    if scope is None:
        return qs.all()
    return qs.filter(
        Q(lead_organisation_id__in=scope)
        | Q(organisations__in=scope)
        | Q(events__organisation_id__in=scope)
    ).distinct()


def campaign_get_for_analyst(*, user: AnyUser, campaign_id: int) -> Campaign:
    """A campaign the viewer takes part in (their figures stay limited to their scope)."""
    campaign = campaigns_for_analyst(user).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign
