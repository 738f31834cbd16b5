from __future__ import annotations

from pathlib import Path

import pytest

from wanlixing.learning import recommend
from wanlixing.learning.bank import starter_load
from wanlixing.learning.models import Quiz

FIXTURE_STARTER = Path(__file__).parent / "fixtures" / "starter"


@pytest.fixture(autouse=True)
def _fresh_catalog():
    recommend.catalog_clear()
    yield
    recommend.catalog_clear()


@pytest.fixture
def bank(db):
    """The fixture starter folder: 13 practice questions in two topics, literacy forms A/B
    with 4 items each, and a risk self-test whose bands are all reachable."""
    starter_load(FIXTURE_STARTER)
    return FIXTURE_STARTER


@pytest.fixture
def ladder(bank) -> Quiz:
    return Quiz.objects.get(slug="deposit-insurance-ladder")


@pytest.fixture
def practice(bank) -> Quiz:
    return Quiz.objects.get(slug="deposit-insurance-practice")


def right_answers(attempt_json: dict, bank_correct: dict[int, list[int]], wrong: int = 0) -> dict:
    """Answers for an attempt: all right except the first ``wrong`` questions."""
    answers = {}
    for n, q in enumerate(attempt_json["questions"]):
        correct = bank_correct[q["id"]]
        if n < wrong:
            options = len(q["options"])
            answers[str(q["id"])] = [next(i for i in range(options) if [i] != correct)]
        else:
            answers[str(q["id"])] = correct
    return answers
