"""Reads and access checks of the advisor."""

from __future__ import annotations

import re

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from wanlixing.accounts.models import Role, User
from wanlixing.accounts.selectors import user_has_role, user_is_platform_admin, user_org_ids

from .models import Collection, FaqEntry

AnyUser = User | AnonymousUser
EDIT_ROLES = (Role.ORG_ADMIN, Role.EDITOR)
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")


def collection_find(name: str) -> Collection | None:
    """A collection by slug or by exact name."""
    return (
        Collection.objects.filter(slug=name).first() or Collection.objects.filter(name=name).first()
    )


def collections_public() -> QuerySet[Collection]:
    return Collection.objects.filter(is_public=True).order_by("organisation_id", "name")


def collection_get_public(*, slug: str | None) -> Collection:
    """A collection anyone may ask (the default one when no slug is given)."""
    from .services import collection_default

    if not slug:
        return collection_default()
    collection = Collection.objects.filter(slug=slug, is_public=True).first()
    if collection is None:
        raise Http404
    return collection


def collection_can_edit(user: AnyUser, collection: Collection) -> bool:
    if user_is_platform_admin(user):
        return True
    return user_has_role(user, collection.organisation_id, *EDIT_ROLES)


def collection_get_for_editor(*, user: AnyUser, collection_id: int) -> Collection:
    """A collection the user may edit and see the gap report of."""
    collection = Collection.objects.filter(pk=collection_id).first()
    if collection is None or not collection_can_edit(user, collection):
        raise PermissionDenied
    return collection


def collections_for_editor(user: AnyUser) -> QuerySet[Collection]:
    if user_is_platform_admin(user):
        return Collection.objects.all()
    return Collection.objects.filter(organisation_id__in=user_org_ids(user, EDIT_ROLES))


def faq_entry_get_public(*, entry_id: int) -> FaqEntry:
    entry = (
        FaqEntry.objects.select_related("collection", "topic")
        .filter(pk=entry_id, is_active=True, collection__is_public=True)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def slug_is_valid(value: str) -> bool:
    return bool(_SLUG.match(value))


def collection_can_promote(user: AnyUser, collection: Collection) -> bool:
    """Editors of the collection, and the organisation's complaint handlers (the experts)."""
    return collection_can_edit(user, collection) or user_has_role(
        user, collection.organisation_id, Role.COMPLAINT_HANDLER
    )
