"""The literacy test: pure scoring with sub-scores and gaps, stored results, points, links."""

import pytest

from wanlixing.learning.models import LiteracyResult
from wanlixing.learning.services import literacy_score
from wanlixing.rewards.models import PointsEntry

from .factories import ArticleFactory, topic

pytestmark = pytest.mark.django_db

ALL_RIGHT_A = {"t-lit-a-01": [1], "t-lit-a-02": [2], "t-lit-a-03": [0], "t-lit-a-04": [1]}


def test_all_right_scores_100_with_no_gaps(bank):
    score = literacy_score(form="A", answers=ALL_RIGHT_A)
    assert (score.score, score.correct, score.total) == (100, 4, 4)
    assert score.gaps == []
    assert [(d.code, d.score) for d in score.dimensions] == [
        ("interest", 100),
        ("inflation", 100),
        ("fraud", 100),
    ]


def test_sub_scores_and_gaps_with_known_values(bank):
    answers = {**ALL_RIGHT_A, "t-lit-a-02": [0], "t-lit-a-04": [2]}
    score = literacy_score(form="A", answers=answers)
    assert (score.score, score.correct) == (50, 2)
    dims = {d.code: (d.correct, d.total, d.score) for d in score.dimensions}
    assert dims == {"interest": (1, 1, 100), "inflation": (0, 1, 0), "fraud": (1, 2, 50)}
    assert [d.code for d in score.gaps] == ["inflation", "fraud"]  # weakest first
    assert score.missed == ["t-lit-a-02", "t-lit-a-04"]
    assert {d.code: d.topics for d in score.gaps} == {
        "inflation": ["deposit-insurance"],
        "fraud": ["deposit-insurance"],
    }


def test_missing_answers_count_as_wrong_and_foreign_keys_are_refused(bank):
    assert literacy_score(form="B", answers={}).score == 0
    with pytest.raises(ValueError, match="t-lit-a-01"):
        literacy_score(form="B", answers={"t-lit-a-01": [1]})
    with pytest.raises(ValueError, match="has no items"):
        literacy_score(form="C", answers={})


def test_forms_share_no_items(bank):
    from wanlixing.learning.models import LiteracyItem

    a = set(LiteracyItem.objects.filter(form="A").values_list("question_id", flat=True))
    b = set(LiteracyItem.objects.filter(form="B").values_list("question_id", flat=True))
    assert a
    assert b
    assert not a & b


def test_literacy_items_never_appear_in_practice(api_client, bank):
    from wanlixing.learning.models import Question

    literacy_ids = set(Question.objects.filter(purpose="literacy").values_list("pk", flat=True))
    for _ in range(5):
        data = api_client.post("/learning/daily").json()
        assert not literacy_ids & {q["id"] for q in data["questions"]}


def test_taking_the_test_stores_the_result_and_pays_once(api_client, learner, bank):
    api_client.c.force_login(learner)
    for expected_points in (20, 0):
        data = api_client.post("/learning/literacy/forms/A/attempts").json()
        assert [q["key"] for q in data["questions"]] == list(ALL_RIGHT_A)
        answers = {str(q["id"]): ALL_RIGHT_A[q["key"]] for q in data["questions"]}
        answers[str(data["questions"][1]["id"])] = [0]
        result = api_client.post(
            f"/learning/attempts/{data['id']}/submit", {"answers": answers}
        ).json()
        assert result["literacy"]["score"] == 75
        assert result["literacy"]["gaps"] == ["inflation"]
        assert result["points_awarded"] == expected_points
    assert LiteracyResult.objects.filter(user=learner).count() == 2
    stored = LiteracyResult.objects.filter(user=learner).first()
    assert stored.dimensions["inflation"]["score"] == 0
    assert list(PointsEntry.objects.values_list("activity", flat=True)) == ["literacy:A"]
    mine = api_client.get("/learning/literacy/results").json()
    assert [r["score"] for r in mine] == [75, 75]


def test_visitor_result_is_not_stored(api_client, bank):
    data = api_client.post("/learning/literacy/forms/b/attempts").json()
    result = api_client.post(f"/learning/attempts/{data['id']}/submit", {"answers": {}}).json()
    assert result["literacy"]["score"] == 0
    assert not LiteracyResult.objects.exists()


def test_result_page_names_gaps_and_links_articles_of_their_topics(client, learner, bank):
    article = ArticleFactory(title="通货膨胀会吃掉存款吗", topic=topic("deposit-insurance"))
    ArticleFactory(title="草稿不显示", topic=topic("deposit-insurance"), status="draft")
    client.force_login(learner)
    response = client.post("/learn/literacy/A/")
    attempt_url = response["Location"]
    page = client.get(attempt_url).content.decode()
    assert "金融素养测评 · A卷" in page
    client.post(attempt_url, {})  # nothing answered
    page = client.get(attempt_url).content.decode()
    assert "金融素养得分：0 分" in page
    assert "还需要补一补的地方" in page
    assert "通货膨胀" in page
    assert "防范诈骗" in page
    assert f"/learn/read/{article.pk}/" in page
    assert "草稿不显示" not in page
