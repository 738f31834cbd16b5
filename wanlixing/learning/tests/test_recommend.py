"""为你推荐: reasons for every step, from wrong answers, segment, region and progress."""

import pytest

from wanlixing.accounts.models import Segment
from wanlixing.learning.models import LearnerTopicStat, Question, QuizProgress
from wanlixing.learning.recommend import path_for_segment, path_for_user
from wanlixing.learning.services import responses_record

from .factories import ArticleFactory, topic

pytestmark = pytest.mark.django_db


def reasons(items):
    return [item.reason for item in items]


def test_wrong_answers_in_a_topic_lead_the_path_with_the_count(learner, bank):
    for key in ["t-cr-001", "t-cr-002", "t-cr-003"]:
        responses_record(
            question=Question.objects.get(key=key), is_correct=False, user=learner, source="other"
        )
    ArticleFactory(title="怎样看懂信用报告", topic=topic("credit-report"))
    items = path_for_user(learner)
    assert items[0].kind == "review"
    assert items[0].url == "/learn/review/?topic=credit-report"
    assert items[0].reason == "因为您最近在“征信”题目上答错了3道"
    assert items[1].title == "怎样看懂信用报告"
    assert items[1].reason == "因为您最近在“征信”题目上答错了3道"


def test_mastered_wrong_answers_no_longer_count(learner, bank):
    question = Question.objects.get(key="t-cr-001")
    responses_record(question=question, is_correct=False, user=learner, source="other")
    responses_record(question=question, is_correct=True, user=learner, source="other")
    assert not any(item.kind == "review" for item in path_for_user(learner))


def test_older_learners_get_items_for_the_elderly(learner, bank):
    # learner's age band is 60-69: counted as 老年人 even without the segment.
    elderly_article = ArticleFactory(title="养老骗局识别", topic=topic("pension-finance"))
    elderly_article.audiences.add(Segment.objects.get(code="elderly"))
    items = path_for_user(learner)
    assert "适合老年人" in reasons(items)
    article = next(i for i in items if i.title == "养老骗局识别")
    assert article.reason == "适合老年人"
    ladder = next(i for i in items if i.kind == "quiz")
    assert ladder.reason == "适合老年人"
    assert ladder.title == "存款与存款保险·闯关：第1关"


def test_regional_items_say_why(learner, bank):
    local = ArticleFactory(title="深圳地区防范养老诈骗", regions=["440300"])
    ArticleFactory(title="北京地区提示", regions=["110000"])
    items = path_for_user(learner)  # learner lives in 440305 (深圳市南山区)
    regional = [i for i in items if i.reason.startswith("您所在地区")]
    assert [i.title for i in regional] == [local.title]
    assert regional[0].reason == "您所在地区（广东省 深圳市 南山区）的相关内容"


def test_finished_ladders_and_opened_articles_are_skipped(client, learner, bank):
    from wanlixing.learning.models import Quiz

    ladder = Quiz.objects.get(slug="deposit-insurance-ladder")
    QuizProgress.objects.create(user=learner, quiz=ladder, best_level=5)
    article = ArticleFactory(title="已读文章", topic=topic("deposit-insurance"))
    article.audiences.add(Segment.objects.get(code="elderly"))
    client.force_login(learner)
    response = client.get(f"/learn/read/{article.pk}/")
    assert response["Location"] == article.get_absolute_url()
    titles = [i.title for i in path_for_user(learner)]
    assert "已读文章" not in titles
    assert not any(t.startswith("存款与存款保险·闯关") for t in titles)


def test_partly_climbed_ladder_offers_the_next_level(learner, bank):
    from wanlixing.learning.models import Quiz

    QuizProgress.objects.create(
        user=learner, quiz=Quiz.objects.get(slug="deposit-insurance-ladder"), best_level=2
    )
    titles = [i.title for i in path_for_user(learner)]
    assert "存款与存款保险·闯关：第3关" in titles


def test_literacy_gaps_point_to_their_topics(api_client, learner, bank):
    ArticleFactory(title="利率与物价", topic=topic("deposit-insurance"))
    api_client.c.force_login(learner)
    data = api_client.post("/learning/literacy/forms/A/attempts").json()
    api_client.post(f"/learning/attempts/{data['id']}/submit", {"answers": {}})
    items = path_for_user(learner)
    gap = next(i for i in items if i.reason.startswith("您在金融素养测评"))
    assert gap.title == "利率与物价"
    assert not any(i.kind == "literacy" for i in items)  # already taken


def test_new_learner_is_invited_to_the_literacy_test(volunteer, bank):
    items = path_for_user(volunteer)
    assert items[0].kind == "literacy"
    assert all(item.reason for item in items)


def test_articles_for_other_segments_are_not_offered(learner, bank):
    for_students = ArticleFactory(title="写给学生的", topic=topic("pension-finance"))
    for_students.audiences.add(Segment.objects.get(code="student"))
    ArticleFactory(title="写给所有人的", topic=topic("pension-finance"))
    titles = [i.title for i in path_for_user(learner)]
    assert "写给学生的" not in titles
    assert "写给所有人的" in titles


def test_visitor_picks_a_segment(client, bank):
    student = ArticleFactory(title="校园贷陷阱", topic=topic("credit-card"))
    student.audiences.add(Segment.objects.get(code="student"))
    items = path_for_segment("student")
    assert ("校园贷陷阱", "适合青少年学生") in [(i.title, i.reason) for i in items]
    page = client.get("/learn/path/?segment=student").content.decode()
    assert "校园贷陷阱" in page
    assert "适合青少年学生" in page
    assert client.session["learning_segment"] == "student"


def test_path_reads_a_fixed_number_of_queries(learner, bank, django_assert_max_num_queries):
    for key in ["t-cr-001", "t-dep-001"]:
        responses_record(
            question=Question.objects.get(key=key), is_correct=False, user=learner, source="other"
        )
    path_for_user(learner)  # warms the catalogue
    with django_assert_max_num_queries(1):
        path_for_user(learner)
    assert LearnerTopicStat.objects.filter(user=learner).count() == 2


def test_api_path(api_client, learner, bank):
    assert api_client.get("/learning/path?segment=rural").status_code == 200
    api_client.c.force_login(learner)
    items = api_client.get("/learning/path").json()
    assert items
    assert all(set(i) == {"kind", "title", "url", "reason", "topic"} for i in items)
