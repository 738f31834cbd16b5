"""Pre/post knowledge tests: the learning part's parallel literacy forms (A before, B after)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from .models import Instrument


def literacy_form_questions(form: str) -> list[Any]:
    """The questions of literacy form ``form`` in their fixed order (learning part)."""
    from .services import SurveyError

    try:
        from wanlixing.learning.selectors import literacy_form_questions as form_questions
    except ImportError:  # the learning part is not installed on this platform
        raise SurveyError(
            "not_ready", [_("知识测试试卷尚未准备好，请联系活动组织者。")], 409
        ) from None
    return form_questions(form)


def knowledge_answers_score(
    *, instrument: Instrument, answers: Mapping[str, Any]
) -> tuple[dict[str, list[int]], int]:
    """Validate answers to a knowledge test and score them (0–100) with the literacy form."""
    from .services import SurveyError

    questions = literacy_form_questions(instrument.literacy_form)
    if not questions:
        raise SurveyError("not_ready", [_("知识测试试卷尚未准备好，请联系活动组织者。")], 409)
    by_key = {q.key: q for q in questions}
    errors: list[str] = []
    unknown = [key for key in answers if key not in by_key]
    if unknown:
        errors.append(_("试卷中没有这些题目：%(keys)s。") % {"keys": "、".join(sorted(unknown))})
    clean: dict[str, list[int]] = {}
    for number, question in enumerate(questions, start=1):
        label = _("第%(n)s题") % {"n": number}
        raw = answers.get(question.key)
        values = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
        chosen: list[int] = []
        for value in values:
            if isinstance(value, bool):
                chosen = []
                break
            try:
                chosen.append(int(value))
            except (TypeError, ValueError):
                chosen = []
                break
        if not values:
            errors.append(_("%(label)s还没有作答。") % {"label": label})
            continue
        if not chosen or any(not 0 <= c < len(question.options) for c in chosen):
            errors.append(_("%(label)s的选项不存在，请重新选择。") % {"label": label})
            continue
        if question.kind != "multiple" and len(set(chosen)) != 1:
            errors.append(_("%(label)s是单选题，只能选一项。") % {"label": label})
            continue
        clean[question.key] = sorted(set(chosen))
    if errors:
        raise SurveyError("invalid_answers", errors)
    from wanlixing.learning.services import literacy_score

    return clean, literacy_score(form=instrument.literacy_form, answers=clean).score
