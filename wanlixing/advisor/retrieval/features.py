"""Features of a (question, FAQ phrasing) pair for the learned re-ranker.

Everything about a phrasing that does not depend on the question is computed
once, when the index is built (``Profile``); per question only the comparison
is left, which keeps a search within a few milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import LCSseq, Levenshtein

from .normalise import char_ngrams, pinyin_syllables

# Question type: a paraphrase asks the same kind of thing (怎么 vs 多少 vs 能不能).
_QTYPES: list[tuple[str, re.Pattern[str]]] = [
    ("why", re.compile(r"为什么|为何|怎么会|怎么回事|什么原因|原因")),
    ("when", re.compile(r"什么时候|多久|几天|几号|何时|多长|期限|到账时间")),
    (
        "howmuch",
        re.compile(r"多少|几个|几次|几万|几千|额度是|上限|最高|最多|最低|比例|费率|利率是"),
    ),
    ("where", re.compile(r"哪里|在哪|哪儿|什么地方|哪个网点|去哪")),
    ("which", re.compile(r"哪个|哪些|哪种|哪家|什么样")),
    (
        "can",
        re.compile(
            r"能不能|可不可以|可以吗|能否|是否|行不行|会不会|能吗|可以不|有没有|是不是|要不要|需不需要"
        ),
    ),
    ("how", re.compile(r"怎么|如何|怎样|方法|步骤|流程|办理")),
    ("what", re.compile(r"什么|是啥|啥是|意思|定义|区别")),
]
_NEGATION = re.compile(r"不|没|未|无|别|非|莫")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def question_types(text: str) -> frozenset[str]:
    return frozenset(name for name, pattern in _QTYPES if pattern.search(text))


def jaccard(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Profile:
    """What the pair features need to know about one normalised question."""

    text: str
    chars: frozenset[str]
    bigrams: frozenset[str]
    syllables: frozenset[str]
    qtypes: frozenset[str]
    negations: int
    digits: frozenset[str]


def profile(normalised: str) -> Profile:
    compact = normalised.replace(" ", "")
    return Profile(
        compact,
        frozenset(compact),
        frozenset(char_ngrams(compact, (2,))),
        frozenset(pinyin_syllables(compact)),
        question_types(compact),
        len(_NEGATION.findall(compact)),
        frozenset(_DIGITS.findall(compact)),
    )


PAIR_FEATURES = [
    "uni_jaccard",
    "bi_jaccard",
    "pinyin_jaccard",
    "lcs_ratio",
    "lev_ratio",
    "len_ratio",
    "qtype_same",
    "qtype_conflict",
    "neg_diff",
    "digits_conflict",
]


def pair_features(q: Profile, d: Profile) -> list[float]:
    """Surface similarity of two normalised questions."""
    lq, ld = len(q.text), len(d.text)
    if q.qtypes and d.qtypes:
        shared = bool(q.qtypes & d.qtypes)
        same, conflict = float(shared), float(not shared)
    else:
        same, conflict = 0.5, 0.0
    return [
        jaccard(q.chars, d.chars),
        jaccard(q.bigrams, d.bigrams),
        jaccard(q.syllables, d.syllables),
        LCSseq.similarity(q.text, d.text) / max(lq, ld, 1),
        Levenshtein.normalized_similarity(q.text, d.text),
        min(lq, ld) / max(lq, ld, 1),
        same,
        conflict,
        float(abs(q.negations - d.negations)),
        float(bool(q.digits and d.digits and not (q.digits & d.digits))),
    ]
