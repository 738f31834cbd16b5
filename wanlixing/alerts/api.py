"""Alerts API (/api/v1/alerts/): the feed, one alert, the inbox and preferences."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from wanlixing.accounts.models import User
from wanlixing.accounts.regions import region_full_name, region_is_valid
from wanlixing.core.api import AUTH, AUTH_OPTIONAL, ApiError

from . import selectors, services
from .models import Alert, Delivery

router = Router(tags=["alerts"])


class AlertOut(Schema):
    id: int
    title: str
    fraud_type: str
    fraud_type_name: str
    severity: str
    watch_for: str
    what_to_do: str
    regions: list[str]
    region_names: list[str]
    published_at: str | None
    expires_at: str | None
    url: str


class InboxOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: str
    opened: bool


class PreferencesOut(Schema):
    email_enabled: bool
    sms_enabled: bool
    wechat_enabled: bool
    wechat_bound: bool
    quiet_start: str | None
    quiet_end: str | None
    opted_out: bool


class PreferencesIn(Schema):
    email_enabled: bool | None = None
    sms_enabled: bool | None = None
    wechat_enabled: bool | None = None
    wechat_openid: str | None = Field(None, max_length=64)
    quiet_start: dt.time | None = None
    quiet_end: dt.time | None = None
    clear_quiet_hours: bool = False
    opted_out: bool | None = None


def _alert(alert: Alert) -> dict[str, Any]:
    codes = alert.region_codes
    return {
        "id": alert.pk,
        "title": alert.title,
        "fraud_type": alert.fraud_type,
        "fraud_type_name": alert.get_fraud_type_display(),
        "severity": alert.severity,
        "watch_for": alert.watch_for,
        "what_to_do": alert.what_to_do,
        "regions": codes,
        "region_names": [region_full_name(c) for c in codes],
        "published_at": alert.published_at.isoformat() if alert.published_at else None,
        "expires_at": alert.expires_at.isoformat() if alert.expires_at else None,
        "url": alert.get_absolute_url(),
    }


def _preferences(user: User) -> dict[str, Any]:
    pref = services.preference_for(user)
    return {
        "email_enabled": pref.email_enabled,
        "sms_enabled": pref.sms_enabled,
        "wechat_enabled": pref.wechat_enabled,
        "wechat_bound": bool(pref.wechat_openid),
        "quiet_start": pref.quiet_start.strftime("%H:%M") if pref.quiet_start else None,
        "quiet_end": pref.quiet_end.strftime("%H:%M") if pref.quiet_end else None,
        "opted_out": pref.opted_out,
    }


def _inbox(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "title": d.title,
        "body": d.body,
        "link": services.click_path(d) if d.url else "",
        "created_at": d.created_at.isoformat(),
        "opened": d.opened_at is not None,
    }


@router.get(
    "/feed", response=list[AlertOut], auth=AUTH_OPTIONAL, summary="风险提示（按地区和群体）"
)
def feed(request: HttpRequest, region: str = "", limit: int = 20) -> list[dict[str, Any]]:
    if region and not region_is_valid(region):
        raise ApiError(400, "invalid", "地区代码无效。")
    limit = min(max(limit, 1), 100)
    alerts = selectors.alerts_for_user(request.user, region_code=region or None)
    return [_alert(a) for a in alerts.prefetch_related("regions")[:limit]]


@router.get("/alerts/{alert_id}", response=AlertOut, auth=AUTH_OPTIONAL, summary="一条风险提示")
def alert_get(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    alert = selectors.alert_get_public(alert_id=alert_id)
    if alert is None:
        raise ApiError(404, "not_found", "这条提示不存在或已失效。")
    if request.user.is_authenticated:
        services.alert_opened_by(alert=alert, user=request.user)
    return _alert(alert)


@router.get("/inbox", response=list[InboxOut], auth=AUTH, summary="我的站内消息")
def inbox(request: HttpRequest) -> list[dict[str, Any]]:
    return [_inbox(d) for d in selectors.inbox_for(request.user)]  # type: ignore[arg-type]


@router.post("/inbox/{delivery_id}/open", response=InboxOut, auth=AUTH, summary="标记已读")
def inbox_open(request: HttpRequest, delivery_id: int) -> dict[str, Any]:
    delivery = Delivery.objects.filter(
        pk=delivery_id, user_id=request.user.pk or 0, channel="in_app"
    ).first()
    if delivery is None:
        raise ApiError(404, "not_found", "消息不存在。")
    services.delivery_open(delivery=delivery)
    return _inbox(delivery)


@router.get("/preferences", response=PreferencesOut, auth=AUTH, summary="通知设置")
def preferences_get(request: HttpRequest) -> dict[str, Any]:
    return _preferences(request.user)  # type: ignore[arg-type]


@router.patch("/preferences", response=PreferencesOut, auth=AUTH, summary="修改通知设置")
def preferences_update(request: HttpRequest, payload: PreferencesIn) -> dict[str, Any]:
    services.preference_update(user=request.user, **payload.dict())  # type: ignore[arg-type]
    return _preferences(request.user)  # type: ignore[arg-type]
