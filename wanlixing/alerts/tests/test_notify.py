"""notify(): preferences, quiet hours, idempotency, retries with backoff, the send log."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from wanlixing.accounts.tests.factories import UserFactory
from wanlixing.alerts import services
from wanlixing.alerts.channels import SendFailed
from wanlixing.alerts.models import Delivery, DeliveryStatus, NotificationPreference
from wanlixing.alerts.tasks import deliveries_retry_due_task, delivery_send_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_SMS_BACKEND = "console"
    settings.NOTIFY_WECHAT_BACKEND = "console"


@pytest.fixture
def person(db):
    return UserFactory(username="zhang", email="zhang@example.cn", phone="13700001234")


def _notify(user, key="event:1:reminder", **kw):
    return services.notify(
        user=user,
        kind="event",
        key=key,
        title="活动明天开始",
        body="地点：社区活动室",
        url="/events/1/",
        **kw,
    )


def test_default_is_in_app_only(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = _notify(person)
    assert [d.channel for d in created] == ["in_app"]
    created[0].refresh_from_db()
    assert created[0].status == DeliveryStatus.SENT
    assert mail.outbox == []


def test_enabled_channels_each_get_one_delivery(person, django_capture_on_commit_callbacks):
    services.preference_update(user=person, email_enabled=True, sms_enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        created = _notify(person)
    assert sorted(d.channel for d in created) == ["email", "in_app", "sms"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "活动明天开始"
    assert "/alerts/go/" in mail.outbox[0].body  # tracked link


def test_same_key_twice_sends_once(person, django_capture_on_commit_callbacks):
    services.preference_update(user=person, email_enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify(person)
        second = _notify(person)
    assert len(first) == 2
    assert second == []
    assert Delivery.objects.count() == 2
    assert len(mail.outbox) == 1


def test_send_task_twice_sends_once(person):
    services.preference_update(user=person, sms_enabled=True)
    _notify(person, channels=["sms"])
    sms = Delivery.objects.get(channel="sms")
    with mock.patch("wanlixing.alerts.channels.ConsoleBackend.send", return_value="") as send:
        assert delivery_send_task.enqueue(sms.pk).return_value == "sent"
        assert delivery_send_task.enqueue(sms.pk).return_value == "sent"
    assert send.call_count == 1
    sms.refresh_from_db()
    assert sms.attempts == 1


def test_opt_out_means_nothing_is_created(person):
    services.preference_update(user=person, opted_out=True)
    assert _notify(person) == []


def test_opt_out_after_queueing_wins_at_send_time(person):
    services.preference_update(user=person, email_enabled=True)
    _notify(person)
    services.preference_update(user=person, opted_out=True)
    email = Delivery.objects.get(channel="email")
    assert services.delivery_send(delivery_id=email.pk) == DeliveryStatus.SKIPPED
    assert mail.outbox == []


def test_quiet_hours_defer_push_channels_but_not_in_app(person):
    services.preference_update(
        user=person, email_enabled=True, quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 30)
    )
    _notify(person)
    night = dt.datetime(2026, 5, 1, 23, 15, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    email = Delivery.objects.get(channel="email")
    in_app = Delivery.objects.get(channel="in_app")
    assert services.delivery_send(delivery_id=in_app.pk, now=night) == DeliveryStatus.SENT
    assert services.delivery_send(delivery_id=email.pk, now=night) == DeliveryStatus.DEFERRED
    email.refresh_from_db()
    assert email.next_attempt_at == dt.datetime(
        2026, 5, 2, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    assert email.attempts == 0
    assert mail.outbox == []
    # still quiet at 07:00, sent once the quiet hours are over
    early = night + dt.timedelta(hours=7, minutes=45)
    assert services.deliveries_due(now=early) == []
    after = night + dt.timedelta(hours=8, minutes=20)
    assert services.deliveries_due(now=after) == [email.pk]
    assert services.delivery_send(delivery_id=email.pk, now=after) == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("start", "end", "clock", "quiet"),
    [
        ((22, 0), (7, 0), (23, 0), True),
        ((22, 0), (7, 0), (6, 59), True),
        ((22, 0), (7, 0), (7, 0), False),
        ((22, 0), (7, 0), (12, 0), False),
        ((12, 0), (14, 0), (13, 0), True),
        ((12, 0), (14, 0), (14, 0), False),
    ],
)
def test_quiet_hours_window(person, start, end, clock, quiet):
    pref = services.preference_update(
        user=person, quiet_start=dt.time(*start), quiet_end=dt.time(*end)
    )
    now = dt.datetime(2026, 5, 1, *clock, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert (services.quiet_until(pref, now) is not None) is quiet


def test_provider_failure_is_retried_with_backoff_then_gives_up(person, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    services.preference_update(user=person, sms_enabled=True)
    _notify(person, channels=["sms"])
    sms = Delivery.objects.get(channel="sms")
    t0 = dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC)
    failing = mock.patch(
        "wanlixing.alerts.channels.ConsoleBackend.send", side_effect=SendFailed("gateway busy")
    )
    with failing as send:
        assert services.delivery_send(delivery_id=sms.pk, now=t0) == DeliveryStatus.RETRY
        sms.refresh_from_db()
        assert sms.next_attempt_at == t0 + dt.timedelta(seconds=60)
        # not due yet: nothing happens
        assert services.delivery_send(delivery_id=sms.pk, now=t0 + dt.timedelta(seconds=30)) == (
            DeliveryStatus.RETRY
        )
        t1 = t0 + dt.timedelta(seconds=61)
        assert services.delivery_send(delivery_id=sms.pk, now=t1) == DeliveryStatus.RETRY
        sms.refresh_from_db()
        assert sms.next_attempt_at == t1 + dt.timedelta(seconds=120)
        t2 = t1 + dt.timedelta(seconds=121)
        assert services.delivery_send(delivery_id=sms.pk, now=t2) == DeliveryStatus.FAILED
    assert send.call_count == 3
    sms.refresh_from_db()
    assert (sms.attempts, sms.last_error) == (3, "gateway busy")


def test_retry_succeeds_on_second_attempt_through_the_sweeper(person):
    services.preference_update(user=person, sms_enabled=True)
    _notify(person, channels=["sms"])
    sms = Delivery.objects.get(channel="sms")
    with mock.patch(
        "wanlixing.alerts.channels.ConsoleBackend.send",
        side_effect=[SendFailed("timeout"), "msg-2"],
    ) as send:
        services.delivery_send(delivery_id=sms.pk)
        Delivery.objects.filter(pk=sms.pk).update(next_attempt_at=sms.created_at)
        assert deliveries_retry_due_task.enqueue().return_value == 1
    sms.refresh_from_db()
    assert (sms.status, sms.provider_id, sms.attempts, send.call_count) == ("sent", "msg-2", 2, 2)


def test_permanent_failure_is_not_retried(person):
    services.preference_update(user=person, sms_enabled=True)
    _notify(person, channels=["sms"])
    sms = Delivery.objects.get(channel="sms")
    with mock.patch(
        "wanlixing.alerts.channels.ConsoleBackend.send",
        side_effect=SendFailed("invalid phone", retryable=False),
    ):
        assert services.delivery_send(delivery_id=sms.pk) == DeliveryStatus.FAILED


def test_backoff_is_capped(settings):
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    assert services.retry_delay(1) == dt.timedelta(minutes=1)
    assert services.retry_delay(4) == dt.timedelta(minutes=8)
    assert services.retry_delay(20) == dt.timedelta(hours=6)


def test_switched_off_channel_is_not_used(person, settings):
    settings.NOTIFY_SMS_BACKEND = "off"
    services.preference_update(user=person, sms_enabled=True)
    assert [d.channel for d in _notify(person)] == ["in_app"]


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"sms_enabled": True}, "sms_enabled", "没有绑定手机号"),
        ({"email_enabled": True}, "email_enabled", "没有填写电子邮箱"),
        ({"wechat_enabled": True}, "wechat_enabled", "绑定"),
        ({"quiet_start": dt.time(22, 0)}, "quiet_start", "同时填写"),
    ],
)
def test_preferences_refuse_impossible_settings(db, kwargs, field, message):
    user = UserFactory()
    with pytest.raises(ValidationError) as exc:
        services.preference_update(user=user, **kwargs)
    assert message in " ".join(exc.value.message_dict[field])


def test_preferences_page_saves(client, person):
    client.force_login(person)
    response = client.post(
        "/alerts/preferences/", {"sms_enabled": "on", "quiet_start": "21:00", "quiet_end": "08:00"}
    )
    assert response.status_code == 302
    pref = services.preference_for(person)
    assert (pref.sms_enabled, pref.quiet_start, pref.quiet_end) == (
        True,
        dt.time(21, 0),
        dt.time(8, 0),
    )


def test_preferences_page_shows_chinese_error(client, db):
    user = UserFactory(phone=None)
    client.force_login(user)
    response = client.post("/alerts/preferences/", {"sms_enabled": "on"})
    assert response.status_code == 400
    assert "没有绑定手机号" in response.content.decode()


def test_inbox_and_click_tracking(client, person):
    _notify(person)
    in_app = Delivery.objects.get(channel="in_app")
    services.delivery_send(delivery_id=in_app.pk)
    client.force_login(person)
    page = client.get("/alerts/inbox/").content.decode()
    link = services.click_path(in_app)
    assert link in page
    assert "未读" in page
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == "/events/1/"
    in_app.refresh_from_db()
    assert in_app.clicked_at is not None
    assert in_app.opened_at is not None
    assert client.get("/alerts/go/forged:token/").status_code == 404


def test_export_and_erase(person):
    services.preference_update(user=person, sms_enabled=True)
    _notify(person)
    data = services.notifications_export(person)
    assert data["preferences"]["sms_enabled"] is True
    assert [m["title"] for m in data["messages"]] == ["活动明天开始", "活动明天开始"]
    services.notifications_erase(person)
    assert not Delivery.objects.filter(user=person).exists()
    assert not NotificationPreference.objects.filter(user=person).exists()
