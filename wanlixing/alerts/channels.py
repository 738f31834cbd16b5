"""Notification channels behind one interface: in-app, e-mail, SMS, WeChat template messages.

Each backend's ``send(message)`` returns the provider's message id or raises
``SendFailed`` (``retryable`` tells the caller whether to try again later).
Real providers are chosen by settings; the console backends write to the log for
development.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from .models import ChannelCode

log = logging.getLogger(__name__)


class SendFailed(Exception):  # noqa: N818 (reads as the event it is)
    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class OutgoingMessage:
    key: str
    address: str  # e-mail address, phone number or WeChat openid; empty for in-app
    title: str
    body: str
    url: str  # absolute tracking link, or empty


class ChannelBackend:
    channel: str = ""

    def send(self, message: OutgoingMessage) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class InAppBackend(ChannelBackend):
    """In-app messages are the delivery rows themselves: sending only marks them."""

    channel = ChannelCode.IN_APP

    def send(self, message: OutgoingMessage) -> str:
        return ""


class EmailBackend(ChannelBackend):
    """Django's mail framework (EMAIL_BACKEND: SMTP in production, console in development)."""

    channel = ChannelCode.EMAIL

    def send(self, message: OutgoingMessage) -> str:
        body = message.body + (f"\n\n{message.url}" if message.url else "")
        try:
            EmailMessage(subject=message.title, body=body, to=[message.address]).send()
        except OSError as exc:
            raise SendFailed(f"mail: {exc}") from exc
        return ""


class ConsoleBackend(ChannelBackend):
    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, message: OutgoingMessage) -> str:
        log.info(
            "[%s → %s] %s | %s %s",
            self.channel,
            message.address,
            message.title,
            message.body[:200],
            message.url,
        )
        return ""


def _http_json(
    url: str, *, data: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """One JSON request; network trouble and 5xx are retryable, a non-JSON body is not."""
    body = json.dumps(data, ensure_ascii=False).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - the URL comes from settings
        url,
        data=body,
        method="POST" if data is not None else "GET",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
    timeout = settings.NOTIFY_HTTP_TIMEOUT
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SendFailed(f"network: {exc}") from exc
    if status >= 500 or status == 429:
        raise SendFailed(f"http {status}")
    try:
        payload = json.loads(raw.decode() or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SendFailed(f"http {status}: not JSON", retryable=status >= 500) from None
    return status, payload if isinstance(payload, dict) else {}


class HttpSmsBackend(ChannelBackend):
    """A generic HTTP SMS gateway.

    ``POST SMS_GATEWAY_URL`` with ``Authorization: Bearer SMS_GATEWAY_TOKEN`` and JSON
    ``{"phone", "text", "client_id"}``; success is a 2xx answer with ``{"ok": true,
    "id": "..."}``. ``client_id`` is the delivery's idempotency key, so a gateway that
    honours it never sends a retried message twice.
    """

    channel = ChannelCode.SMS

    def send(self, message: OutgoingMessage) -> str:
        text = f"{settings.SMS_SIGNATURE}{message.title}"
        if message.url:
            text += f" {message.url}"
        status, payload = _http_json(
            settings.SMS_GATEWAY_URL,
            data={"phone": message.address, "text": text, "client_id": message.key},
            headers={"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
        )
        if status >= 400 or not payload.get("ok"):
            reason = str(payload.get("error") or payload.get("message") or f"http {status}")
            raise SendFailed(f"sms: {reason}"[:300], retryable=False)
        return str(payload.get("id", ""))[:80]


class WeChatTemplateBackend(ChannelBackend):
    """WeChat Official Account template messages (app id + secret → access token).

    The access token is cached in the process until shortly before it expires and
    fetched again when WeChat reports it invalid (errcode 40001 / 42001 / 40014).
    """

    channel = ChannelCode.WECHAT
    TOKEN_ERRORS = frozenset({40001, 40014, 42001})
    RETRYABLE_ERRORS = frozenset({-1, 45009})  # busy, rate limit reached

    _lock = threading.Lock()
    _token: tuple[str, float] | None = None

    def _access_token(self, *, refresh: bool = False) -> str:
        with self._lock:
            cached = WeChatTemplateBackend._token
            if cached and not refresh and cached[1] > time.monotonic():
                return cached[0]
            query = urllib.parse.urlencode(
                {
                    "grant_type": "client_credential",
                    "appid": settings.WECHAT_APP_ID,
                    "secret": settings.WECHAT_APP_SECRET,
                }
            )
            _status, payload = _http_json(f"{settings.WECHAT_API_BASE}/cgi-bin/token?{query}")
            token = payload.get("access_token")
            if not token:
                code = payload.get("errcode")
                raise SendFailed(f"wechat token: {code} {payload.get('errmsg', '')}"[:300])
            lifetime = int(payload.get("expires_in", 7200))
            WeChatTemplateBackend._token = (str(token), time.monotonic() + max(lifetime - 300, 60))
            return str(token)

    def _payload(self, message: OutgoingMessage) -> dict[str, Any]:
        fields = settings.WECHAT_TEMPLATE_FIELDS
        limit = settings.WECHAT_TEMPLATE_VALUE_MAX
        values = {"title": message.title, "body": message.body}
        data = {key: {"value": values[part][:limit]} for part, key in fields.items()}
        payload: dict[str, Any] = {
            "touser": message.address,
            "template_id": settings.WECHAT_TEMPLATE_ID,
            "data": data,
            "client_msg_id": message.key[:64],
        }
        if message.url:
            payload["url"] = message.url
        return payload

    def send(self, message: OutgoingMessage) -> str:
        payload = self._payload(message)
        for attempt in range(2):
            token = self._access_token(refresh=attempt > 0)
            url = f"{settings.WECHAT_API_BASE}/cgi-bin/message/template/send?access_token={token}"
            _status, answer = _http_json(url, data=payload)
            code = int(answer.get("errcode", -1))
            if code == 0:
                return str(answer.get("msgid", ""))[:80]
            if code in self.TOKEN_ERRORS and attempt == 0:
                continue
            raise SendFailed(
                f"wechat: {code} {answer.get('errmsg', '')}"[:300],
                retryable=code in self.RETRYABLE_ERRORS or code in self.TOKEN_ERRORS,
            )
        raise SendFailed("wechat: token rejected twice")  # pragma: no cover


def backend_for(channel: str) -> ChannelBackend | None:
    """The configured backend for a channel, or None when the channel is switched off."""
    if channel == ChannelCode.IN_APP:
        return InAppBackend()
    if channel == ChannelCode.EMAIL:
        return EmailBackend() if settings.NOTIFY_EMAIL_ENABLED else None
    if channel == ChannelCode.SMS:
        choice = settings.NOTIFY_SMS_BACKEND
        if choice == "http":
            return HttpSmsBackend()
        return ConsoleBackend(channel) if choice == "console" else None
    if channel == ChannelCode.WECHAT:
        choice = settings.NOTIFY_WECHAT_BACKEND
        if choice == "api":
            return WeChatTemplateBackend()
        return ConsoleBackend(channel) if choice == "console" else None
    return None


def channels_available() -> list[str]:
    return [c for c in ChannelCode if backend_for(c) is not None]
