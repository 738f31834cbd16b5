"""Registration, check-in (idempotent), walk-ins, online participation, QR codes."""

import pytest

from wanlixing.outreach.models import Event, Registration
from wanlixing.outreach.services import (
    OutreachError,
    event_check_in,
    event_online_participant_record,
    event_register,
    event_walk_in,
)

from .factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(org):
    return EventFactory(campaign__lead_organisation=org)


def register(event, phone="13812345678"):
    return event_register(event=event, name="王阿姨", phone=phone, audience="elderly").registration


def test_registering_twice_returns_the_same_code(event):
    first = register(event)
    second = event_register(event=event, name="王阿姨", phone="138 1234 5678", audience="elderly")
    assert second.created is False
    assert second.registration.code == first.code
    event.refresh_from_db()
    assert event.registered_count == 1


def test_check_in_twice_changes_nothing(event, organiser):
    registration = register(event)
    first = event_check_in(event=event, code=registration.code_display.lower(), by=organiser)
    attended_at = first.registration.attended_at
    second = event_check_in(event=event, code=registration.code, by=organiser)
    assert first.created is True
    assert second.created is False
    assert second.registration.attended_at == attended_at
    event.refresh_from_db()
    assert event.attended_count == 1


def test_check_in_reads_the_code_from_a_scanned_url(event, organiser):
    registration = register(event)
    result = event_check_in(
        event=event, code=f"http://127.0.0.1:8000/surveys/c/{registration.code}/", by=organiser
    )
    assert result.created is True


def test_code_of_another_event_is_refused(event, organiser):
    other = EventFactory(campaign=event.campaign)
    registration = register(other)
    with pytest.raises(OutreachError) as info:
        event_check_in(event=event, code=registration.code, by=organiser)
    assert "另一场活动" in info.value.message


def test_walk_in_is_counted_with_a_new_code(event, organiser):
    registration = event_walk_in(event=event, by=organiser, audience="rural")
    event.refresh_from_db()
    assert registration.attended
    assert len(registration.code) == 8
    assert (event.attended_count, event.registered_count) == (1, 1)


def test_online_participation_is_idempotent_per_key_and_separate_from_views(org):
    event = EventFactory(campaign__lead_organisation=org, kind="livestream", setting="online")
    first = event_online_participant_record(event=event, participant_key="s:abc")
    again = event_online_participant_record(event=event, participant_key="s:abc")
    event_online_participant_record(event=event, participant_key="s:other")
    assert first.pk == again.pk
    event.refresh_from_db()
    assert event.attended_count == 2
    assert event.online_views == 0
    assert Registration.objects.filter(event=event, channel="online").count() == 2


def test_bad_phone_is_refused_in_chinese(event):
    with pytest.raises(OutreachError) as info:
        event_register(event=event, name="小李", phone="12345", audience="student")
    assert "手机号" in info.value.message
    assert Event.objects.get(pk=event.pk).registered_count == 0


def test_check_in_page_is_for_staff_only(client, event, organiser, outsider):
    registration = register(event)
    client.force_login(outsider)
    assert client.get(f"/events/{event.pk}/checkin/").status_code == 403
    client.force_login(organiser)
    response = client.post(f"/events/{event.pk}/checkin/", {"code": registration.code})
    assert "签到成功" in response.content.decode()
    response = client.post(f"/events/{event.pk}/checkin/", {"code": registration.code})
    assert "已签到过" in response.content.decode()


def test_public_page_registers_and_serves_qr_codes(client, event):
    response = client.post(
        f"/events/{event.pk}/",
        {"name": "王阿姨", "phone": "13812345678", "audience": "elderly", "consent": "on"},
    )
    assert response.status_code == 302
    registration = Registration.objects.get(event=event)
    page = client.get(response["Location"])
    assert registration.code_display in page.content.decode()
    svg = client.get(f"/events/code/{registration.code}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    png = client.get(f"/events/{event.pk}/qr.png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
