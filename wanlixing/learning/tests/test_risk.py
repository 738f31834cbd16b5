"""The risk-tolerance self-test: C1–C5 at the band boundaries, matching R levels, disclaimer."""

import pytest

from wanlixing.learning.models import RiskQuestionnaire, RiskResult
from wanlixing.learning.services import LearningError, risk_assess

pytestmark = pytest.mark.django_db

# Fixture points: rq-1 [0, 1, 19, 20, 39, 40], rq-2 [0, 20, 30], rq-3 [0, 10, 30].
CASES = [
    ((0, 0, 0), 0, "C1", ["R1"]),
    ((2, 0, 0), 19, "C1", ["R1"]),
    ((3, 0, 0), 20, "C2", ["R1", "R2"]),
    ((4, 0, 0), 39, "C2", ["R1", "R2"]),
    ((5, 0, 0), 40, "C3", ["R1", "R2", "R3"]),
    ((4, 1, 0), 59, "C3", ["R1", "R2", "R3"]),
    ((5, 1, 0), 60, "C4", ["R1", "R2", "R3", "R4"]),
    ((4, 2, 1), 79, "C4", ["R1", "R2", "R3", "R4"]),
    ((5, 2, 1), 80, "C5", ["R1", "R2", "R3", "R4", "R5"]),
    ((5, 2, 2), 100, "C5", ["R1", "R2", "R3", "R4", "R5"]),
]


@pytest.mark.parametrize(("choices", "score", "level", "matches"), CASES)
def test_levels_at_boundary_scores(bank, choices, score, level, matches):
    questionnaire = RiskQuestionnaire.objects.get()
    answers = dict(zip(["rq-1", "rq-2", "rq-3"], choices, strict=True))
    result = risk_assess(questionnaire=questionnaire, answers=answers)
    assert (result.score, result.level, result.matches) == (score, level, matches)
    assert result.max_score == 100
    assert [p["code"] for p in result.products] == matches


def test_unanswered_question_is_refused_in_chinese(bank):
    with pytest.raises(LearningError, match="第2题还没有选择"):
        risk_assess(questionnaire=RiskQuestionnaire.objects.get(), answers={"rq-1": 0, "rq-3": 0})


def test_api_returns_level_with_disclaimer_and_stores_for_users(api_client, learner, bank):
    questions = api_client.get("/learning/risk").json()
    assert "不能替代" in questions["disclaimer"]
    assert "points" not in str(questions["questions"])
    api_client.c.force_login(learner)
    response = api_client.post("/learning/risk", {"answers": {"rq-1": 5, "rq-2": 1, "rq-3": 0}})
    assert response.status_code == 200
    assert response.json()["level"] == "C4"
    assert RiskResult.objects.get(user=learner).level == "C4"
    bad = api_client.post("/learning/risk", {"answers": {"rq-1": 9}})
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "incomplete"


def test_page_marks_the_test_as_education_not_an_official_assessment(client, bank):
    page = client.get("/learn/risk/").content.decode()
    assert "仅供学习参考" in page
    result = client.post("/learn/risk/", {"rq-1": "3", "rq-2": "0", "rq-3": "0"})
    html = result.content.decode()
    assert result.status_code == 200
    assert "C2 · 相对保守型" in html
    assert "不是金融机构的正式风险测评" in html
    missing = client.post("/learn/risk/", {"rq-1": "3"})
    assert missing.status_code == 400
    assert "第2题还没有选择" in missing.content.decode()
    assert not RiskResult.objects.exists()  # visitors' results are not stored
