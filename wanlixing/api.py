"""The platform API under /api/v1 (django-ninja); OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

import logging
from importlib import import_module
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from wanlixing.core.api import ApiError, error_body

log = logging.getLogger(__name__)

# Lazy, so /openapi.json and the docs page follow the request's language (Accept-Language);
# ninja builds the schema per request and its JSON encoder turns lazy text into str.
api = NinjaAPI(
    title=cast(str, gettext_lazy("万里行 API")),
    version="1",
    description=cast(
        str,
        gettext_lazy(
            "金融知识万里行平台接口：供 App 与小程序使用。会话登录（网页）或 Bearer 令牌（App）。"
        ),
    ),
    urls_namespace="api",
)


def _respond(
    request: HttpRequest, status: int, code: str, message: str, details=None
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, details), status=status)


def _validation_details(errors: list[dict]) -> list[dict]:
    out = []
    for err in errors[:50]:
        loc = [str(part) for part in err.get("loc", []) if part not in ("body", "payload")]
        out.append(
            {"field": ".".join(loc), "message": err.get("msg", ""), "type": err.get("type", "")}
        )
    return out


@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _respond(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = _validation_details(exc.errors)
    fields = pgettext("list separator", "、").join(d["field"] for d in details if d["field"])
    fields = fields or _("请求体")
    return _respond(
        request,
        422,
        "validation_error",
        _("请求数据不符合要求，请检查：%(fields)s。") % {"fields": fields},
        details,
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _respond(request, 401, "not_authenticated", _("请先登录，或提供有效的访问令牌。"))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _respond(request, 403, "forbidden", _("您没有权限执行此操作。"))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _respond(request, 404, "not_found", _("请求的内容不存在。"))


@api.exception_handler(DjangoValidationError)
def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        details = [{"field": f, "message": "；".join(m)} for f, m in exc.message_dict.items()]
        message = "；".join(d["message"] for d in details)
    else:
        details = None
        message = "；".join(exc.messages)
    return _respond(request, 400, "invalid", message or _("请求无效。"), details)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit_kb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    return _respond(
        request,
        413,
        "payload_too_large",
        _("请求内容过大（上限 %(limit)d KB）。") % {"limit": limit_kb},
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    messages = {
        400: ("bad_request", _("请求格式不正确，请检查提交的数据（需为有效的 JSON）。")),
        401: ("not_authenticated", _("请先登录，或提供有效的访问令牌。")),
        403: ("forbidden", _("您没有权限执行此操作。")),
        404: ("not_found", _("请求的内容不存在。")),
        405: ("method_not_allowed", _("不支持该请求方法。")),
        413: ("payload_too_large", _("请求内容过大。")),
        429: ("too_many_requests", _("请求过于频繁，请稍后再试。")),
    }
    code, message = messages.get(exc.status_code, ("error", _("请求失败。")))
    return _respond(request, exc.status_code, code, message)


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return _respond(request, 400, "bad_request", _("请求无效。"))


@api.exception_handler(OperationalError)
def on_database_busy(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    log.warning("database unavailable on %s: %s", request.path, exc)
    response = _respond(request, 503, "unavailable", _("服务繁忙，请稍后重试。"))
    response["Retry-After"] = "2"
    return response


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("unhandled API error on %s", request.path)
    return _respond(request, 500, "server_error", _("服务器内部错误，请稍后重试。"))


api.add_router("/accounts/", "wanlixing.accounts.api.router")
for _label, _prefix in settings.PLATFORM_AREAS:
    _module = import_module(f"wanlixing.{_label}.api")
    api.add_router(f"/{_label}/", _module.router)
