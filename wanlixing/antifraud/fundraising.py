"""非法集资 self-check: the four features of the SPC interpretation, plus disguises."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CHECKLIST_PATH = Path(__file__).resolve().parent / "starter" / "fundraising_check.yaml"
ANSWERS = ("yes", "no", "unsure")


@lru_cache(maxsize=1)
def checklist() -> dict[str, Any]:
    return yaml.safe_load(CHECKLIST_PATH.read_text(encoding="utf-8"))


def checklist_evaluate(answers: Mapping[str, str]) -> dict[str, Any]:
    """Score answers ``{feature or signal code: yes|no|unsure}``.

    A feature counts when the answer points to risk; "unsure" counts too, since what
    cannot be checked must be treated as risky. Any warning signal answered "yes"
    lifts a low verdict to the middle one.
    """
    data = checklist()
    matched = []
    unanswered = []
    for feature in data["features"]:
        answer = answers.get(feature["code"], "")
        if answer not in ANSWERS:
            unanswered.append(feature["code"])
            continue
        risky = "yes" if feature["yes_means_risk"] else "no"
        if answer in (risky, "unsure"):
            matched.append(feature)
    signals = [s for s in data["signals"] if answers.get(s["code"]) == "yes"]
    verdicts = sorted(data["verdicts"], key=lambda v: -v["min_features"])
    verdict = next(v for v in verdicts if len(matched) >= v["min_features"])
    if signals and verdict["level"] == "low":
        verdict = next(v for v in verdicts if v["level"] == "medium")
    return {
        "matched": matched,
        "matched_count": len(matched),
        "signals": signals,
        "unanswered": unanswered,
        "verdict": verdict,
        "complete": not unanswered,
    }
