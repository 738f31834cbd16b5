"""Item statistics on a hand-computed fixture.

Ten submitted attempts of three questions (1 = answered right):

    attempt  Q1 Q2 Q3  total
    A1        1  1  1    3
    A2        1  1  1    3
    A3        1  1  0    2
    A4        1  0  1    2
    A5        1  1  0    2
    A6        0  1  0    1
    A7        1  0  0    1
    A8        0  0  1    1
    A9        0  0  0    0
    A10       0  1  0    1

Ranked by total (ties: earlier attempt first): A1 A2 A3 A4 A5 A6 A7 A8 A10 A9.
g = round(0.27 × 10) = 3: upper = A1 A2 A3, lower = A8 A10 A9.
    Q1: upper 3, lower 0 → D = 3/3 = 1.0;     p = 6/10
    Q2: upper 3, lower 1 → D = 2/3 = 0.6667;  p = 6/10
    Q3: upper 2, lower 1 → D = 1/3 = 0.3333;  p = 4/10
Then one live-quiz answer to Q1 (right) and one daily attempt on Q3 (wrong): they count
for facility (Q1 7/11, Q3 4/11) but not for discrimination (no attempt / one question).
"""

import pytest
from django.utils import timezone

from wanlixing.learning.itemstats import (
    item_statistics_refresh,
    item_statistics_schedule,
    literacy_form_comparison,
    upper_lower_index,
)
from wanlixing.learning.models import Attempt, ItemStatistic, Response
from wanlixing.learning.services import responses_record

from .factories import QuestionFactory

pytestmark = pytest.mark.django_db

PATTERN = [
    (1, 1, 1),
    (1, 1, 1),
    (1, 1, 0),
    (1, 0, 1),
    (1, 1, 0),
    (0, 1, 0),
    (1, 0, 0),
    (0, 0, 1),
    (0, 0, 0),
    (0, 1, 0),
]


def make_attempt(questions, marks, kind="practice"):
    now = timezone.now()
    attempt = Attempt.objects.create(
        kind=kind,
        question_ids=[q.pk for q in questions],
        expires_at=now,
        submitted_at=now,
        correct_count=sum(marks),
    )
    for question, mark in zip(questions, marks, strict=True):
        Response.objects.create(
            question=question, attempt=attempt, source=kind, chosen=[0], is_correct=bool(mark)
        )
    return attempt


@pytest.fixture
def answered():
    questions = QuestionFactory.create_batch(3)
    for marks in PATTERN:
        make_attempt(questions, marks)
    return questions


def test_facility_and_upper_lower_discrimination_match_hand_computation(answered):
    _q1, _q2, _q3 = answered
    assert item_statistics_refresh() == 3
    s1, s2, s3 = (ItemStatistic.objects.get(question=q) for q in answered)
    assert (s1.responses, s1.correct, s1.facility) == (10, 6, 0.6)
    assert (s2.responses, s2.correct, s2.facility) == (10, 6, 0.6)
    assert (s3.responses, s3.correct, s3.facility) == (10, 4, 0.4)
    assert (s1.attempts, s1.group_size, s1.upper_correct, s1.lower_correct) == (10, 3, 3, 0)
    assert s1.discrimination == 1.0
    assert (s2.upper_correct, s2.lower_correct, s2.discrimination) == (3, 1, 0.6667)
    assert (s3.upper_correct, s3.lower_correct, s3.discrimination) == (2, 1, 0.3333)


def test_answers_outside_multi_question_attempts_count_only_for_facility(answered):
    q1, _q2, q3 = answered
    responses_record(question=q1, is_correct=True, source="livequiz")
    make_attempt([q3], (0,), kind="daily")
    item_statistics_refresh()
    s1 = ItemStatistic.objects.get(question=q1)
    s3 = ItemStatistic.objects.get(question=q3)
    assert (s1.responses, s1.correct, s1.facility) == (11, 7, round(7 / 11, 4))
    assert (s3.responses, s3.correct, s3.facility) == (11, 4, round(4 / 11, 4))
    assert (s1.attempts, s1.discrimination) == (10, 1.0)
    assert (s3.attempts, s3.discrimination) == (10, 0.3333)


def test_discrimination_needs_enough_attempts():
    few = upper_lower_index([(1.0, 1, True), (0.5, 2, False), (0.0, 3, False)])
    assert few.group_size == 1
    assert (few.upper_correct, few.lower_correct) == (1, 0)
    assert few.index is None  # fewer than 10 attempts: not reported
    assert upper_lower_index([]).index is None


def test_refresh_of_some_questions_leaves_others_alone(answered):
    q1, _q2, _q3 = answered
    item_statistics_refresh(question_ids=[q1.pk])
    assert list(ItemStatistic.objects.values_list("question_id", flat=True)) == [q1.pk]
    # Totals still use every question of each attempt.
    assert ItemStatistic.objects.get(question=q1).discrimination == 1.0


def test_a_question_without_answers_gets_an_empty_row_when_asked_for():
    question = QuestionFactory()
    item_statistics_refresh(question_ids=[question.pk])
    stat = ItemStatistic.objects.get(question=question)
    assert (stat.responses, stat.facility, stat.discrimination) == (0, None, None)


def test_submitting_schedules_one_background_refresh(answered, django_capture_on_commit_callbacks):
    assert item_statistics_schedule() is True  # runs the task (immediate backend in tests)
    assert ItemStatistic.objects.count() == 3
    assert item_statistics_schedule() is False  # debounced


def test_refresh_from_the_back_office(client, platform_admin, answered):
    client.force_login(platform_admin)
    response = client.post("/admin/learning/question/refresh-statistics/")
    assert response.status_code == 302
    assert ItemStatistic.objects.get(question=answered[0]).discrimination == 1.0
    page = client.get("/admin/learning/question/")
    assert "1.00" in page.content.decode()  # the discrimination column
    assert "0.60" in page.content.decode()  # the facility column


def test_literacy_forms_are_compared_by_mean_expected_facility(bank):
    a, b = literacy_form_comparison()
    assert (a.form, a.items, b.form, b.items) == ("A", 4, "B", 4)
    assert a.mean_expected_p == round((0.8 + 0.6 + 0.7 + 0.5) / 4, 3)  # 0.65
    assert b.mean_expected_p == round((0.78 + 0.62 + 0.72 + 0.5) / 4, 3)  # 0.655
    assert a.dimensions == {"利息计算": 1, "通货膨胀": 1, "防范诈骗": 2}
    assert a.mean_observed_p is None


def test_comparability_is_shown_in_the_back_office(client, platform_admin, bank):
    client.force_login(platform_admin)
    page = client.get("/admin/learning/literacyitem/").content.decode()
    assert "A、B 卷可比性" in page
    assert "0.65" in page
    assert "0.655" in page
