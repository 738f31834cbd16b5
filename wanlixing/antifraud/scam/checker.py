"""Check one text: red-flag rules + entities + statistical model → verdict and evidence.

Pure computation: nothing here touches the database, so checking a text never stores
it. Callers pass the rule set (``selectors.redflag_ruleset()``) and the model
(``model.model_get()``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .entities import Entity, entities_find
from .model import ScamModel
from .normalize import NormalizedText, normalize
from .rules import RuleSet, noisy_or

MAX_CHARS = 5000
FRAUD_AT = 0.5
SUSPICIOUS_AT = 0.3
VERDICTS = ("fraud", "suspicious", "safe")


class CheckInputError(ValueError):
    """Input the checker cannot take; ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Signal:
    flag: str
    name: str
    kind: str  # "rule" or "entity"
    span: tuple[int, int]  # on the original text
    weight: float
    explanation: str
    advice: str = ""


@dataclass(slots=True)
class CheckResult:
    text: str
    verdict: str
    risk: float
    fraud_type: str | None
    signals: list[Signal]
    entities: list[Entity]
    model_probability: float | None
    rule_probability: float
    type_scores: dict[str, float] = field(default_factory=dict)
    note: str = ""

    @property
    def flags(self) -> list[str]:
        """Distinct flag codes in order of first appearance."""
        seen: dict[str, None] = {}
        for signal in self.signals:
            seen.setdefault(signal.flag, None)
        return list(seen)

    def as_cli(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "risk": round(self.risk, 4),
            "fraud_type": self.fraud_type,
            "signals": [{"flag": s.flag, "span": list(s.span)} for s in self.signals],
        }


# Control characters (Unicode category Cc) other than tab, line feed and carriage return.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text_validate(text: Any) -> str:
    """The text to check, or CheckInputError for empty, over-long or binary input."""
    if not isinstance(text, str):
        raise CheckInputError("invalid_text", "请提供要检查的文字内容。")
    if "\x00" in text or ("\ufffd" in text[:200] and text.count("\ufffd") > len(text) // 10):
        raise CheckInputError(
            "binary", "内容看起来不是文字（可能是文件或乱码），请粘贴短信或聊天的文字。"
        )
    controls = len(CONTROL_CHARS.findall(text))
    if controls > max(3, len(text) // 20):
        raise CheckInputError(
            "binary", "内容看起来不是文字（可能是文件或乱码），请粘贴短信或聊天的文字。"
        )
    stripped = text.strip()
    if not stripped:
        raise CheckInputError("empty", "请粘贴要检查的短信、聊天记录或通话内容。")
    if len(text) > MAX_CHARS:
        raise CheckInputError(
            "too_long",
            f"内容太长了（{len(text)} 字），一次最多检查 {MAX_CHARS} 字。请分段粘贴最可疑的部分。",
        )
    return text


# A marketing message's opt-out line ("退订回T", "拒收请回复R"): legitimate bulk senders
# must carry one. With it, and without any hard red flag, a link or a soft flag is weak
# evidence (a shop's coupon link); a link next to a hard flag (验证码, 转账, 安全账户,
# 刷单, 认证/解冻 via a link) keeps its full weight. Hard means weight ≥ 0.7.
OPT_OUT = re.compile(r"退订|拒收|回复?(?:td|t|n|r|0000)(?![a-z0-9])")
HARD_FLAG_WEIGHT = 0.7
LINK_FLAGS = frozenset({"short-link", "ip-or-odd-link"})
OPT_OUT_DAMPING = 0.3


def weights_in_context(
    text: str, flag_weights: dict[str, float], entity_weights: dict[str, float]
) -> tuple[dict[str, float], dict[str, float]]:
    """Flag weights after context: in an opted-out marketing message with no hard red
    flag, links and soft flags count for little. ``text`` is the normalised text."""
    if not flag_weights and not entity_weights:
        return flag_weights, entity_weights
    if any(w >= HARD_FLAG_WEIGHT for w in flag_weights.values()) or not OPT_OUT.search(text):
        return flag_weights, entity_weights
    rules = {code: w * OPT_OUT_DAMPING for code, w in flag_weights.items()}
    entities = {
        code: w * OPT_OUT_DAMPING if code in LINK_FLAGS else w for code, w in entity_weights.items()
    }
    return rules, entities


def _evidence(weights: list[float]) -> float:
    """Additive log-evidence of independent flags: Σ −ln(1 − w)."""
    return sum(-math.log(1.0 - min(max(w, 0.0), 0.999)) for w in weights)


_WORD_CHAR = re.compile(r"[^\W_]")  # exactly the characters for which str.isalnum() holds


def _has_words(text: str) -> bool:
    return _WORD_CHAR.search(text) is not None


@dataclass(slots=True)
class _Evidence:
    """What the rules and entity patterns found in one text, before the model."""

    text: str
    norm: NormalizedText
    signals: list[Signal]
    entities: list[Entity]
    flag_weights: dict[str, float]
    entity_weights: dict[str, float]
    rule_probability: float
    rule_evidence: float
    entity_evidence: float
    note: str


def _evidence_find(text: str, rules: RuleSet) -> _Evidence:
    norm = normalize(text)
    hits = rules.match(norm.text)
    entities = entities_find(norm)

    signals: list[Signal] = []
    flag_weights: dict[str, float] = {}
    for hit in hits:
        rule = rules.by_code[hit.code]
        flag_weights[rule.code] = rule.weight
        signals.append(
            Signal(
                flag=rule.code,
                name=rule.name,
                kind="rule",
                span=norm.span_to_original(*hit.span),
                weight=rule.weight,
                explanation=rule.explanation,
                advice=rule.advice,
            )
        )
    entity_weights: dict[str, float] = {}
    for entity in entities:
        for flag in entity.flags:
            entity_weights[flag.code] = flag.weight
            signals.append(
                Signal(
                    flag=flag.code,
                    name=str(flag.name),
                    kind="entity",
                    span=entity.span,
                    weight=flag.weight,
                    explanation=str(flag.explanation),
                )
            )
    signals.sort(key=lambda s: (s.span, s.kind))

    flag_weights, entity_weights = weights_in_context(norm.text, flag_weights, entity_weights)
    return _Evidence(
        text=text,
        norm=norm,
        signals=signals,
        entities=entities,
        flag_weights=flag_weights,
        entity_weights=entity_weights,
        rule_probability=noisy_or(flag_weights.values()),
        rule_evidence=_evidence(list(flag_weights.values())),
        entity_evidence=_evidence(list(entity_weights.values())),
        note="" if _has_words(norm.text) else "没有找到可以分析的文字（只有表情或符号）。",
    )


def scam_check(text: str, *, rules: RuleSet, model: ScamModel | None) -> CheckResult:
    """Check one validated text (call ``text_validate`` first)."""
    return scam_check_many([text], rules=rules, model=model)[0]


def scam_check_many(
    texts: Sequence[str], *, rules: RuleSet, model: ScamModel | None
) -> list[CheckResult]:
    """Check validated texts; the same results as ``scam_check`` on each, faster for
    many texts (the model scores them together)."""
    found = [_evidence_find(text, rules) for text in texts]
    scored = [i for i, ev in enumerate(found) if model is not None and ev.note == ""]
    logits: list[float] = []
    risks: dict[int, float] = {}
    type_scores: dict[int, dict[str, float]] = {}
    if model is not None and scored:
        vectors = model.vectors([found[i].norm.text for i in scored])
        logits = model.logits(vectors).tolist()
        typed: list[int] = []  # rows of ``vectors`` that need a fraud type
        for row, (i, logit) in enumerate(zip(scored, logits, strict=True)):
            risks[i] = model.risk(logit, found[i].rule_evidence, found[i].entity_evidence)
            if risks[i] >= SUSPICIOUS_AT:
                typed.append(row)
        if typed:
            for row, scores in zip(typed, model.type_scores_many(vectors, typed), strict=True):
                type_scores[scored[row]] = scores
    model_logits = dict(zip(scored, logits, strict=True))

    results: list[CheckResult] = []
    for i, ev in enumerate(found):
        model_probability: float | None = None
        if i in risks:
            logit = model_logits[i]
            model_probability = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))
            risk = risks[i]
        else:
            risk = noisy_or([*ev.flag_weights.values(), *ev.entity_weights.values()])
        verdict = "fraud" if risk >= FRAUD_AT else "suspicious" if risk >= SUSPICIOUS_AT else "safe"
        scores = type_scores.get(i, {})
        fraud_type = None
        if verdict != "safe":
            fraud_type = fraud_type_pick(scores, [rules.by_code[c] for c in ev.flag_weights])
        results.append(
            CheckResult(
                text=ev.text,
                verdict=verdict,
                risk=risk,
                fraud_type=fraud_type,
                signals=ev.signals,
                entities=ev.entities,
                model_probability=model_probability,
                rule_probability=ev.rule_probability,
                type_scores=scores,
                note=ev.note,
            )
        )
    return results


def fraud_type_pick(type_scores: dict[str, float], rules_hit: list[Any]) -> str | None:
    """Model type probabilities plus votes of the red flags found (a flag's weight is
    shared among the fraud types it belongs to)."""
    scores = dict(type_scores)
    for rule in rules_hit:
        if not rule.fraud_types:
            continue
        share = rule.weight / len(rule.fraud_types)
        for slug in rule.fraud_types:
            scores[slug] = scores.get(slug, 0.0) + share
    if not scores:
        return None
    best = max(scores.items(), key=lambda kv: kv[1])
    return best[0] if best[1] > 0 else None
