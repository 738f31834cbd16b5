"""The checker's fast paths give the same answers as the plain computations they replace."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import sys
import threading
import unicodedata

import numpy as np
import pytest
from django.core.management import call_command

from wanlixing.antifraud.management.commands.scamcheck import BATCH_LINES, line_batches
from wanlixing.antifraud.scam.checker import (
    _WORD_CHAR,
    CONTROL_CHARS,
    scam_check,
    scam_check_many,
)
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
    hits: list[tuple[str, tuple[int, int]]] = []
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
    for text in [*corpus_texts[::3], *extra]:
        expected = _match_every_pattern(rules, text)
        assert [(h.code, h.span) for h in rules.match(text)] == expected, text
        hit_count += len(expected)
    assert hit_count > 500  # the comparison covered plenty of hits


def test_an_unscreenable_rule_still_fires():
    rules = RuleSet([rule_build({"code": "wild", "weight": 0.5, "patterns": ["(?i)[a-z]{3}x"]})])
    assert [h.code for h in rules.match("abcx")] == ["wild"]
    assert rules.match("ab") == []


def test_batched_vectors_equal_the_one_text_computation(model, corpus_texts):
    texts = [*corpus_texts[::14], "", "!!!", "abc", "网址0" * 40, "请把验证码告诉我", "a"]
    vectors = model.vectors(texts)
    logits = model.logits(vectors)
    for row, text in enumerate(texts):
        index, values = model.vectorize(model.counts(text))
        columns, got = vectors.row(row)
        expected = sorted(zip(index, values, strict=True))
        assert columns == [c for c, _v in expected], text
        assert got == pytest.approx([v for _c, v in expected], abs=1e-12)
        assert logits[row] == pytest.approx(model.logit(index, values), abs=1e-12)
    assert vectors.row(texts.index("")) == ([], [])
    assert len(vectors.values) > 50 * len(texts)  # the comparison covered real feature rows
    single = model.vectors(["请把验证码告诉我"])
    assert single.row(0)[0] == vectors.row(texts.index("请把验证码告诉我"))[0]
    assert model.vectors([]).count == 0


def test_batched_type_scores_equal_the_one_text_computation(model, corpus_texts):
    texts = [*corpus_texts[:300], "!!!"]
    vectors = model.vectors(texts)
    rows = [*range(0, len(texts), 2), len(texts) - 1]
    many = model.type_scores_many(vectors, rows)
    for row, scores in zip(rows, many, strict=True):
        expected = model.type_scores(*model.vectorize(model.counts(texts[row])))
        assert scores.keys() == expected.keys()
        assert list(scores.values()) == pytest.approx(list(expected.values()), abs=1e-12)
    assert many[-1] == {}
    assert len(many[0]) == len(model.type_labels) > 3
    assert model.type_scores_many(vectors, [len(texts) - 1]) == [{}]


def test_checking_many_texts_equals_checking_each(rules, model):
    texts = [s.text for s in corpus_load()[::25]] + [
        "😀😀",
        "請把驗證碼告訴我",
        "转账 10万元",
        "在？帮我买两张500的购物卡，拍卡密给我，我要送客户，晚上给你报销",  # suspicious
    ]
    many = scam_check_many(texts, rules=rules, model=model)
    verdicts = set()
    for text, result in zip(texts, many, strict=True):
        single = scam_check(text, rules=rules, model=model)
        assert result.as_cli() == single.as_cli()
        assert result.note == single.note
        verdicts.add(result.verdict)
    assert verdicts == {"fraud", "suspicious", "safe"}
    without_model = scam_check_many(texts[:20], rules=rules, model=None)
    assert [r.as_cli() for r in without_model] == [
        scam_check(t, rules=rules, model=None).as_cli() for t in texts[:20]
    ]


class _Chunks:
    """A stream that hands out given chunks, like a pipe written piece by piece."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = list(chunks)

    def read(self, _size: int) -> bytes:
        raise AssertionError("read1 is used, so a batch never waits to fill the size")

    def read1(self, _size: int) -> bytes:
        return self.chunks.pop(0) if self.chunks else b""


def test_line_batches_join_split_lines_and_keep_an_unfinished_last_line():
    stream = _Chunks([b'{"id"', b': 1}\n{"id": 2', b"}\n\n", b'{"id": 3}'])
    assert list(line_batches(stream)) == [[b'{"id": 1}'], [b'{"id": 2}', b""], [b'{"id": 3}']]
    assert list(line_batches(_Chunks([b"a\nb\n"]))) == [[b"a", b"b"]]
    many = b"".join(b"%d\n" % i for i in range(BATCH_LINES + 3))
    batches = list(line_batches(_Chunks([many])))
    assert [len(b) for b in batches] == [BATCH_LINES, 3]


def test_line_batches_answer_a_line_without_waiting_for_more():
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as reader, os.fdopen(write_end, "wb") as writer:
        writer.write(b'{"id": 1}\n')
        writer.flush()
        got: list[list[bytes]] = []
        thread = threading.Thread(target=lambda: got.append(next(line_batches(reader))))
        thread.start()
        thread.join(timeout=10)
        assert got == [[b'{"id": 1}']]  # the pipe is still open: no waiting for a batch


def test_a_line_the_checker_fails_on_gets_an_internal_error_alone(db, monkeypatch, capsys):
    import wanlixing.antifraud.scam.checker as checker

    real = checker._evidence_find

    def failing(text, rules):
        if text == "坏":
            raise RuntimeError("boom")
        return real(text, rules)

    monkeypatch.setattr(checker, "_evidence_find", failing)
    lines = [{"id": i, "text": t} for i, t in enumerate(["请把验证码告诉我", "坏", "您好"])]
    data = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode() + b"\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    call_command("scamcheck", jsonl=True)
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == [0, 1, 2]
    assert out[0]["verdict"] == "fraud"
    assert out[1]["error"]["code"] == "internal"
    assert out[2]["verdict"] == "safe"


def test_control_character_pattern_is_category_cc_without_tab_and_newlines():
    every = "".join(map(chr, range(0x110000)))
    expected = {c for c in every if unicodedata.category(c) == "Cc"} - set("\t\n\r")
    assert set(CONTROL_CHARS.findall(every)) == expected
    assert len(expected) == 62


def test_word_check_is_str_isalnum():
    every = "".join(map(chr, range(0x110000)))
    assert {m.group() for m in _WORD_CHAR.finditer(every)} == {c for c in every if c.isalnum()}


def test_vectors_without_the_feature_index_are_the_same(model, corpus_texts):
    texts = [*corpus_texts[:200], ""]
    plain = dataclasses.replace(model, feature_index=None)
    assert model.feature_index is not None
    fast, slow = model.vectors(texts), plain.vectors(texts)
    assert fast.rows.tolist() == slow.rows.tolist()
    assert fast.columns.tolist() == slow.columns.tolist()
    assert len(fast.values) > 20 * len(texts)
    assert np.abs(fast.values - slow.values).max() < 1e-12
