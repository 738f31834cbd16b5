"""Writes for surveys: validating answers (skip logic included) and recording responses."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wanlixing.accounts.models import User
from wanlixing.outreach.models import Event, Registration
from wanlixing.outreach.services import participant_code_normalize

from .models import (
    KNOWLEDGE_KINDS,
    METRICS,
    SCALE_MAX,
    SCALE_MIN,
    Instrument,
    InstrumentKind,
    Item,
    ItemKind,
    KnowledgeGain,
    Measure,
    Response,
    ResponseSource,
    SkipOperator,
)

TEXT_MAX = 1000


class SurveyError(Exception):
    """Answers or a request that cannot be accepted; ``messages`` are shown in Chinese."""

    def __init__(self, code: str, messages: Sequence[str], status: int = 400) -> None:
        super().__init__("；".join(messages))
        self.code = code
        self.messages = list(messages)
        self.status = status

    @property
    def message(self) -> str:
        return "；".join(self.messages)


# --- Validation ---------------------------------------------------------------------------


def _label(item: Item) -> str:
    return _("第%(n)s题") % {"n": item.position}


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _clean_value(item: Item, value: Any, errors: list[str]) -> Any:
    """Check one answer against its item; returns the stored form (option indexes from 0)."""
    label = _label(item)
    if item.kind == ItemKind.TEXT:
        if not isinstance(value, str):
            errors.append(_("%(label)s应填写文字。") % {"label": label})
            return None
        text = value.strip()
        if len(text) > TEXT_MAX:
            errors.append(_("%(label)s不能超过%(max)s个字。") % {"label": label, "max": TEXT_MAX})
            return None
        return text
    if item.kind == ItemKind.SCALE:
        number = _as_int(value)
        if number is None or not SCALE_MIN <= number <= SCALE_MAX:
            errors.append(
                _("%(label)s的分值应在%(lo)s到%(hi)s之间。")
                % {"label": label, "lo": SCALE_MIN, "hi": SCALE_MAX}
            )
            return None
        return number
    count = len(item.options)
    if item.kind == ItemKind.SINGLE:
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        index = _as_int(value)
        if index is None or not 0 <= index < count:
            errors.append(_("%(label)s的选项不存在，请重新选择。") % {"label": label})
            return None
        return index
    values = value if isinstance(value, list) else [value]
    indexes = [_as_int(v) for v in values]
    if any(i is None or not 0 <= i < count for i in indexes):
        errors.append(_("%(label)s的选项不存在，请重新选择。") % {"label": label})
        return None
    return sorted({i for i in indexes if i is not None})


def _condition_met(
    item: Item, shown: Mapping[str, bool], clean: Mapping[str, Any], kinds: Mapping[str, str]
) -> bool:
    if not item.show_if_key:
        return True
    if not shown.get(item.show_if_key, False):
        return False
    answer = clean.get(item.show_if_key)
    if _is_empty(answer) or item.show_if_value is None:
        return False
    target = item.show_if_value
    if kinds.get(item.show_if_key) in (ItemKind.SINGLE, ItemKind.MULTIPLE):
        target -= 1  # builders count options from 1; answers are stored from 0
    hit = target in answer if isinstance(answer, list) else answer == target
    return hit if item.show_if_operator == SkipOperator.IS else not hit


def answers_validate(items: Sequence[Item], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Validate answers to an instrument's items; returns the clean answers.

    Rejects unknown questions, out-of-range values, unknown options, missing required
    answers and answers to questions that the skip logic hides. Raises SurveyError
    listing every problem in Chinese.
    """
    errors: list[str] = []
    by_key = {item.key: item for item in items}
    unknown = [key for key in answers if key not in by_key]
    if unknown:
        errors.append(_("问卷中没有这些题目：%(keys)s。") % {"keys": "、".join(sorted(unknown))})
    kinds = {item.key: item.kind for item in items}
    clean: dict[str, Any] = {}
    shown: dict[str, bool] = {}
    for item in sorted(items, key=lambda i: i.position):
        visible = _condition_met(item, shown, clean, kinds)
        shown[item.key] = visible
        value = answers.get(item.key)
        if not visible:
            if not _is_empty(value):
                source = by_key.get(item.show_if_key)
                errors.append(
                    _("%(label)s不需要回答（根据%(source)s的回答应跳过），请删除该题答案。")
                    % {"label": _label(item), "source": _label(source) if source else ""}
                )
            continue
        if _is_empty(value) or (isinstance(value, str) and not value.strip()):
            if item.required:
                errors.append(_("%(label)s为必答题，请作答。") % {"label": _label(item)})
            continue
        cleaned = _clean_value(item, value, errors)
        if cleaned is not None and not (item.kind == ItemKind.MULTIPLE and cleaned == []):
            clean[item.key] = cleaned
        elif item.required and cleaned == []:
            errors.append(_("%(label)s为必答题，请作答。") % {"label": _label(item)})
    if errors:
        raise SurveyError("invalid_answers", errors)
    return clean


def measures_from(items: Sequence[Item], clean: Mapping[str, Any]) -> list[tuple[str, float]]:
    """The statistical values an answer sheet carries: (metric, value)."""
    out: list[tuple[str, float]] = []
    for item in items:
        if not item.metric or item.key not in clean or item.metric not in METRICS:
            continue
        metric = METRICS[item.metric]
        answer = clean[item.key]
        if metric.scale:
            if item.kind == ItemKind.SCALE:
                out.append((item.metric, float(answer)))
            continue
        positive = {int(p) - 1 for p in item.positive_options or []}
        chosen = set(answer) if isinstance(answer, list) else {answer}
        out.append((item.metric, 1.0 if chosen & positive else 0.0))
    return out


# --- Recording ---------------------------------------------------------------------------


@dataclass
class SubmitResult:
    response: Response
    created: bool  # False: this code had already answered; nothing changed
    messages: list[str] = field(default_factory=list)


def registration_for_code(*, instrument: Instrument, code: str) -> Registration | None:
    """The registration a participant code names, checked against the instrument's campaign."""
    normalized = participant_code_normalize(code)
    if not normalized:
        if instrument.allow_anonymous:
            return None
        raise SurveyError("code_required", [_("请填写参与码（报名或签到时获得的8位码）。")])
    registration = (
        Registration.objects.select_related("event", "participant").filter(code=normalized).first()
    )
    if registration is None:
        raise SurveyError("unknown_code", [_("没有找到这个参与码，请核对后重试。")], 404)
    if instrument.campaign_id and registration.event.campaign_id != instrument.campaign_id:
        raise SurveyError("other_campaign", [_("这个参与码不属于本问卷所在的活动。")])
    return registration


def response_submit(
    *,
    instrument: Instrument,
    answers: Mapping[str, Any],
    code: str = "",
    event: Event | None = None,
    source: str = ResponseSource.ONLINE,
    entered_by: User | None = None,
) -> SubmitResult:
    """Record a filled-in questionnaire.

    One response per participant code and instrument: a second submission returns the
    first response unchanged (``created`` False). Knowledge tests are scored with the
    learning part's literacy form and update the participant's ``KnowledgeGain``.
    """
    if not instrument.is_active:
        raise SurveyError("inactive", [_("该问卷已停用。")])
    registration = registration_for_code(instrument=instrument, code=code)
    if registration is not None:
        existing = Response.objects.filter(instrument=instrument, registration=registration).first()
        if existing is not None:
            return SubmitResult(existing, False, [_("您已提交过这份问卷，本次提交未作更改。")])
        event = registration.event
    if event is not None and instrument.campaign_id and event.campaign_id != instrument.campaign_id:
        raise SurveyError("other_campaign", [_("所选活动不属于本问卷所在的活动。")])
    score: int | None = None
    measures: list[tuple[str, float]] = []
    if instrument.is_knowledge_test:
        from .knowledge import knowledge_answers_score

        clean, score = knowledge_answers_score(instrument=instrument, answers=answers)
    else:
        items = list(instrument.items.all())
        clean = answers_validate(items, answers)
        measures = measures_from(items, clean)
    campaign_id = instrument.campaign_id or (event.campaign_id if event else None)
    audience = registration.audience if registration is not None else ""
    try:
        with transaction.atomic():
            response = Response.objects.create(
                instrument=instrument,
                registration=registration,
                campaign_id=campaign_id,
                event=event,
                audience=audience,
                answers=clean,
                score=score,
                source=source,
                entered_by=entered_by if source == ResponseSource.PAPER else None,
            )
            if campaign_id is not None:
                Measure.objects.bulk_create(
                    Measure(
                        response=response,
                        campaign_id=campaign_id,
                        event=event,
                        audience=audience,
                        metric=metric,
                        value=value,
                    )
                    for metric, value in measures
                )
                if score is not None:
                    _knowledge_gain_update(
                        instrument=instrument,
                        registration=registration,
                        campaign_id=campaign_id,
                        event=event,
                        audience=audience,
                        score=score,
                    )
    except IntegrityError:
        existing = Response.objects.filter(instrument=instrument, registration=registration).first()
        if existing is None:
            raise
        return SubmitResult(existing, False, [_("您已提交过这份问卷，本次提交未作更改。")])
    if campaign_id is not None:
        from wanlixing.outreach.services import facts_refresh_soon

        transaction.on_commit(lambda: facts_refresh_soon(campaign_id))
    return SubmitResult(response, True)


def _knowledge_gain_update(
    *,
    instrument: Instrument,
    registration: Registration | None,
    campaign_id: int,
    event: Event | None,
    audience: str,
    score: int,
) -> None:
    field_name = "pre_score" if instrument.kind == InstrumentKind.PRE_TEST else "post_score"
    if registration is None:
        KnowledgeGain.objects.create(
            campaign_id=campaign_id, event=event, audience=audience, **{field_name: score}
        )
        return
    gain, created = KnowledgeGain.objects.get_or_create(
        registration=registration,
        defaults={
            "campaign_id": campaign_id,
            "event": event,
            "audience": audience,
            field_name: score,
        },
    )
    if not created and getattr(gain, field_name) is None:
        setattr(gain, field_name, score)
        gain.save(update_fields=[field_name])


def instrument_copy(
    *, template: Instrument, organisation_id: int, campaign_id: int | None, title: str = ""
) -> Instrument:
    """A campaign's own copy of a questionnaire (templates are never answered directly)."""
    with transaction.atomic():
        copy = Instrument.objects.create(
            organisation_id=organisation_id,
            campaign_id=campaign_id,
            kind=template.kind,
            title=title or template.title,
            intro=template.intro,
            literacy_form=template.literacy_form,
            allow_anonymous=template.allow_anonymous,
        )
        Item.objects.bulk_create(
            Item(
                instrument=copy,
                position=item.position,
                key=item.key,
                kind=item.kind,
                text=item.text,
                help=item.help,
                options=list(item.options),
                required=item.required,
                show_if_key=item.show_if_key,
                show_if_operator=item.show_if_operator,
                show_if_value=item.show_if_value,
                metric=item.metric,
                positive_options=list(item.positive_options),
            )
            for item in template.items.all()
        )
    return copy


def item_definition_errors(items: Sequence[Item]) -> list[str]:
    """Problems in a questionnaire's design (used by the builder before saving)."""
    errors: list[str] = []
    positions = {item.key: item.position for item in items}
    kinds = {item.key: item for item in items}
    for item in items:
        label = _label(item)
        if item.kind in (ItemKind.SINGLE, ItemKind.MULTIPLE):
            options = item.options if isinstance(item.options, list) else []
            if len([o for o in options if isinstance(o, str) and o.strip()]) < 2:
                errors.append(_("%(label)s至少需要两个选项。") % {"label": label})
        if item.show_if_key:
            source = kinds.get(item.show_if_key)
            if source is None or positions[item.show_if_key] >= item.position:
                errors.append(_("%(label)s的显示条件必须引用排在它前面的题目。") % {"label": label})
            elif source.kind == ItemKind.TEXT:
                errors.append(_("%(label)s的显示条件不能引用填空题。") % {"label": label})
            elif item.show_if_value is None:
                errors.append(_("%(label)s的显示条件缺少选项序号或分值。") % {"label": label})
            elif source.kind == ItemKind.SCALE and not SCALE_MIN <= item.show_if_value <= SCALE_MAX:
                errors.append(_("%(label)s的显示条件分值应在1到5之间。") % {"label": label})
            elif source.kind != ItemKind.SCALE and not 1 <= item.show_if_value <= len(
                source.options
            ):
                errors.append(_("%(label)s的显示条件选项序号不存在。") % {"label": label})
        if item.metric:
            metric = METRICS.get(item.metric)
            if metric is None:
                errors.append(_("%(label)s的统计指标不存在。") % {"label": label})
            elif metric.scale and item.kind != ItemKind.SCALE:
                errors.append(_("%(label)s：评分类指标只能用于量表题。") % {"label": label})
            elif not metric.scale and (
                item.kind not in (ItemKind.SINGLE, ItemKind.MULTIPLE)
                or not item.positive_options
                or any(
                    not isinstance(p, int) or not 1 <= p <= len(item.options)
                    for p in item.positive_options
                )
            ):
                errors.append(
                    _("%(label)s：是/否类指标需用于选择题，并指明计为“是”的选项。")
                    % {"label": label}
                )
    return errors


def instrument_items_replace(*, instrument: Instrument, rows: Sequence[Mapping[str, Any]]) -> int:
    """Save a questionnaire's questions from the builder, in the given order.

    ``rows`` hold the Item fields (``options`` a list of str, ``positive_options`` a list
    of 1-based option numbers). Everything is checked first; on any problem nothing
    changes and SurveyError lists the problems in Chinese. Returns the number of items.
    """
    if instrument.kind in KNOWLEDGE_KINDS:
        raise SurveyError(
            "knowledge_test", [_("知识测试使用学习模块的平行试卷，不能在此添加题目。")]
        )
    if instrument.responses.exists():
        raise SurveyError(
            "answered", [_("问卷已有人作答，不能再修改题目；请复制一份新问卷后修改。")], 409
        )
    items = [
        Item(
            instrument=instrument,
            position=number,
            key=row["key"],
            kind=row["kind"],
            text=row["text"],
            help=row.get("help", ""),
            options=list(row.get("options") or []),
            required=bool(row.get("required")),
            show_if_key=row.get("show_if_key", ""),
            show_if_operator=row.get("show_if_operator") or SkipOperator.IS,
            show_if_value=row.get("show_if_value"),
            metric=row.get("metric", ""),
            positive_options=list(row.get("positive_options") or []),
        )
        for number, row in enumerate(rows, start=1)
    ]
    errors: list[str] = []
    keys = [item.key for item in items]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        errors.append(_("题目代码不能重复：%(keys)s。") % {"keys": "、".join(duplicates)})
    if not items:
        errors.append(_("问卷至少需要一道题。"))
    errors += item_definition_errors(items)
    if errors:
        raise SurveyError("invalid_design", errors)
    with transaction.atomic():
        instrument.items.all().delete()
        Item.objects.bulk_create(items)
    return len(items)


def instrument_templates_ensure() -> None:
    """Put back the platform templates (created by migration) if they were removed.

    Test databases flushed between transactional tests, or an admin deleting a template,
    would otherwise leave the demo campaign without questionnaires to copy.
    """
    if Instrument.objects.filter(is_template=True).exists():
        return
    from django.apps import apps

    module = importlib.import_module("wanlixing.surveys.migrations.0002_templates")
    module.create(apps, None)
