from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _

from wanlixing.api import api
from wanlixing.core import views as core_views


def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": "not_found", "message": _("接口不存在，请检查地址。")}}, status=404
    )


urlpatterns = [
    path("", core_views.home, name="home"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("elder-mode/", core_views.elder_mode_toggle, name="elder_mode"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("wanlixing.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/.*$", api_not_found),
]

for _label, _prefix in settings.PLATFORM_AREAS:
    urlpatterns.append(path(_prefix, include(f"wanlixing.{_label}.urls")))

handler404 = "wanlixing.core.views.not_found"
handler500 = "wanlixing.core.views.server_error"
handler403 = "wanlixing.core.views.forbidden"
handler400 = "wanlixing.core.views.bad_request"
