"""Personal data: export of the learner's records; erasure keeps anonymous answers."""

import json

import pytest

from wanlixing.learning.itemstats import item_statistics_refresh
from wanlixing.learning.models import (
    Attempt,
    ItemStatistic,
    LearnerTopicStat,
    Question,
    Response,
    WrongAnswer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(api_client, learner, ladder):
    api_client.c.force_login(learner)
    data = api_client.post(f"/learning/quizzes/{ladder.pk}/attempts", {"level": 1}).json()
    answers = {str(q["id"]): [0] for q in data["questions"]}
    api_client.post(f"/learning/attempts/{data['id']}/submit", {"answers": answers})
    return data


def test_export_contains_answers_and_wrong_answers(client, learner, answered):
    client.force_login(learner)
    data = json.loads(client.get("/accounts/me/export/").content)["learning"]
    assert len(data["answers"]) == 5
    assert {a["question"] for a in data["answers"]} == set(
        Question.objects.filter(pk__in=[q["id"] for q in answered["questions"]]).values_list(
            "key", flat=True
        )
    )
    assert data["attempts"][0]["kind"] == "ladder"
    assert len(data["wrong_answers"]) == WrongAnswer.objects.filter(user=learner).count()


def test_erasure_keeps_anonymous_answers_for_statistics(client, learner, password, answered):
    item_statistics_refresh()
    before = dict(ItemStatistic.objects.values_list("question_id", "responses"))
    client.force_login(learner)
    client.post("/accounts/me/delete/", {"password": password, "confirm": "on"})
    assert Response.objects.count() == 5
    assert not Response.objects.filter(user__isnull=False).exists()
    attempt = Attempt.objects.get(pk=answered["id"])
    assert attempt.user is None
    assert attempt.session_key == ""
    assert not WrongAnswer.objects.exists()
    assert not LearnerTopicStat.objects.exists()
    item_statistics_refresh()
    assert dict(ItemStatistic.objects.values_list("question_id", "responses")) == before
