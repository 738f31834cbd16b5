from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import panels
from .context_processors import ELDER_COOKIE


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"panels": panels.render_slot("home", request)})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html", {"version": settings.PRIVACY_NOTICE_VERSION})


@require_POST
def elder_mode_toggle(request: HttpRequest) -> HttpResponse:
    """Switch 长辈模式 on or off; stored on the account, or in a cookie for visitors."""
    enabled = request.POST.get("enabled") == "1"
    if request.user.is_authenticated:
        from wanlixing.accounts.services import user_set_elder_mode

        user_set_elder_mode(user=request.user, enabled=enabled)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    if request.headers.get("Accept", "").startswith("application/json"):
        response: HttpResponse = JsonResponse({"elder_mode": enabled})
    else:
        response = HttpResponseRedirect(target)
    response.set_cookie(
        ELDER_COOKIE, "1" if enabled else "0", max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and every migration is applied."""
    checks: dict[str, str] = {}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["migrations"] = "ok" if not pending else f"{len(pending)} pending"
        ok = not pending
    except DatabaseError as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
        ok = False
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"code": 404, "title": _("页面不存在"), "text": _("您要找的页面不存在或已被移除。")},
        status=404,
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"code": 403, "title": _("没有权限"), "text": _("您没有权限访问此页面。")},
        status=403,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"code": 400, "title": _("请求无效"), "text": _("请求无效，请返回后重试。")},
        status=400,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"code": 500, "title": _("服务暂时出错"), "text": _("服务器出了点问题，请稍后再试。")},
        status=500,
    )
