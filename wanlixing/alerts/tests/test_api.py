"""Alerts API: feed, one alert, inbox, preferences."""

import pytest

from wanlixing.alerts import services
from wanlixing.alerts.models import Delivery
from wanlixing.alerts.tests.factories import AlertFactory

pytestmark = pytest.mark.django_db


def test_feed_for_anonymous_and_for_a_region(api_client):
    AlertFactory(title="全国提示")
    AlertFactory(title="南山提示", regions=["440305"])
    assert [a["title"] for a in api_client.get("/alerts/feed").json()] == ["全国提示"]
    body = api_client.get("/alerts/feed?region=440305").json()
    assert sorted(a["title"] for a in body) == ["全国提示", "南山提示"]
    nanshan = next(a for a in body if a["title"] == "南山提示")
    assert nanshan["regions"] == ["440305"]
    assert nanshan["region_names"] == ["广东省 深圳市 南山区"]
    assert set(nanshan) == {
        "id",
        "title",
        "fraud_type",
        "fraud_type_name",
        "severity",
        "watch_for",
        "what_to_do",
        "regions",
        "region_names",
        "published_at",
        "expires_at",
        "url",
    }
    bad = api_client.get("/alerts/feed?region=12")
    assert bad.status_code == 400
    assert bad.json()["error"]["message"] == "地区代码无效。"


def test_feed_for_signed_in_user_uses_profile_region(api_client, client, learner):
    AlertFactory(title="南山提示", regions=["440305"])
    client.force_login(learner)
    assert [a["title"] for a in api_client.get("/alerts/feed").json()] == ["南山提示"]


def test_alert_detail_marks_in_app_open(api_client, client, learner):
    alert = AlertFactory(regions=["440305"])
    services.alert_deliver_batch(alert_id=alert.pk, user_ids=[learner.pk])
    client.force_login(learner)
    assert api_client.get(f"/alerts/alerts/{alert.pk}").json()["id"] == alert.pk
    assert Delivery.objects.get(user=learner, alert=alert).opened_at is not None
    assert api_client.get("/alerts/alerts/999999").status_code == 404


def test_inbox_and_open(api_client, client, learner, outsider):
    services.notify(
        user=learner,
        kind="helpdesk",
        key="ticket:X:reply:1",
        title="有新回复",
        body="保险理赔/退保",
        url="/help/my/X/",
    )
    delivery = Delivery.objects.get()
    services.delivery_send(delivery_id=delivery.pk)
    assert api_client.get("/alerts/inbox").status_code == 401
    client.force_login(learner)
    items = api_client.get("/alerts/inbox").json()
    assert items[0]["title"] == "有新回复"
    assert items[0]["link"].startswith("/alerts/go/")
    assert items[0]["opened"] is False
    assert api_client.post(f"/alerts/inbox/{delivery.pk}/open").json()["opened"] is True
    client.force_login(outsider)
    assert api_client.post(f"/alerts/inbox/{delivery.pk}/open").status_code == 404


def test_preferences_get_and_patch(api_client, client, learner):
    client.force_login(learner)
    assert api_client.get("/alerts/preferences").json() == {
        "email_enabled": False,
        "sms_enabled": False,
        "wechat_enabled": False,
        "wechat_bound": False,
        "quiet_start": None,
        "quiet_end": None,
        "opted_out": False,
    }
    response = api_client.patch(
        "/alerts/preferences", {"sms_enabled": True, "quiet_start": "22:00", "quiet_end": "07:00"}
    )
    assert response.status_code == 200
    assert response.json()["quiet_start"] == "22:00"
    assert response.json()["sms_enabled"] is True
    refused = api_client.patch("/alerts/preferences", {"email_enabled": True})
    assert refused.status_code == 400
    assert "电子邮箱" in refused.json()["error"]["message"]
    bound = api_client.patch(
        "/alerts/preferences", {"wechat_openid": "o-1", "wechat_enabled": True}
    )
    assert bound.json()["wechat_bound"] is True
