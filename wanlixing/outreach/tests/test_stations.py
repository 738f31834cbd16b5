"""Service stations and 村村通 routes: public list by region, staff visit records, back office."""

import datetime as dt

import pytest
from django.utils import timezone

from wanlixing.outreach.models import Route, RouteStop, RouteVisit, Station, StationHours

pytestmark = pytest.mark.django_db


@pytest.fixture
def stations(org, other_org):
    ours = Station.objects.create(
        organisation=org, name="南山金融知识联络点", kind="contact-point", region_code="440305",
        area_type="urban", address="南山区科技园1号",
    )  # fmt: skip
    StationHours.objects.create(station=ours, weekday=0, opens=dt.time(9), closes=dt.time(17))
    theirs = Station.objects.create(
        organisation=other_org, name="东城金融服务站", kind="service-station",
        region_code="110101", area_type="urban", address="东城区1号",
    )  # fmt: skip
    return ours, theirs


@pytest.fixture
def route(org):
    route = Route.objects.create(organisation=org, name="村村通一号线", region_code="441802")
    RouteStop.objects.create(
        route=route, position=1, place="大塘村", region_code="441802", weekday=2,
        arrives_at=dt.time(10),
    )  # fmt: skip
    return route


def test_public_station_list_filters_by_region_and_shows_hours(client, stations, route):
    body = client.get("/events/stations/?region=44").content.decode()
    assert "南山金融知识联络点" in body
    assert "周一 09:00–17:00" in body
    assert "东城金融服务站" not in body
    assert "村村通一号线" in body
    assert "大塘村" in body


def test_bad_region_filter_gets_a_chinese_message(client, stations):
    response = client.get("/events/stations/?region=4x")
    assert response.status_code == 400
    assert "请填写省级2位或市级4位行政区划代码" in response.content.decode()


def test_route_staff_record_a_visit_once_per_day(client, route, organiser):
    stop = route.stops.get()
    client.force_login(organiser)
    today = timezone.localdate().isoformat()
    for people in (30, 35):  # the second one corrects the first
        response = client.post(
            f"/events/routes/{route.pk}/",
            {"stop": stop.pk, "visited_on": today, "people_served": people, "materials": 10},
        )
        assert response.status_code == 302
    assert list(RouteVisit.objects.values_list("people_served", flat=True)) == [35]


def test_route_rejects_future_visits_and_outsiders(client, route, organiser, outsider, learner):
    stop = route.stops.get()
    client.force_login(organiser)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        f"/events/routes/{route.pk}/",
        {"stop": stop.pk, "visited_on": tomorrow, "people_served": 5},
    )
    assert response.status_code == 400
    assert "不能记录未来日期的服务" in response.content.decode()
    assert not RouteVisit.objects.exists()
    for user in (outsider, learner):
        client.force_login(user)
        assert client.get(f"/events/routes/{route.pk}/").status_code == 403


def test_back_office_lists_only_own_organisation_stations(client, stations, organiser, outsider):
    client.force_login(organiser)
    body = client.get("/admin/outreach/station/").content.decode()
    assert "南山金融知识联络点" in body
    assert "东城金融服务站" not in body
    _ours, theirs = stations
    assert client.get(f"/admin/outreach/station/{theirs.pk}/change/").status_code in (302, 403, 404)
    client.force_login(outsider)
    body = client.get("/admin/outreach/station/").content.decode()
    assert "东城金融服务站" in body
    assert "南山金融知识联络点" not in body


def test_analyst_may_look_but_not_change_stations(client, stations, analyst):
    client.force_login(analyst)
    ours, _theirs = stations
    assert client.get(f"/admin/outreach/station/{ours.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/outreach/station/{ours.pk}/change/", {"name": "改名", "kind": "contact-point"}
    )
    assert response.status_code == 403
    ours.refresh_from_db()
    assert ours.name == "南山金融知识联络点"
