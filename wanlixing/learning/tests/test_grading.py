"""Scoring rules with known values: all-or-nothing multiple choice, percentages, 80% pass."""

import pytest

from wanlixing.learning.models import Question
from wanlixing.learning.services import answer_is_correct, passes, percent


def q(kind, correct, options=("甲", "乙", "丙", "丁")):
    return Question(kind=kind, options=list(options), correct=correct)


def test_single_choice_is_correct_only_for_the_right_option():
    question = q("single", [2])
    assert answer_is_correct(question, [2])
    assert not answer_is_correct(question, [1])
    assert not answer_is_correct(question, [])


def test_multiple_choice_is_all_or_nothing():
    question = q("multiple", [0, 2])
    assert answer_is_correct(question, [0, 2])
    assert answer_is_correct(question, [2, 0])  # order does not matter
    assert not answer_is_correct(question, [0])  # missing one: no partial credit
    assert not answer_is_correct(question, [0, 2, 3])  # one extra: wrong
    assert not answer_is_correct(question, [0, 0, 2])  # duplicates are not a valid answer


def test_true_false_uses_index_0_for_true_and_1_for_false():
    statement_is_false = q("truefalse", [1], options=("正确", "错误"))
    assert answer_is_correct(statement_is_false, [1])
    assert not answer_is_correct(statement_is_false, [0])


@pytest.mark.parametrize(
    ("correct", "total", "expected"),
    [(0, 5, 0), (4, 5, 80), (1, 3, 33), (2, 3, 67), (1, 8, 13), (17, 20, 85), (0, 0, 0)],
)
def test_percent_rounds_half_up(correct, total, expected):
    assert percent(correct, total) == expected


def test_pass_threshold_is_inclusive_at_exactly_80_percent():
    assert passes(4, 5, 80)  # exactly 80%
    assert not passes(3, 5, 80)
    assert passes(8, 10, 80)
    assert not passes(7, 9, 80)  # 77.8%
    assert passes(5, 6, 80)  # 83.3%
    assert not passes(0, 0, 80)
