"""Reads and access checks for accounts and organisations.

Every other app asks these functions who may do what in which organisation;
tenant isolation starts here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from .models import Membership, Organisation, Role, User

AnyUser = User | AnonymousUser


def user_is_platform_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def user_org_ids(user: AnyUser, roles: Iterable[str] | None = None) -> set[int]:
    """Ids of the organisations in which the user holds any of ``roles`` (any role if None)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    cache_key = "_wlx_memberships"
    memberships: list[tuple[int, str]] | None = getattr(user, cache_key, None)
    if memberships is None:
        memberships = list(
            Membership.objects.filter(user=user, organisation__is_active=True).values_list(
                "organisation_id", "role"
            )
        )
        setattr(user, cache_key, memberships)
    wanted = set(roles) if roles is not None else None
    return {org for org, role in memberships if wanted is None or role in wanted}


def user_has_role(user: AnyUser, organisation_id: int | None, *roles: str) -> bool:
    """True if the user holds one of ``roles`` in the organisation (platform admins always)."""
    if user_is_platform_admin(user):
        return True
    if organisation_id is None:
        return False
    return organisation_id in user_org_ids(user, roles or None)


def user_roles(user: AnyUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    user_org_ids(user)
    return {role for _org, role in getattr(user, "_wlx_memberships", [])}


def organisations_for_user(user: AnyUser, *roles: str) -> QuerySet[Organisation]:
    """Organisations the user may act for with one of ``roles`` (all for platform admins)."""
    if user_is_platform_admin(user):
        return Organisation.objects.filter(is_active=True)
    return Organisation.objects.filter(pk__in=user_org_ids(user, roles or None))


def organisation_get_for_admin(*, user: AnyUser, organisation_id: int) -> Organisation:
    """The organisation if the user administers it; PermissionDenied otherwise."""
    if not user_has_role(user, organisation_id, Role.ORG_ADMIN):
        raise PermissionDenied
    try:
        return Organisation.objects.get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise PermissionDenied from None


def organisation_get_for_member(
    *, user: AnyUser, organisation_id: int, roles: Iterable[str]
) -> Organisation:
    if not user_has_role(user, organisation_id, *roles):
        raise PermissionDenied
    try:
        return Organisation.objects.get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise PermissionDenied from None


def user_get_for_staff(*, viewer: AnyUser, user_id: int) -> User:
    """A user record as staff may see it: only members of organisations the viewer
    administers (platform admins see everyone)."""
    if user_is_platform_admin(viewer):
        return User.objects.get(pk=user_id)
    orgs = user_org_ids(viewer, [Role.ORG_ADMIN])
    user = User.objects.filter(pk=user_id, memberships__organisation_id__in=orgs).first()
    if user is None:
        raise PermissionDenied
    return user
