"""Outreach pages in English: the stations page and the check-in camera texts."""

import datetime as dt

import pytest

from wanlixing.outreach.models import Route, RouteStop, Station, StationHours
from wanlixing.outreach.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(org):
    station = Station.objects.create(
        organisation=org, name="南山金融知识联络点", kind="contact-point", region_code="440305",
        area_type="urban", address="南山区科技园1号",
    )  # fmt: skip
    StationHours.objects.create(station=station, weekday=0, opens=dt.time(9), closes=dt.time(17))
    return station


def test_stations_page_in_english(client, station):
    body = client.get("/events/stations/?region=44", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "<h1>Financial literacy contact points, service stations and village mobile services</h1>"
        in body
    )
    assert "Contact points and service stations" in body
    assert "南山金融知识联络点" in body  # names are data, shown as entered
    assert "Monday 09:00–17:00" in body
    assert "There are no mobile service routes in this area yet." in body
    assert "联络点与服务站" not in body


def test_stations_page_lists_routes_and_says_when_none_in_english(client, org):
    route = Route.objects.create(organisation=org, name="村村通一号线", region_code="441802")
    RouteStop.objects.create(
        route=route, position=1, place="大塘村", region_code="441802", weekday=2,
        arrives_at=dt.time(10),
    )  # fmt: skip
    body = client.get("/events/stations/?region=44", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Village mobile service routes" in body
    assert "村村通一号线" in body
    assert "There are no contact points or service stations in this area yet." in body


def test_check_in_camera_texts_come_translated_from_the_page(client, org, organiser):
    event = EventFactory(campaign__lead_organisation=org)
    client.force_login(organiser)
    body = client.get(f"/events/{event.pk}/checkin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-msg-aim="Point the camera at the participant\'s QR code"' in body
    assert (
        'data-msg-no-camera="The camera cannot be opened; please type the participant code."'
        in body
    )
