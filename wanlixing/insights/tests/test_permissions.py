"""Every organiser route checks role and organisation; exports and reports hold no personal data."""

import datetime as dt
import io
import json

import pytest
from django.utils import timezone

from wanlixing.insights.services import (
    campaign_report_data,
    campaign_report_render,
    facts_refresh,
    scores_export_csv,
)
from wanlixing.outreach.models import Route, Shift
from wanlixing.outreach.services import event_check_in, event_register
from wanlixing.outreach.tests.factories import EventFactory
from wanlixing.surveys.models import Instrument, KnowledgeGain

pytestmark = pytest.mark.django_db

NAMES = ["张三丰", "李四光", "王五福", "赵六顺", "钱七宝", "孙八方"]
PHONES = [f"1380013{i:04d}" for i in range(len(NAMES))]


@pytest.fixture
def world(org, organiser):
    event = EventFactory(campaign__lead_organisation=org, organisation=org, cost=600)
    for i, (name, phone) in enumerate(zip(NAMES, PHONES, strict=True)):
        reg = event_register(event=event, name=name, phone=phone, audience="elderly").registration
        event_check_in(event=event, code=reg.code, by=organiser)
        KnowledgeGain.objects.create(
            registration=reg, campaign=event.campaign, event=event, audience="elderly",
            pre_score=50 + i, post_score=60 + i,
        )  # fmt: skip
    start = timezone.now() + dt.timedelta(days=1)
    shift = Shift.objects.create(
        event=event, title="引导", starts_at=start, ends_at=start + dt.timedelta(hours=2), needed=2
    )
    route = Route.objects.create(organisation=org, name="一号线", region_code="441802")
    instrument = Instrument.objects.create(organisation=org, kind="custom", title="调查")
    return {"event": event, "shift": shift, "route": route, "instrument": instrument}


def _routes(world) -> list[str]:
    event, campaign = world["event"], world["event"].campaign
    return [
        f"/events/{event.pk}/checkin/",
        f"/events/{event.pk}/volunteers/",
        f"/events/routes/{world['route'].pk}/",
        f"/surveys/builder/{world['instrument'].pk}/",
        f"/insights/?campaign={campaign.pk}",
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in _routes(world):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "login" in response["Location"], url


def test_learners_and_other_organisations_are_refused(client, world, learner, outsider):
    for user in (learner, outsider):
        client.force_login(user)
        for url in _routes(world):
            status = client.get(url).status_code
            if url.startswith("/insights/") and user == outsider:
                # another organisation's analyst view: the campaign is not offered to them
                assert status in (400, 403, 404), url
            else:
                assert status in (403, 404), (url, user.username, status)


def test_own_organisers_get_every_page(client, world, organiser):
    facts_refresh(campaign_id=world["event"].campaign_id)
    client.force_login(organiser)
    for url in _routes(world):
        assert client.get(url).status_code == 200, url


def test_reports_and_exports_hold_no_names_or_phones(world):
    campaign = world["event"].campaign
    data = campaign_report_data(campaign=campaign, scope=None)
    assert data["reach"]["person_times"] == len(NAMES)
    outputs = [json.dumps(data, ensure_ascii=False)]
    outputs.append(campaign_report_render(data=data, fmt="html", campaign=campaign).decode())
    xlsx = campaign_report_render(data=data, fmt="xlsx", campaign=campaign)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx))
    outputs.append(
        " ".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    )
    out = io.StringIO()
    scores_export_csv(campaign=campaign, scope=None, out=out)
    outputs.append(out.getvalue())
    assert out.getvalue().splitlines()[0] == "participant_code,pre_score,post_score"
    assert len(out.getvalue().splitlines()) == 1 + len(NAMES)
    for text in outputs:
        for name, phone in zip(NAMES, PHONES, strict=True):
            assert name not in text
            assert phone not in text
            assert phone[-4:] + "," not in text
