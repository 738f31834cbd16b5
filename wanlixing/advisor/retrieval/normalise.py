"""Chinese text normalisation for matching questions.

Steps: Unicode NFKC (full-width to half-width), lower case, traditional to
simplified characters, punctuation to spaces, then colloquialisms and typos to
their canonical form from the synonym list (longest match first).

A synonym is applied only where it does not cut through a word on both sides:
``证信→征信`` fixes "我的证信花了" but leaves "验证信息" (验证|信息) alone.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import jieba
import opencc

# Only single characters are converted to pinyin here, so pypinyin's phrase dictionary
# (about 46 MB in memory) is never needed; the single-character readings are identical
# (checked over U+4E00..U+9FFF). pypinyin reads these variables when it is first imported.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
from pypinyin import Style, lazy_pinyin

STARTER_SYNONYMS = Path(__file__).resolve().parent.parent / "starter" / "synonyms.tsv"

_PUNCT = re.compile(r"[^\w]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_HAN = re.compile(r"[\u3400-\u9fff]")
_PINYIN_UNIT = re.compile(r"[\u3400-\u9fff]|[a-z]+|\d+")

_tokenizer: jieba.Tokenizer | None = None


@functools.lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer (the global one stays untouched for others)."""
    global _tokenizer
    if _tokenizer is None:
        jieba.setLogLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        tk.initialize()
        _tokenizer = tk
    return _tokenizer


def read_synonym_file(path: Path = STARTER_SYNONYMS) -> list[tuple[str, str]]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        variant, canonical = line.split("\t", 1)
        pairs.append((variant.strip(), canonical.strip()))
    return pairs


def basic_form(text: str) -> str:
    """Width, case, script and punctuation folded; no synonyms."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _t2s().convert(text)
    text = _PUNCT.sub(" ", text).replace("_", " ")
    return _SPACES.sub(" ", text).strip()


class Normaliser:
    """Folds a question into the form every channel indexes."""

    def __init__(self, synonyms: Iterable[tuple[str, str]] = ()) -> None:
        self.table: dict[str, str] = {}
        for variant, canonical in synonyms:
            v, c = basic_form(variant), basic_form(canonical)
            if v and c and v != c:
                self.table[v] = c
        self.max_len = max((len(v) for v in self.table), default=0)
        # Teach the private tokenizer the domain terms it would split into single
        # characters (花呗, 砍头息 …); terms it already knows keep its segmentation.
        tk = tokenizer()
        for term in sorted(set(self.table.values())):
            unknown = all(len(w) == 1 for w in tk.lcut(term, HMM=False))
            if _HAN.search(term) and " " not in term and 1 < len(term) <= 6 and unknown:
                tk.add_word(term, freq=2000)
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        out = self.apply_synonyms(basic_form(text))
        if len(self._cache) < 200_000:
            self._cache[text] = out
        return out

    def apply_synonyms(self, text: str) -> str:
        if not self.table or not text:
            return text
        bounds = {0, len(text)}
        pos = 0
        for word in tokenizer().cut(text, HMM=False):
            pos += len(word)
            bounds.add(pos)
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            for size in range(min(self.max_len, n - i), 0, -1):
                canonical = self.table.get(text[i : i + size])
                if canonical is not None and (i in bounds or i + size in bounds):
                    out.append(canonical)
                    i += size
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)


def words(text: str) -> list[str]:
    """jieba words of a normalised text, spaces dropped."""
    return [w for w in tokenizer().lcut(text, HMM=False) if w.strip()]


def char_ngrams(text: str, sizes: tuple[int, ...] = (1, 2)) -> list[str]:
    compact = text.replace(" ", "")
    grams: list[str] = []
    for size in sizes:
        grams.extend(compact[i : i + size] for i in range(len(compact) - size + 1))
    return grams


@functools.lru_cache(maxsize=20_000)
def _char_pinyin(char: str) -> str:
    return lazy_pinyin(char, style=Style.NORMAL)[0]


def pinyin_syllables(text: str) -> list[str]:
    """Toneless syllables of the Chinese characters; Latin and digit runs kept whole."""
    out: list[str] = []
    for match in _PINYIN_UNIT.finditer(text):
        unit = match.group()
        out.append(_char_pinyin(unit) if _HAN.match(unit) else unit)
    return out


def pinyin_grams(text: str) -> list[str]:
    syl = pinyin_syllables(text)
    return syl + [a + "_" + b for a, b in itertools.pairwise(syl)]
