"""Organisation scoping for the back office.

Staff see and change only their own organisations' rows; the platform admin
(superuser) sees everything. Every app's ModelAdmin for organisation-owned data
subclasses ``OrgScopedAdmin`` and names the path to the owning organisation.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from wanlixing.accounts.models import Organisation, Role
from wanlixing.accounts.selectors import user_is_platform_admin, user_org_ids

admin.site.site_header = "万里行 · 管理后台"
admin.site.site_title = "万里行管理后台"
admin.site.index_title = "管理"


class OrgScopedAdmin(admin.ModelAdmin):
    """ModelAdmin whose rows belong to an organisation.

    ``org_lookup`` is the ORM path from the model to its Organisation;
    ``view_roles`` may look, ``change_roles`` may add, change and delete.
    """

    org_lookup: str = "organisation"
    view_roles: frozenset[str] = frozenset(Role) - {Role.VOLUNTEER}
    change_roles: frozenset[str] = frozenset({Role.ORG_ADMIN})

    def _orgs(self, request: HttpRequest, roles: frozenset[str]) -> set[int]:
        return user_org_ids(request.user, roles)

    def _obj_org_id(self, obj: Model) -> int | None:
        target: Any = obj
        parts = self.org_lookup.split("__")
        for part in parts[:-1]:
            target = getattr(target, part, None)
            if target is None:
                return None
        return getattr(target, parts[-1] + "_id", None)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if user_is_platform_admin(request.user):
            return qs
        return qs.filter(**{f"{self.org_lookup}__in": self._orgs(request, self.view_roles)})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user) or bool(self._orgs(request, self.view_roles))

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if user_is_platform_admin(request.user):
            return True
        orgs = self._orgs(request, self.view_roles | self.change_roles)
        if obj is None:
            return bool(orgs)
        return self._obj_org_id(obj) in orgs

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return user_is_platform_admin(request.user) or bool(self._orgs(request, self.change_roles))

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if user_is_platform_admin(request.user):
            return True
        orgs = self._orgs(request, self.change_roles)
        if obj is None:
            return bool(orgs)
        return self._obj_org_id(obj) in orgs

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Organisation and not user_is_platform_admin(request.user):
            kwargs["queryset"] = Organisation.objects.filter(
                pk__in=self._orgs(request, self.change_roles)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
