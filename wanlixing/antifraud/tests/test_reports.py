"""我要举报, the scoped review queue, clustering and case drafts."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from wanlixing.accounts.models import Role
from wanlixing.accounts.services import membership_add
from wanlixing.accounts.tests.factories import OrganisationFactory, UserFactory
from wanlixing.antifraud.models import EmergingScript, ScamReport
from wanlixing.antifraud.selectors import emerging_scripts
from wanlixing.antifraud.services import (
    emerging_script_to_case_draft,
    emerging_scripts_compute,
    scam_report_submit,
)
from wanlixing.content.models import ArticleKind, ArticleStatus


def test_report_requires_explicit_consent(starter, client):
    response = client.post("/antifraud/report/", {"text": "可疑短信", "channel": "sms"})
    assert response.status_code == 200
    assert "勾选同意" in response.content.decode()
    api = client.post(
        "/api/v1/antifraud/reports", {"text": "可疑短信"}, content_type="application/json"
    )
    assert api.status_code == 400
    assert api.json()["error"]["code"] == "consent_required"
    assert ScamReport.objects.count() == 0


def test_report_is_stored_and_routed_to_local_police(starter, client):
    police = OrganisationFactory(name="深圳市公安局南山分局", kind="police", region_code="440305")
    response = client.post(
        "/antifraud/report/",
        {
            "text": "你涉嫌洗钱，把钱转到安全账户",
            "channel": "call",
            "consent": "on",
            "region_code": "440305",
            "contact": "13800000000",
        },
    )
    assert response.status_code == 200
    assert "举报已提交" in response.content.decode()
    report = ScamReport.objects.get()
    assert report.organisation == police
    assert report.fraud_type == "impersonate-authority"
    assert "safe-account" in report.flags
    assert report.consent_at is not None


def test_review_queue_is_scoped_to_the_police_org(starter, api_client, client, platform_admin):
    police = OrganisationFactory(kind="police", region_code="440305")
    other = OrganisationFactory(kind="police", region_code="110101")
    bank = OrganisationFactory(kind="bank", region_code="440305")
    officer = UserFactory(username="officer")
    membership_add(user=officer, organisation=police, role=Role.REVIEWER)
    stranger = UserFactory(username="stranger")
    membership_add(user=stranger, organisation=other, role=Role.REVIEWER)
    banker = UserFactory(username="banker")
    membership_add(user=banker, organisation=bank, role=Role.REVIEWER)
    mine = scam_report_submit(text="转到安全账户", consent=True, region_code="440305")
    assert mine.organisation == police

    client.force_login(officer)
    assert [r["id"] for r in api_client.get("/antifraud/reports").json()] == [mine.pk]
    ok = api_client.post(f"/antifraud/reports/{mine.pk}/review", {"status": "confirmed"})
    assert ok.status_code == 200
    assert client.get(f"/admin/antifraud/scamreport/{mine.pk}/change/").status_code == 200

    for user in (stranger, banker):
        client.force_login(user)
        assert api_client.get("/antifraud/reports").json() == []
        denied = api_client.post(f"/antifraud/reports/{mine.pk}/review", {"status": "rejected"})
        assert denied.status_code == 403
    mine.refresh_from_db()
    assert mine.status == "confirmed"
    assert mine.reviewed_by == officer

    client.force_login(platform_admin)
    assert len(api_client.get("/antifraud/reports?status=").json()) == 1


def test_clustering_surfaces_a_new_script_and_makes_a_case_draft(starter, editor):
    script_a = "您好，我是社保局工作人员，您的医保卡被冒用，需要配合公安转账到安全账户核查资金"
    script_b = "恭喜您获得ETC补贴，请点击链接 t.cn/e7c 填写银行卡号和验证码领取"
    for i in range(4):
        scam_report_submit(text=f"{script_a}，编号{i}", consent=True)
    for i in range(3):
        scam_report_submit(text=f"{script_b}，第{i}次", consent=True)
    scam_report_submit(text="今天天气很好，出去走走", consent=True)
    found = emerging_scripts_compute(days=7)
    sizes = sorted(s.size for s in found)
    assert sizes == [3, 4]
    latest = emerging_scripts(days=7)
    assert latest[0].size == 4
    assert latest[0].examples
    article = emerging_script_to_case_draft(script=latest[0], user=editor)
    assert article.kind == ArticleKind.CASE
    assert article.status == ArticleStatus.DRAFT
    assert script_a[:10] in article.story
    assert emerging_script_to_case_draft(script=latest[0], user=editor) == article


def test_emerging_scripts_ignore_old_runs_and_window(starter):
    old = timezone.now() - timedelta(days=30)
    EmergingScript.objects.create(
        computed_at=old, window_days=7, label="旧", size=5, first_seen=old, last_seen=old
    )
    assert emerging_scripts(days=7) == []


def test_reports_are_exported_and_erased_with_the_account(starter, learner):
    from wanlixing.antifraud.services import reports_erase_for_user, reports_export_for_user

    scam_report_submit(text="可疑", consent=True, contact="13800000000", user=learner)
    assert reports_export_for_user(learner)[0]["contact"] == "13800000000"
    reports_erase_for_user(learner)
    report = ScamReport.objects.get()
    assert report.reporter is None
    assert report.contact == ""


def test_api_report_with_consent_is_created(starter, client):
    response = client.post(
        "/api/v1/antifraud/reports",
        {"text": "点击 t.cn/x1 领取补贴", "consent": True, "channel": "sms"},
        content_type="application/json",
    )
    assert response.status_code == 201
    report = ScamReport.objects.get(pk=response.json()["id"])
    assert report.reporter is None
    assert report.channel == "sms"
    too_long = client.post(
        "/api/v1/antifraud/reports",
        {"text": "骗" * 5001, "consent": True},
        content_type="application/json",
    )
    assert too_long.status_code == 413
