"""Reports on a small fixed campaign: JSON contents, scoping, suppression, PDF text, exports."""

import datetime as dt
import io
import json

import pytest
from scipy import stats

from wanlixing.accounts.services import membership_add
from wanlixing.accounts.tests.factories import UserFactory
from wanlixing.insights.aggregates import Filters, slice_key_for
from wanlixing.insights.services import (
    campaign_report_data,
    campaign_report_render,
    dashboard_figures,
    facts_refresh,
    figures_live,
    scores_export_csv,
)
from wanlixing.outreach.services import event_check_in, event_register
from wanlixing.outreach.tests.factories import EventFactory
from wanlixing.surveys.models import KnowledgeGain

pytestmark = pytest.mark.django_db

PRE = [40, 55, 60, 48, 70, 52, 65, 58]
POST = [52, 60, 71, 50, 78, 55, 70, 66]


@pytest.fixture
def campaign(org, other_org, organiser):
    ours = EventFactory(campaign__lead_organisation=org, cost=800)
    campaign = ours.campaign
    campaign.organisations.add(other_org)
    theirs = EventFactory(campaign=campaign, organisation=other_org, region_code="110101", cost=300)
    for i, (pre, post) in enumerate(zip(PRE, POST, strict=True)):
        reg = event_register(
            event=ours, name=f"参与者{i}", phone=f"1391234{i:04d}", audience="elderly"
        ).registration
        event_check_in(event=ours, code=reg.code, by=organiser)
        KnowledgeGain.objects.create(
            registration=reg, campaign=campaign, event=ours, audience="elderly",
            pre_score=pre, post_score=post,
        )  # fmt: skip
    for i in range(3):
        reg = event_register(
            event=theirs, name=f"他人{i}", phone=f"1371234{i:04d}", audience="student"
        ).registration
        event_check_in(event=theirs, code=reg.code, by=organiser)
    return campaign


def test_report_json_has_the_known_figures(campaign):
    data = campaign_report_data(campaign=campaign, scope=None)
    gain = data["knowledge_gain"]
    t = stats.ttest_rel(POST, PRE)
    assert data["events"]["total"] == 2
    assert data["reach"]["person_times"] == 11
    assert data["reach"]["unique_people"] == 11
    assert gain["n_paired"] == 8
    assert gain["mean_pre"] == pytest.approx(sum(PRE) / 8, abs=0.01)
    assert gain["mean_post"] == pytest.approx(sum(POST) / 8, abs=0.01)
    assert gain["mean_diff"] == pytest.approx(6.75, abs=0.01)
    assert gain["p_value"] == pytest.approx(t.pvalue, rel=1e-3)
    assert gain["ci95"][0] < 6.75 < gain["ci95"][1]
    assert gain["significant"] is True
    student = [a for a in data["audiences"] if a["audience"] == "student"]
    assert student[0]["person_times"] == "<5"
    text = json.dumps(data, ensure_ascii=False)
    assert "参与者0" not in text
    assert "13912340000" not in text
    assert "提升具有统计学意义" in " ".join(data["narrative"])


def test_scope_limits_the_report_to_own_organisation(campaign, org):
    data = campaign_report_data(campaign=campaign, scope=frozenset({org.pk}))
    assert data["events"]["total"] == 1
    assert data["reach"]["person_times"] == 8


def test_dashboard_slices_agree_with_raw_rows(campaign, org, django_assert_max_num_queries):
    facts_refresh(campaign_id=campaign.pk)
    month = campaign.events.first().month
    for filters in (
        Filters(campaign_id=campaign.pk),
        Filters(campaign_id=campaign.pk, audience="elderly"),
        Filters(campaign_id=campaign.pk, region="11"),
        Filters(campaign_id=campaign.pk, scope=frozenset({org.pk})),
        Filters(campaign_id=campaign.pk, month_from=month, month_to=month),
    ):
        raw = json.loads(json.dumps(figures_live(filters)))
        with django_assert_max_num_queries(2):  # the refresh state and one slice
            figures, _ = dashboard_figures(filters)
        assert figures == raw
    combined = Filters(campaign_id=campaign.pk, audience="elderly", region="11")
    with django_assert_max_num_queries(2):  # the refresh state, no slice: the snapshot
        figures, _ = dashboard_figures(combined)
    assert figures["reach"]["person_times"] == 0  # the elderly came to the other region
    assert figures == json.loads(json.dumps(figures_live(combined)))
    theirs = Filters(campaign_id=campaign.pk, audience="student", region="11")
    figures, _ = dashboard_figures(theirs)
    assert figures["reach"]["person_times"] == 3
    assert figures["reach"]["unique_people"] == "<5"


def test_slice_key_reads_one_filter_and_falls_back_for_combinations():
    first, last = dt.date(2026, 3, 1), dt.date(2026, 6, 1)

    def key(**kw):
        return slice_key_for(Filters(campaign_id=1, **kw), first_month=first, last_month=last)

    assert key() == ("", "")
    assert key(scope=frozenset({7})) == ("organisation", "7")
    assert key(scope=frozenset({7, 8})) is None
    assert key(scope=frozenset({7, 8}), organisation_id=8) == ("organisation", "8")
    assert key(region="4403") == ("region", "4403")
    assert key(region="44", audience="elderly") is None
    assert key(month_from=dt.date(2026, 1, 1)) == ("", "")
    assert key(month_from=dt.date(2026, 4, 1), month_to=dt.date(2026, 4, 1)) == ("month", "2026-04")
    assert key(month_from=dt.date(2026, 4, 1)) is None


def test_pdf_renders_chinese_title(campaign):
    import pypdfium2

    data = campaign_report_data(campaign=campaign, scope=None)
    pdf = pypdfium2.PdfDocument(campaign_report_render(data=data, fmt="pdf", campaign=campaign))
    text = pdf[0].get_textpage().get_text_range()
    assert f"{campaign.name} 活动总结报告" in text
    image = pdf[0].render(scale=1).to_pil().convert("L")
    assert image.getextrema()[0] < 80  # glyphs were drawn, not blank boxes or nothing


def test_xlsx_has_the_sheets(campaign):
    from openpyxl import load_workbook

    data = campaign_report_data(campaign=campaign, scope=None)
    book = load_workbook(
        io.BytesIO(campaign_report_render(data=data, fmt="xlsx", campaign=campaign))
    )
    assert [s.split()[0] for s in book.sheetnames] == [
        "summary", "events", "reach", "knowledge", "follow-up", "regions",
    ]  # fmt: skip


def test_scores_export_has_codes_only(campaign):
    out = io.StringIO()
    assert scores_export_csv(campaign=campaign, scope=None, out=out) == 8
    lines = out.getvalue().splitlines()
    assert lines[0] == "participant_code,pre_score,post_score"
    assert all(len(line.split(",")[0]) == 8 for line in lines[1:])


def test_dashboard_access_by_role_and_organisation(client, campaign, analyst, learner, other_org):
    facts_refresh(campaign_id=campaign.pk)
    client.force_login(learner)
    assert client.get("/insights/").status_code == 403
    client.force_login(analyst)
    response = client.get(f"/insights/?campaign={campaign.pk}")
    assert response.status_code == 200
    assert response.context["figures"]["events"]["total"] == 1  # only their organisation's event
    stranger = UserFactory(username="analyst-b")
    membership_add(user=stranger, organisation=other_org, role="analyst")
    other = EventFactory(campaign__lead_organisation=other_org).campaign
    assert client.get(f"/insights/?campaign={other.pk}").status_code == 400
    response = client.post(f"/insights/campaigns/{other.pk}/report/", {"format": "json"})
    assert response.status_code == 404


def test_report_job_builds_in_the_background_and_downloads(
    client, campaign, organiser, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/insights/campaigns/{campaign.pk}/report/", {"format": "json"})
    job_url = response["Location"]
    status = client.get(job_url + "status/").json()
    assert status["status"] == "done"
    download = client.get(job_url + "download/")
    data = json.loads(b"".join(download.streaming_content))
    assert data["events"]["total"] == 1
