"""The learning pages as a person uses them: topic, answer, explanations, points, panels."""

import json

import pytest
from django.core.management import call_command

from wanlixing.learning.models import Attempt, Question
from wanlixing.rewards.models import PointsEntry

pytestmark = pytest.mark.django_db


def answer_all(client, attempt_url, wrong=0):
    attempt = Attempt.objects.get(pk=int(attempt_url.rstrip("/").split("/")[-1]))
    data = {}
    for n, qid in enumerate(attempt.question_ids):
        question = Question.objects.get(pk=qid)
        chosen = (
            question.correct
            if n >= wrong
            else [i for i in range(len(question.options)) if [i] != question.correct][:1]
        )
        data[f"q{qid}"] = [str(i) for i in chosen]
    return client.post(attempt_url, data)


def test_topic_quiz_result_with_explanations_and_points(client, learner, ladder):
    client.force_login(learner)
    page = client.get("/learn/topics/deposit-insurance/").content.decode()
    assert "存款与存款保险·闯关" in page
    assert "开始第 1 关" in page
    assert "未解锁" in page
    response = client.post(f"/learn/quizzes/{ladder.pk}/start/", {"level": "1"})
    attempt_url = response["Location"]
    form = client.get(attempt_url).content.decode()
    assert form.count('type="radio"') + form.count('type="checkbox"') >= 10
    assert "提交答案" in form
    assert "共 5 道题" in form
    response = answer_all(client, attempt_url)
    assert response.status_code == 302
    result = client.get(attempt_url).content.decode()
    assert "答对 5 / 5 题（100 分）" in result
    assert "解析：" in result
    assert "本次获得 10 积分。" in result
    assert "第 2 关已解锁。" in result
    assert PointsEntry.objects.get(user=learner).points == 10
    # Posting again is a replay: refused in Chinese, nothing changes.
    replay = answer_all(client, attempt_url)
    assert replay.status_code == 409
    assert "已经提交过了" in replay.content.decode()
    assert PointsEntry.objects.count() == 1
    # Repeating the level earns nothing new, and says so.
    response = client.post(f"/learn/quizzes/{ladder.pk}/start/", {"level": "1"})
    answer_all(client, response["Location"])
    assert "这项积分之前已经领取过" in client.get(response["Location"]).content.decode()


def test_forged_answer_field_is_refused(client, ladder):
    response = client.post(f"/learn/quizzes/{ladder.pk}/start/", {"level": "1"})
    outsider = Question.objects.exclude(pk__in=Attempt.objects.get().question_ids).first()
    refused = client.post(response["Location"], {f"q{outsider.pk}": "0"})
    assert refused.status_code == 400
    assert "不属于本次答题" in refused.content.decode()
    bad = client.post(response["Location"], {"q1": "abc"})
    assert bad.status_code == 400


def test_locked_level_page_explains(client, ladder):
    response = client.post(f"/learn/quizzes/{ladder.pk}/start/", {"level": "3"})
    assert response.status_code == 403
    assert "第3关还没有解锁" in response.content.decode()


def test_visitor_sees_login_hint_instead_of_points(client, ladder):
    response = client.post(f"/learn/quizzes/{ladder.pk}/start/", {"level": "1"})
    answer_all(client, response["Location"])
    assert "后答题可以获得积分" in client.get(response["Location"]).content.decode()


def test_every_page_renders(client, learner, bank):
    for url in [
        "/learn/",
        "/learn/literacy/",
        "/learn/literacy/B/",
        "/learn/risk/",
        "/learn/path/",
        "/learn/review/",
        "/learn/topics/credit-report/",
    ]:
        assert client.get(url).status_code == 200, url
    client.force_login(learner)
    for url in ["/learn/", "/learn/review/", "/learn/path/"]:
        assert client.get(url).status_code == 200, url
    assert client.get("/learn/topics/no-such/").status_code == 404
    assert client.get("/learn/literacy/C/").status_code == 404
    assert client.get("/learn/read/999999/").status_code == 404


def test_daily_question_page(client, bank):
    response = client.get("/learn/daily/")
    assert response.status_code == 302
    assert client.get("/learn/daily/")["Location"] == response["Location"]
    assert "每日一题" in client.get(response["Location"]).content.decode()


def test_review_page_lists_wrong_answers_with_explanations(client, learner, ladder):
    client.force_login(learner)
    response = client.post(f"/learn/quizzes/{ladder.pk}/start/", {"level": "1"})
    answer_all(client, response["Location"], wrong=2)
    page = client.get("/learn/review/").content.decode()
    assert "还有 2 道题待掌握" in page
    assert page.count("解析：") == 2
    redo = client.post("/learn/review/")
    assert redo.status_code == 302
    answer_all(client, redo["Location"])
    assert "还有 0 道题待掌握，已掌握 2 道" in client.get("/learn/review/").content.decode()


def test_home_and_me_panels(client, learner, bank):
    from .factories import ArticleFactory

    ArticleFactory(title="首页不重复推荐文章")
    home = client.get("/").content.decode()
    start = home.index('id="panel-learning-title"')
    panel = home[start : home.index("</section>", start)]
    assert "学习推荐" in panel
    assert "金融素养测评（A卷）" in panel
    assert "首页不重复推荐文章" not in panel  # the library's panel recommends articles
    client.force_login(learner)
    assert "做今天的每日一题" in client.get("/").content.decode()
    assert "我的学习" in client.get("/accounts/me/").content.decode()


def test_stats_json_counts_inventory(bank, capsys):
    from .factories import ArticleFactory, topic

    ArticleFactory(topic=topic("credit-report"))
    ArticleFactory(kind="case", topic=topic("credit-report"))
    ArticleFactory(kind="video", topic=topic("deposit-insurance"), status="draft")
    call_command("stats", "--json")
    data = json.loads(capsys.readouterr().out)
    assert (data["articles"], data["cases"], data["videos"]) == (1, 1, 0)
    assert (data["questions"], data["practice_questions"], data["literacy_items"]) == (21, 13, 8)
    assert data["quizzes"] == 4
    credit = next(t for t in data["topics"] if t["slug"] == "credit-report")
    assert credit == {
        "slug": "credit-report",
        "name": "征信",
        "articles": 1,
        "cases": 1,
        "videos": 0,
        "questions": 5 + 3,
        "quizzes": 2,
    }
