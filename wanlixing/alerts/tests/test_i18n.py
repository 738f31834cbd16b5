"""The alerts staff dashboard in English."""

import pytest

from wanlixing.alerts.models import Alert, AlertStatus

pytestmark = pytest.mark.django_db


def test_dashboard_column_head_names_the_alert_in_english(client, org_admin):
    client.force_login(org_admin)
    client.post(
        "/alerts/staff/new/",
        {
            "title": "警惕“保健品+投资”骗局",
            "fraud_type": "illegal-fundraising",
            "severity": "high",
            "watch_for": "免费体检后推荐高息投资。",
            "what_to_do": "不要投钱，向有关部门举报。",
            "regions": "440305",
            "segments": ["elderly"],
        },
    )
    alert = Alert.objects.get()
    client.post(f"/alerts/staff/{alert.pk}/publish/", {"action": "publish"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.PUBLISHED
    body = client.get("/alerts/staff/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<th scope="col">Alert</th>' in body
    assert '<th scope="col">Note</th>' not in body
