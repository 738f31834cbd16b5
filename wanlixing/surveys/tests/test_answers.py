"""Questionnaire validation, skip logic and idempotent submissions."""

import pytest

from wanlixing.outreach.services import event_register
from wanlixing.outreach.tests.factories import EventFactory
from wanlixing.surveys.models import Instrument, Measure, Response
from wanlixing.surveys.services import SurveyError, instrument_copy, response_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(org):
    return EventFactory(campaign__lead_organisation=org)


@pytest.fixture
def followup(event):
    template = Instrument.objects.get(is_template=True, kind="follow-up")
    return instrument_copy(
        template=template, organisation_id=event.organisation_id, campaign_id=event.campaign_id
    )


@pytest.fixture
def satisfaction(event):
    template = Instrument.objects.get(is_template=True, kind="satisfaction")
    return instrument_copy(
        template=template, organisation_id=event.organisation_id, campaign_id=event.campaign_id
    )


@pytest.fixture
def code(event):
    return event_register(
        event=event, name="王阿姨", phone="13812345678", audience="elderly"
    ).registration.code


GOOD = {"antifraud_app": 0, "met_suspicious": 0, "handled_suspicious": 0, "considered_loan": 1,
        "shared": 0}  # fmt: skip


def messages(instrument, answers, code):
    with pytest.raises(SurveyError) as info:
        response_submit(instrument=instrument, answers=answers, code=code)
    return info.value.messages


def test_valid_follow_up_records_behaviour_measures(followup, code):
    result = response_submit(instrument=followup, answers=GOOD, code=code)
    assert result.created
    assert dict(Measure.objects.values_list("metric", "value")) == {
        "installed_antifraud_app": 1.0,
        "refused_suspicious": 1.0,
        "shared_knowledge": 1.0,
    }


def test_second_submission_changes_nothing(followup, code):
    first = response_submit(instrument=followup, answers=GOOD, code=code)
    second = response_submit(instrument=followup, answers={**GOOD, "antifraud_app": 1}, code=code)
    assert second.created is False
    assert second.response.pk == first.response.pk
    assert Response.objects.count() == 1
    assert Response.objects.get().answers["antifraud_app"] == 0


def test_skip_logic_violation_is_rejected(followup, code):
    answers = {**GOOD, "considered_loan": 1, "checked_rate": 0}
    assert messages(followup, answers, code) == [
        "第5题不需要回答（根据第4题的回答应跳过），请删除该题答案。"
    ]


def test_shown_required_question_must_be_answered(followup, code):
    answers = {k: v for k, v in GOOD.items() if k != "handled_suspicious"}
    assert messages(followup, answers, code) == ["第3题为必答题，请作答。"]


def test_unknown_option_and_out_of_range_scale_are_rejected(satisfaction, followup, code):
    assert messages(followup, {**GOOD, "antifraud_app": 7}, code) == [
        "第1题的选项不存在，请重新选择。"
    ]
    answers = {"satisfaction": 6, "usefulness": 0, "clarity": 3, "recommend": 0}
    assert messages(satisfaction, answers, code) == [
        "第1题的分值应在1到5之间。",
        "第2题的分值应在1到5之间。",
    ]
    assert Response.objects.count() == 0


def test_code_is_required_and_must_exist(followup):
    assert messages(followup, GOOD, "") == ["请填写参与码（报名或签到时获得的8位码）。"]
    assert messages(followup, GOOD, "ZZZZ-ZZZZ") == ["没有找到这个参与码，请核对后重试。"]


def test_paper_entry_is_marked(client, organiser, followup, code):
    client.force_login(organiser)
    data = {"code": code, **{f"q_{k}": str(v) for k, v in GOOD.items()}}
    response = client.post(f"/surveys/{followup.pk}/entry/", data)
    assert response.status_code == 302
    saved = Response.objects.get()
    assert (saved.source, saved.entered_by) == ("paper", organiser)


def test_phone_page_shows_chinese_errors(client, satisfaction, code):
    response = client.post(f"/surveys/{satisfaction.pk}/", {"code": code, "q_satisfaction": "9"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "第1题的分值应在1到5之间。" in body
    assert "第2题为必答题，请作答。" in body
