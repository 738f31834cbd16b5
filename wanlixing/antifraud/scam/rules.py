"""Red-flag rules: editor-maintained regexes run on normalised text.

A rule has positive ``patterns`` and ``negative_patterns``. A hit of a positive
pattern is cancelled when a negative pattern matches within ``NEGATIVE_WINDOW``
characters around it (an institution's own warning, "请勿向他人透露验证码", or a
police officer's dissuasion); the flag stands while at least one hit survives.
Weights are 0–1: how sure the flag alone makes us; flags combine by noisy-OR.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .prefilter import GramScreen

NEGATIVE_WINDOW = 40
MAX_PATTERN_LENGTH = 600


class RuleError(ValueError):
    """A red-flag definition that cannot be used; the message says why, in Chinese."""


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    weight: float
    fraud_types: tuple[str, ...]
    positives: tuple[re.Pattern[str], ...]
    negatives: tuple[re.Pattern[str], ...]
    explanation: str
    advice: str


@dataclass(frozen=True, slots=True)
class RuleHit:
    code: str
    span: tuple[int, int]  # on the normalised text


def pattern_compile(pattern: str) -> re.Pattern[str]:
    """Compile one editor-written pattern, or raise RuleError with a clear message."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise RuleError("规则不能为空。")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise RuleError(f"规则太长（上限 {MAX_PATTERN_LENGTH} 个字符）。")
    if re.search(r"\s", pattern):
        raise RuleError(f"规则“{pattern}”含有空白字符；匹配前文本已删除空白，规则里不要写空格。")
    unescaped = re.sub(r"\\.", "", pattern)
    if unescaped != unescaped.lower():
        raise RuleError(f"规则“{pattern}”含有大写字母；匹配前文本已转为小写，请改用小写。")
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise RuleError(f"规则“{pattern}”不是有效的正则表达式：{exc}") from exc
    if compiled.search("") is not None:
        raise RuleError(f"规则“{pattern}”能匹配空文本，会命中所有消息，请改写。")
    # Nested unbounded quantifiers backtrack catastrophically on long input.
    if re.search(r"\((?:[^()\\]|\\.)*[+*]\)[+*{]", pattern):
        raise RuleError(
            f"规则“{pattern}”含有嵌套的无限重复，可能导致匹配极慢，请用 .{{0,N}} 限定长度。"
        )
    return compiled


def rule_build(data: Mapping[str, Any]) -> Rule:
    """Build a Rule from a mapping (a YAML item or a RedFlag row); validates everything."""
    code = str(data.get("code") or "").strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-]{1,59}", code):
        raise RuleError(f"代码“{code}”无效：只能用小写字母、数字和连字符。")
    try:
        weight = float(data.get("weight", 0.5))
    except (TypeError, ValueError) as exc:
        raise RuleError(f"{code}：权重必须是 0 到 1 之间的数字。") from exc
    if not 0 < weight <= 1 or math.isnan(weight):
        raise RuleError(f"{code}：权重必须大于 0、不超过 1。")
    patterns = list(data.get("patterns") or [])
    if not patterns:
        raise RuleError(f"{code}：至少需要一条匹配规则。")
    compiled = [pattern_compile(p) for p in patterns]
    negatives = tuple(pattern_compile(p) for p in (data.get("negative_patterns") or []))
    return Rule(
        code=code,
        name=str(data.get("name") or code),
        weight=weight,
        fraud_types=tuple(data.get("fraud_types") or ()),
        positives=tuple(compiled),
        negatives=negatives,
        explanation=str(data.get("explanation") or ""),
        advice=str(data.get("advice") or ""),
    )


class RuleSet:
    """A compiled, immutable set of rules.

    ``match`` runs only the patterns that could match the text (see ``prefilter``):
    the result is the same as running every pattern, at a fraction of the cost.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.by_code: dict[str, Rule] = {rule.code: rule for rule in self.rules}
        # One bit per pattern: positives of all rules first (in rule order), then negatives.
        positives = [(i, p) for i, rule in enumerate(self.rules) for p in rule.positives]
        negatives = [p for rule in self.rules for p in rule.negatives]
        self._positives: tuple[tuple[int, re.Pattern[str]], ...] = tuple(positives)
        self._screen = GramScreen([p for _i, p in positives] + negatives)
        self._positive_bits = (1 << len(positives)) - 1
        bit = len(positives)
        negative_bits: list[tuple[tuple[int, re.Pattern[str]], ...]] = []
        for rule in self.rules:
            negative_bits.append(tuple((1 << (bit + k), p) for k, p in enumerate(rule.negatives)))
            bit += len(rule.negatives)
        self._negative_bits = tuple(negative_bits)

    def __len__(self) -> int:
        return len(self.rules)

    def match(self, text: str) -> list[RuleHit]:
        """Surviving hits of every rule on normalised ``text``, in text order."""
        mask = self._screen.mask(text)
        candidates = mask & self._positive_bits
        if not candidates:
            return []
        # Patterns that could match, grouped by rule (bits are in rule order).
        found_by_rule: dict[int, list[tuple[int, int]]] = {}
        positives = self._positives
        while candidates:
            low = candidates & -candidates
            candidates ^= low
            rule_index, pattern = positives[low.bit_length() - 1]
            if pattern.search(text) is None:
                continue
            found_by_rule.setdefault(rule_index, []).extend(
                m.span() for m in pattern.finditer(text)
            )
        hits: list[RuleHit] = []
        for rule_index, found in found_by_rule.items():
            rule = self.rules[rule_index]
            negatives = [p for b, p in self._negative_bits[rule_index] if mask & b]
            kept: list[tuple[int, int]] = []
            for start, end in sorted(set(found)):
                if end == start:
                    continue
                if negatives:
                    lo = max(0, start - NEGATIVE_WINDOW)
                    hi = min(len(text), end + NEGATIVE_WINDOW)
                    window = text[lo:hi]
                    if any(neg.search(window) for neg in negatives):
                        continue
                if kept and start < kept[-1][1]:  # overlapping hits of one rule: one span
                    kept[-1] = (kept[-1][0], max(end, kept[-1][1]))
                else:
                    kept.append((start, end))
            hits.extend(RuleHit(rule.code, span) for span in kept)
        hits.sort(key=lambda h: h.span)
        return hits


def noisy_or(weights: Iterable[float]) -> float:
    """Probability that at least one independent signal is right."""
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - min(max(weight, 0.0), 0.999)
    return 1.0 - remaining
