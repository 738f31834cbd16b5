"""Practice and 闯关 through the API: server-side checking, tampering, unlocking, points."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanlixing.learning.models import Attempt, LearnerTopicStat, Question, Response, WrongAnswer
from wanlixing.rewards.models import PointsEntry

from .conftest import right_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def correct_map(bank):
    return dict(Question.objects.values_list("pk", "correct"))


def start(api_client, quiz, level=1):
    response = api_client.post(f"/learning/quizzes/{quiz.pk}/attempts", {"level": level})
    assert response.status_code == 201, response.content
    return response.json()


def submit(api_client, attempt, answers):
    return api_client.post(f"/learning/attempts/{attempt['id']}/submit", {"answers": answers})


def test_attempt_serves_questions_without_answers(api_client, ladder):
    data = start(api_client, ladder)
    assert len(data["questions"]) == 5
    assert data["level"] == 1
    assert all("correct" not in q and "explanation" not in q for q in data["questions"])
    attempt = Attempt.objects.get(pk=data["id"])
    assert attempt.question_ids == [q["id"] for q in data["questions"]]


def test_first_ladder_level_serves_the_easiest_questions(api_client, ladder):
    data = start(api_client, ladder, level=1)
    assert sorted(q["difficulty"] for q in data["questions"]) == [1, 1, 2, 2, 2]


def test_submission_is_checked_on_the_server_with_explanations(
    api_client, learner, ladder, correct_map
):
    api_client.c.force_login(learner)
    data = start(api_client, ladder)
    response = submit(api_client, data, right_answers(data, correct_map, wrong=1))
    assert response.status_code == 200
    result = response.json()
    assert result["correct"] == 4
    assert result["total"] == 5
    assert result["score"] == 80
    assert result["passed"] is True
    assert [i["is_correct"] for i in result["items"]] == [False, True, True, True, True]
    assert all(i["explanation"] for i in result["items"])
    assert Response.objects.filter(attempt_id=data["id"], user=learner).count() == 5


def test_exactly_80_percent_unlocks_the_next_level_and_60_does_not(
    api_client, learner, ladder, correct_map
):
    api_client.c.force_login(learner)
    failed = start(api_client, ladder)
    result = submit(api_client, failed, right_answers(failed, correct_map, wrong=2)).json()
    assert result["score"] == 60
    assert result["passed"] is False
    assert result["unlocked_level"] is None
    locked = api_client.post(f"/learning/quizzes/{ladder.pk}/attempts", {"level": 2})
    assert locked.status_code == 403
    assert locked.json()["error"]["code"] == "level_locked"
    assert "第2关还没有解锁" in locked.json()["error"]["message"]

    passed = start(api_client, ladder)
    result = submit(api_client, passed, right_answers(passed, correct_map, wrong=1)).json()
    assert result["passed"] is True
    assert result["unlocked_level"] == 2
    assert api_client.get(f"/learning/quizzes/{ladder.pk}").json()["best_level"] == 1
    assert start(api_client, ladder, level=2)["level"] == 2
    skipping = api_client.post(f"/learning/quizzes/{ladder.pk}/attempts", {"level": 3})
    assert skipping.status_code == 403


def test_points_are_awarded_once_per_level_repeating_earns_nothing(
    api_client, learner, ladder, correct_map
):
    api_client.c.force_login(learner)
    first = start(api_client, ladder)
    result = submit(api_client, first, right_answers(first, correct_map)).json()
    assert result["points_awarded"] == 10
    again = start(api_client, ladder)
    result = submit(api_client, again, right_answers(again, correct_map)).json()
    assert result["points_awarded"] == 0
    assert result["points_already_earned"] is True
    entries = PointsEntry.objects.filter(user=learner)
    assert list(entries.values_list("activity", "points")) == [(f"quiz:{ladder.pk}:1", 10)]


def test_failed_level_earns_no_points(api_client, learner, ladder, correct_map):
    api_client.c.force_login(learner)
    data = start(api_client, ladder)
    result = submit(api_client, data, right_answers(data, correct_map, wrong=3)).json()
    assert result["points_awarded"] == 0
    assert not PointsEntry.objects.filter(user=learner).exists()


def test_practice_round_pays_once_when_passed(api_client, learner, practice, correct_map):
    api_client.c.force_login(learner)
    for _ in range(2):
        data = start(api_client, practice)
        submit(api_client, data, right_answers(data, correct_map))
    assert list(PointsEntry.objects.filter(user=learner).values_list("activity", "points")) == [
        (f"quiz:{practice.pk}:0", 5)
    ]


def test_answers_to_questions_not_in_the_attempt_are_rejected_and_change_nothing(
    api_client, learner, ladder, correct_map
):
    api_client.c.force_login(learner)
    data = start(api_client, ladder)
    answers = right_answers(data, correct_map)
    served = {q["id"] for q in data["questions"]}
    outsider = Question.objects.exclude(pk__in=served).first()
    answers[str(outsider.pk)] = [0]
    response = submit(api_client, data, answers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_in_attempt"
    assert "不属于本次答题" in response.json()["error"]["message"]
    assert Attempt.objects.get(pk=data["id"]).submitted_at is None
    assert not Response.objects.exists()
    assert not PointsEntry.objects.exists()
    assert not LearnerTopicStat.objects.exists()


def test_replaying_a_finished_attempt_is_rejected(api_client, learner, ladder, correct_map):
    api_client.c.force_login(learner)
    data = start(api_client, ladder)
    answers = right_answers(data, correct_map, wrong=2)
    assert submit(api_client, data, answers).status_code == 200
    replay = submit(api_client, data, right_answers(data, correct_map))
    assert replay.status_code == 409
    assert replay.json()["error"]["code"] == "already_submitted"
    attempt = Attempt.objects.get(pk=data["id"])
    assert attempt.correct_count == 3
    assert Response.objects.filter(attempt=attempt).count() == 5
    assert not PointsEntry.objects.exists()


def test_late_submission_is_rejected_and_changes_nothing(api_client, learner, ladder, correct_map):
    api_client.c.force_login(learner)
    data = start(api_client, ladder)
    Attempt.objects.filter(pk=data["id"]).update(expires_at=timezone.now() - timedelta(minutes=2))
    response = submit(api_client, data, right_answers(data, correct_map))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "attempt_expired"
    assert "已超过答题时限" in response.json()["error"]["message"]
    assert Attempt.objects.get(pk=data["id"]).submitted_at is None
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("answer", "code"),
    [([9], "invalid_answer"), ([0, 0], "invalid_answer"), (["x"], "validation_error")],
)
def test_malformed_answers_are_rejected(api_client, ladder, answer, code):
    data = start(api_client, ladder)
    qid = str(data["questions"][0]["id"])
    response = submit(api_client, data, {qid: answer})
    assert response.status_code in (400, 422)
    assert response.json()["error"]["code"] == code
    assert not Response.objects.exists()


def test_single_choice_with_two_options_is_rejected(api_client, ladder):
    data = start(api_client, ladder)
    single = next(q for q in data["questions"] if q["kind"] != "multiple")
    response = submit(api_client, data, {str(single["id"]): [0, 1]})
    assert response.status_code == 400
    assert "只能选一个答案" in response.json()["error"]["message"]


def test_someone_elses_attempt_is_not_found(api_client, learner, outsider, ladder, correct_map):
    api_client.c.force_login(learner)
    data = start(api_client, ladder)
    api_client.c.force_login(outsider)
    response = submit(api_client, data, right_answers(data, correct_map))
    assert response.status_code == 404
    assert Attempt.objects.get(pk=data["id"]).submitted_at is None


def test_anonymous_visitor_practises_in_the_session_without_points(
    api_client, ladder, correct_map, client
):
    data = start(api_client, ladder)
    attempt = Attempt.objects.get(pk=data["id"])
    assert attempt.user is None
    assert attempt.session_key
    result = submit(api_client, data, right_answers(data, correct_map)).json()
    assert result["passed"] is True
    assert result["points_awarded"] == 0
    assert not PointsEntry.objects.exists()
    # Unlocking is remembered in the visitor's session.
    assert start(api_client, ladder, level=2)["level"] == 2


def test_another_session_cannot_submit_a_visitors_attempt(api_client, ladder, correct_map):
    data = start(api_client, ladder)
    api_client.c.cookies.clear()
    response = submit(api_client, data, right_answers(data, correct_map))
    assert response.status_code == 404


def test_wrong_answers_enter_the_book_and_are_mastered_when_answered_right(
    api_client, learner, ladder, correct_map
):
    api_client.c.force_login(learner)
    data = start(api_client, ladder)
    submit(api_client, data, right_answers(data, correct_map, wrong=2))
    book = api_client.get("/learning/wrong-answers").json()
    assert len(book) == 2
    assert all(entry["explanation"] and entry["correct"] for entry in book)
    stat = LearnerTopicStat.objects.get(user=learner)
    assert (stat.answered, stat.correct, stat.wrong_open) == (5, 3, 2)

    redo = api_client.post("/learning/wrong-answers/attempts")
    assert redo.status_code == 201
    redo_data = redo.json()
    assert {q["id"] for q in redo_data["questions"]} == {e["question"]["id"] for e in book}
    submit(api_client, redo_data, right_answers(redo_data, correct_map))
    assert api_client.get("/learning/wrong-answers").json() == []
    assert WrongAnswer.objects.filter(user=learner, mastered_at__isnull=False).count() == 2
    stat.refresh_from_db()
    assert (stat.answered, stat.correct, stat.wrong_open) == (7, 5, 0)
    empty = api_client.post("/learning/wrong-answers/attempts")
    assert empty.status_code == 404
    assert empty.json()["error"]["message"] == "错题本里没有需要重做的题目。"


def test_answering_a_mastered_question_wrong_reopens_it(api_client, learner, bank):
    from wanlixing.learning.services import responses_record

    question = Question.objects.get(key="t-cr-001")
    responses_record(
        question=question, is_correct=False, user=learner, source="livequiz", chosen=[0]
    )
    responses_record(
        question=question, is_correct=True, user=learner, source="livequiz", chosen=[1]
    )
    responses_record(
        question=question, is_correct=False, user=learner, source="livequiz", chosen=[2]
    )
    entry = WrongAnswer.objects.get(user=learner, question=question)
    assert entry.mastered_at is None
    assert entry.wrong_count == 2
    assert LearnerTopicStat.objects.get(user=learner, topic=question.topic).wrong_open == 1


def test_responses_record_feeds_statistics_for_anonymous_answers(bank):
    from wanlixing.learning.services import responses_record

    question = Question.objects.get(key="t-cr-001")
    response = responses_record(question=question, is_correct=True, source="event")
    assert response.user is None
    assert response.attempt is None
    assert not WrongAnswer.objects.exists()


def test_many_anonymous_answers_are_recorded_in_one_call(bank):
    from django.utils import timezone

    from wanlixing.learning.models import Response
    from wanlixing.learning.services import responses_record_anonymous

    question = Question.objects.get(key="t-cr-001")
    now = timezone.now()
    count = responses_record_anonymous(
        answers=[(question.pk, [1], True, now), (question.pk, [0], False, now)], source="livequiz"
    )
    assert count == 2
    rows = Response.objects.filter(question=question, source="livequiz").order_by("pk")
    assert [(r.user_id, r.chosen, r.is_correct) for r in rows] == [
        (None, [1], True),
        (None, [0], False),
    ]
    assert not WrongAnswer.objects.exists()


def test_daily_question_is_the_same_for_everyone_and_pays_once(
    api_client, learner, volunteer, bank, correct_map
):
    api_client.c.force_login(learner)
    mine = api_client.post("/learning/daily").json()
    assert api_client.post("/learning/daily").json()["id"] == mine["id"]  # same attempt
    api_client.c.force_login(volunteer)
    theirs = api_client.post("/learning/daily").json()
    assert theirs["id"] != mine["id"]
    assert theirs["questions"][0]["id"] == mine["questions"][0]["id"]
    api_client.c.logout()
    visitor = api_client.post("/learning/daily").json()
    assert visitor["questions"][0]["id"] == mine["questions"][0]["id"]

    api_client.c.force_login(learner)
    result = submit(api_client, mine, right_answers(mine, correct_map)).json()
    assert result["points_awarded"] == 5
    today = timezone.localdate().isoformat()
    assert PointsEntry.objects.get(user=learner).activity == f"daily:{today}"
    again = submit(api_client, mine, right_answers(mine, correct_map))
    assert again.status_code == 409


def test_daily_question_is_deterministic_by_date(bank):
    from datetime import date

    from wanlixing.learning.models import DailyQuestion
    from wanlixing.learning.services import daily_question_for

    first = daily_question_for(date(2026, 3, 15))
    DailyQuestion.objects.all().delete()
    assert daily_question_for(date(2026, 3, 15)) == first
    days = {daily_question_for(date(2026, 3, d)).pk for d in range(1, 29)}
    assert len(days) > 3  # the question changes from day to day


def test_unknown_quiz_gives_chinese_404(api_client, bank):
    response = api_client.post("/learning/quizzes/99999/attempts", {"level": 1})
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "没有找到这个测验。"
