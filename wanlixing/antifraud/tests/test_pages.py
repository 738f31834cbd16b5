"""The hub, the fundraising checklist and the red-flag back office."""

from __future__ import annotations

from wanlixing.antifraud.fundraising import checklist_evaluate
from wanlixing.antifraud.models import RedFlag


def test_hub_links_every_tool(client):
    body = client.get("/antifraud/").content.decode()
    for url in (
        "/antifraud/check/",
        "/antifraud/loan-rate/",
        "/antifraud/fundraising/",
        "/antifraud/drills/",
        "/antifraud/report/",
    ):
        assert url in body


def test_fundraising_levels():
    all_four = checklist_evaluate(
        {"illegality": "no", "publicity": "yes", "inducement": "yes", "sociality": "yes"}
    )
    assert all_four["verdict"]["level"] == "high"
    assert all_four["matched_count"] == 4
    unsure = checklist_evaluate(
        {"illegality": "unsure", "publicity": "yes", "inducement": "no", "sociality": "no"}
    )
    assert unsure["verdict"]["level"] == "medium"
    clean = checklist_evaluate(
        {"illegality": "yes", "publicity": "no", "inducement": "no", "sociality": "no"}
    )
    assert clean["verdict"]["level"] == "low"
    lifted = checklist_evaluate(
        {
            "illegality": "yes",
            "publicity": "no",
            "inducement": "no",
            "sociality": "no",
            "pension-project": "yes",
        }
    )
    assert lifted["verdict"]["level"] == "medium"


def test_fundraising_form_works_without_js(client):
    body = client.get(
        "/antifraud/fundraising/",
        {
            "submitted": "1",
            "illegality": "no",
            "publicity": "yes",
            "inducement": "yes",
            "sociality": "yes",
        },
    ).content.decode()
    assert "高度疑似非法集资" in body
    assert 'value="yes" checked' in body
    api = client.post(
        "/api/v1/antifraud/fundraising",
        {"answers": {"illegality": "no"}},
        content_type="application/json",
    ).json()
    assert api["matched"] == ["illegality"]
    assert "publicity" in api["unanswered"]


def test_editor_adds_a_red_flag_with_regex_validation(starter, client, editor, learner):
    client.force_login(editor)
    form = {
        "code": "new-script",
        "name": "新话术",
        "weight": "0.7",
        "fraud_types": '["fake-loan"]',
        "patterns": '["(安全"]',
        "negative_patterns": "[]",
        "explanation": "说明",
        "advice": "",
        "source": "测试",
        "is_active": "on",
    }
    bad = client.post("/admin/antifraud/redflag/add/", form)
    assert bad.status_code == 200
    assert "不是有效的正则表达式" in bad.content.decode()
    assert not RedFlag.objects.filter(code="new-script").exists()
    form["patterns"] = '["开通.{0,4}贷款绿色通道"]'
    ok = client.post("/admin/antifraud/redflag/add/", form)
    assert ok.status_code == 302
    result = client.post(
        "/api/v1/antifraud/check", {"text": "帮您开通贷款绿色通道"}, content_type="application/json"
    ).json()
    assert "new-script" in [s["flag"] for s in result["signals"]]
    client.force_login(learner)
    assert client.get("/admin/antifraud/redflag/").status_code == 302
