"""The shipped starter bank: complete, valid, and loaded by the app's starter hook."""

import io

import pytest
import yaml
from django.apps import apps

from wanlixing.learning.apps import STARTER_DIR
from wanlixing.learning.bank import starter_read
from wanlixing.learning.models import LiteracyItem, Question, Quiz, RiskQuestionnaire
from wanlixing.learning.services import risk_level_for_score

pytestmark = [
    pytest.mark.skipif(not (STARTER_DIR / "questions").is_dir(), reason="no starter bank"),
]


def test_starter_bank_is_valid_and_complete(db):
    bundle = starter_read(STARTER_DIR)
    practice = [q for q in bundle.questions if q.purpose == "practice"]
    assert len(practice) >= 252
    assert len({q.topic for q in practice}) == 14
    forms = {"A": [], "B": []}
    for entry in bundle.literacy:
        forms[entry["form"]].append(entry["key"])
    assert len(forms["A"]) == len(forms["B"]) == 20
    assert not set(forms["A"]) & set(forms["B"])


def test_starter_hook_loads_everything_idempotently(db):
    config = apps.get_app_config("learning")
    config.load_starter_data(io.StringIO())
    count = Question.objects.count()
    config.load_starter_data(io.StringIO())
    assert Question.objects.count() == count
    assert Quiz.objects.filter(kind="ladder").count() == 14
    assert Quiz.objects.filter(kind="practice").count() == 14
    assert LiteracyItem.objects.filter(form="A").count() == 20
    dims = set(LiteracyItem.objects.values_list("dimension__code", flat=True))
    assert {"interest", "compound", "inflation", "diversification"} <= dims
    assert {"fraud", "credit", "deposit-insurance", "loan-cost"} <= dims
    assert [band["code"] for band in RiskQuestionnaire.objects.get().levels] == [
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
    ]


@pytest.mark.parametrize(
    ("score", "level", "matches"),
    [
        (0, "C1", ["R1"]),
        (19, "C1", ["R1"]),
        (20, "C2", ["R1", "R2"]),
        (39, "C2", ["R1", "R2"]),
        (40, "C3", ["R1", "R2", "R3"]),
        (59, "C3", ["R1", "R2", "R3"]),
        (60, "C4", ["R1", "R2", "R3", "R4"]),
        (79, "C4", ["R1", "R2", "R3", "R4"]),
        (80, "C5", ["R1", "R2", "R3", "R4", "R5"]),
        (100, "C5", ["R1", "R2", "R3", "R4", "R5"]),
    ],
)
def test_shipped_risk_bands_at_boundaries(score, level, matches):
    levels = yaml.safe_load((STARTER_DIR / "risk_profile.yaml").read_text(encoding="utf-8"))
    band = risk_level_for_score(levels["levels"], score)
    assert (band["code"], band["matches"]) == (level, matches)
