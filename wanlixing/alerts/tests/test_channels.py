"""Real-provider code paths (HTTP SMS gateway, WeChat template messages) against a local stub."""

import pytest

from wanlixing.accounts.tests.factories import UserFactory
from wanlixing.alerts import services
from wanlixing.alerts.channels import (
    HttpSmsBackend,
    OutgoingMessage,
    SendFailed,
    WeChatTemplateBackend,
    backend_for,
)
from wanlixing.alerts.models import Delivery, DeliveryStatus

MESSAGE = OutgoingMessage(
    key="alert:7:sms:3",
    address="13700001234",
    title="警惕冒充客服",
    body="不要屏幕共享",
    url="https://wlx.example.cn/alerts/go/x/",
)


@pytest.fixture
def sms(settings, stub_provider):
    settings.NOTIFY_SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = stub_provider.url + "/sms/send"
    settings.SMS_GATEWAY_TOKEN = "gw-secret"
    settings.SMS_SIGNATURE = "【万里行】"
    return stub_provider


@pytest.fixture
def wechat(settings, stub_provider):
    settings.NOTIFY_WECHAT_BACKEND = "api"
    settings.WECHAT_API_BASE = stub_provider.url
    settings.WECHAT_APP_ID = "wx123"
    settings.WECHAT_APP_SECRET = "app-secret"
    settings.WECHAT_TEMPLATE_ID = "TPL-1"
    settings.WECHAT_TEMPLATE_FIELDS = {"title": "thing1", "body": "thing2"}
    settings.WECHAT_TEMPLATE_VALUE_MAX = 20
    WeChatTemplateBackend._token = None
    yield stub_provider
    WeChatTemplateBackend._token = None


def test_settings_pick_the_backends(sms, wechat):
    assert isinstance(backend_for("sms"), HttpSmsBackend)
    assert isinstance(backend_for("wechat"), WeChatTemplateBackend)


def test_sms_gateway_success(sms):
    sms.reply("/sms/send", (200, {"ok": True, "id": "gw-42"}))
    assert HttpSmsBackend().send(MESSAGE) == "gw-42"
    request = sms.calls("/sms/send")[0]
    assert request["headers"]["Authorization"] == "Bearer gw-secret"
    assert request["json"] == {
        "phone": "13700001234",
        "text": "【万里行】警惕冒充客服 https://wlx.example.cn/alerts/go/x/",
        "client_id": "alert:7:sms:3",
    }


def test_sms_gateway_5xx_is_retryable_4xx_is_not(sms):
    sms.reply("/sms/send", (503, {"error": "busy"}), (400, {"ok": False, "error": "bad phone"}))
    with pytest.raises(SendFailed) as busy:
        HttpSmsBackend().send(MESSAGE)
    assert busy.value.retryable
    with pytest.raises(SendFailed) as bad:
        HttpSmsBackend().send(MESSAGE)
    assert not bad.value.retryable
    assert "bad phone" in str(bad.value)


def test_sms_gateway_unreachable_is_retryable(settings):
    settings.NOTIFY_SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"
    settings.NOTIFY_HTTP_TIMEOUT = 2
    with pytest.raises(SendFailed) as exc:
        HttpSmsBackend().send(MESSAGE)
    assert exc.value.retryable


def test_wechat_fetches_token_once_and_sends_template(wechat):
    wechat.reply("/cgi-bin/token", (200, {"access_token": "TOKEN-A", "expires_in": 7200}))
    wechat.reply(
        "/cgi-bin/message/template/send", (200, {"errcode": 0, "errmsg": "ok", "msgid": 200228332})
    )
    backend = WeChatTemplateBackend()
    long = OutgoingMessage(
        key="k1",
        address="openid-1",
        title="警惕冒充快递客服“理赔”骗局，千万别屏幕共享",
        body="短",
        url="https://wlx.example.cn/alerts/go/y/",
    )
    assert backend.send(long) == "200228332"
    assert backend.send(long) == "200228332"
    tokens = wechat.calls("/cgi-bin/token")
    assert len(tokens) == 1
    assert tokens[0]["query"] == {
        "grant_type": "client_credential",
        "appid": "wx123",
        "secret": "app-secret",
    }
    sent = wechat.calls("/cgi-bin/message/template/send")
    assert sent[0]["query"]["access_token"] == "TOKEN-A"
    payload = sent[0]["json"]
    assert payload["touser"] == "openid-1"
    assert payload["template_id"] == "TPL-1"
    assert payload["url"] == "https://wlx.example.cn/alerts/go/y/"
    assert payload["data"]["thing1"]["value"] == long.title[:20]
    assert payload["data"]["thing2"]["value"] == "短"
    assert payload["client_msg_id"] == "k1"


def test_wechat_refreshes_an_expired_token(wechat):
    wechat.reply(
        "/cgi-bin/token",
        (200, {"access_token": "OLD", "expires_in": 7200}),
        (200, {"access_token": "NEW", "expires_in": 7200}),
    )
    wechat.reply(
        "/cgi-bin/message/template/send",
        (200, {"errcode": 42001, "errmsg": "access_token expired"}),
        (200, {"errcode": 0, "msgid": 5}),
    )
    assert WeChatTemplateBackend().send(MESSAGE) == "5"
    used = [c["query"]["access_token"] for c in wechat.calls("/cgi-bin/message/template/send")]
    assert used == ["OLD", "NEW"]


def test_wechat_user_refused_is_permanent_busy_is_retryable(wechat):
    wechat.reply("/cgi-bin/token", (200, {"access_token": "T", "expires_in": 7200}))
    wechat.reply(
        "/cgi-bin/message/template/send",
        (200, {"errcode": 43101, "errmsg": "refuse"}),
        (200, {"errcode": -1, "errmsg": "system busy"}),
    )
    with pytest.raises(SendFailed) as refused:
        WeChatTemplateBackend().send(MESSAGE)
    assert not refused.value.retryable
    with pytest.raises(SendFailed) as busy:
        WeChatTemplateBackend().send(MESSAGE)
    assert busy.value.retryable


def test_wechat_bad_credentials_fail_the_send(wechat):
    wechat.reply("/cgi-bin/token", (200, {"errcode": 40013, "errmsg": "invalid appid"}))
    with pytest.raises(SendFailed) as exc:
        WeChatTemplateBackend().send(MESSAGE)
    assert "40013" in str(exc.value)


def test_delivery_through_real_sms_path_retries_then_succeeds(db, sms, settings):
    user = UserFactory(phone="13700009999")
    services.preference_update(user=user, sms_enabled=True)
    sms.reply("/sms/send", (500, {"error": "down"}), (200, {"ok": True, "id": "gw-7"}))
    services.notify(
        user=user,
        kind="alert",
        key="alert:99",
        title="提示",
        body="内容",
        url="/alerts/99/",
        channels=["sms"],
    )
    delivery = Delivery.objects.get(channel="sms")
    assert services.delivery_send(delivery_id=delivery.pk) == DeliveryStatus.RETRY
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
    assert services.delivery_send(delivery_id=delivery.pk) == DeliveryStatus.SENT
    delivery.refresh_from_db()
    assert delivery.provider_id == "gw-7"
    bodies = [c["json"] for c in sms.calls("/sms/send")]
    assert bodies[0] == bodies[1]  # same client_id on the retry: the gateway can de-duplicate
    assert bodies[0]["phone"] == "13700009999"
    assert "/alerts/go/" in bodies[0]["text"]


def test_delivery_through_wechat_uses_bound_openid(db, wechat):
    user = UserFactory()
    services.preference_update(user=user, wechat_openid="o-abc", wechat_enabled=True)
    wechat.reply("/cgi-bin/token", (200, {"access_token": "T", "expires_in": 7200}))
    wechat.reply("/cgi-bin/message/template/send", (200, {"errcode": 0, "msgid": 1}))
    services.notify(
        user=user, kind="alert", key="alert:5", title="提示", body="内容", channels=["wechat"]
    )
    delivery = Delivery.objects.get(channel="wechat")
    assert services.delivery_send(delivery_id=delivery.pk) == DeliveryStatus.SENT
    assert wechat.calls("/cgi-bin/message/template/send")[0]["json"]["touser"] == "o-abc"
