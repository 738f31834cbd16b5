"""The checker's fast paths give the same answers as the plain computations they replace."""

from __future__ import annotations

import re

import pytest

from wanlixing.antifraud.scam.normalize import normalize
from wanlixing.antifraud.scam.prefilter import GramScreen, pattern_needles
from wanlixing.antifraud.scam.rules import NEGATIVE_WINDOW, RuleSet, rule_build
from wanlixing.antifraud.scam.training import corpus_load


@pytest.fixture(scope="module")
def corpus_texts():
    return [normalize(s.text[:5000]).text for s in corpus_load()]


@pytest.mark.parametrize(
    ("pattern", "needles"),
    [
        ("(把|告诉).{0,12}(验证码|动态码)", {"验证码", "动态码"}),
        ("安全(账|帐)(户|号)", {"安全账户", "安全账号", "安全帐户", "安全帐号"}),
        ("(?<![0-9])转账?到", {"转到", "转账到"}),
        ("(不|别)(要|能)?去.{0,4}(银行|柜台)", {"银行", "柜台"}),
        ("[0-9]{4,8}元", {"元"}),
        ("(a|bc+)d", {"d"}),
        ("(ab)\\1", {"ab"}),
        ("x(?i:ab)", {"x"}),
    ],
)
def test_needles_are_strings_every_match_contains(pattern, needles):
    assert pattern_needles(re.compile(pattern)) == needles


@pytest.mark.parametrize("pattern", ["(?i)abc", "(?i:ab)", ".{2,9}", "x?y?", "[^a]b?"])
def test_patterns_without_safe_needles_always_run(pattern):
    compiled = re.compile(pattern)
    assert pattern_needles(compiled) is None
    assert GramScreen([compiled]).mask("") == 1


def test_the_screen_never_hides_a_match(corpus_texts):
    patterns = [
        re.compile(p)
        for p in ("验证码", "(点|打开)[a-z]{3}", "安全(账|帐)户", "(?i)abc", "回t", "退订")
    ]
    screen = GramScreen(patterns)
    for text in [*corpus_texts[:2000], "点abc", "x安全帐户y", "ABC", "验证码"]:
        mask = screen.mask(text)
        for bit, pattern in enumerate(patterns):
            if pattern.search(text):
                assert mask >> bit & 1, (pattern.pattern, text)


def _match_every_pattern(rules: RuleSet, text: str) -> list[tuple[str, tuple[int, int]]]:
    """Rule matching as it was before the screen: every pattern of every rule runs."""
    hits = []
    for rule in rules.rules:
        found = [m.span() for p in rule.positives for m in p.finditer(text)]
        kept: list[tuple[int, int]] = []
        for start, end in sorted(set(found)):
            if end == start:
                continue
            window = text[max(0, start - NEGATIVE_WINDOW) : end + NEGATIVE_WINDOW]
            if any(neg.search(window) for neg in rule.negatives):
                continue
            if kept and start < kept[-1][1]:
                kept[-1] = (kept[-1][0], max(end, kept[-1][1]))
            else:
                kept.append((start, end))
        hits.extend((rule.code, span) for span in kept)
    hits.sort(key=lambda h: h[1])
    return hits


def test_screened_rule_matching_equals_running_every_pattern(rules, corpus_texts):
    extra = [
        normalize(t).text
        for t in (
            "请把验证码告诉我，然后打开屏幕共享",
            "银行不会要求您把验证码告诉任何人",
            "马上转到安全账户，点开 abc.top/x 填写",
        )
    ]
    hit_count = 0
    for text in [*corpus_texts, *extra]:
        expected = _match_every_pattern(rules, text)
        assert [(h.code, h.span) for h in rules.match(text)] == expected, text
        hit_count += len(expected)
    assert hit_count > 1000  # the comparison covered plenty of hits


def test_an_unscreenable_rule_still_fires():
    rules = RuleSet([rule_build({"code": "wild", "weight": 0.5, "patterns": ["(?i)[a-z]{3}x"]})])
    assert [h.code for h in rules.match("abcx")] == ["wild"]
    assert rules.match("ab") == []
