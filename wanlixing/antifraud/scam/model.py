"""The statistical half of the checker: features, the shipped model file, prediction.

Features are character 1–3-grams and dictionary words (jieba's dictionary) of
``model_text`` (links, numbers and
punctuation abstracted), weighted by sublinear TF-IDF and L2-normalised. The model file
is a plain zip of NumPy arrays (no pickle), written by ``wanlixing scam train`` and
loaded once per process. It holds a binary fraud/normal logistic model, a fraud-type
model, and the small logistic "stacker" that turns model score + rule evidence + entity
evidence into a calibrated risk.
"""

from __future__ import annotations

import io
import json
import math
import threading
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np

from .normalize import model_text

MODEL_PATH = Path(__file__).resolve().parent.parent / "model" / "scam_model.npz"
NGRAM_RANGE = (1, 3)

WORD_LENGTHS = (2, 3, 4)

_dictionary_lock = threading.Lock()
_dictionary: frozenset[str] | None = None


def word_dictionary() -> frozenset[str]:
    """Words of 2–4 characters from jieba's dictionary (used when training).

    Word features are dictionary words *occurring* in the text (overlaps allowed)
    rather than one segmentation: the same signal as a segmenter's words for a linear
    model, and at prediction time only the model's own words need looking up, which
    is several times faster than segmenting.
    """
    global _dictionary
    if _dictionary is None:
        with _dictionary_lock:
            if _dictionary is None:
                import jieba

                path = Path(jieba.__file__).parent / "dict.txt"
                words = set()
                with path.open(encoding="utf-8") as handle:
                    for line in handle:
                        word, _sep, rest = line.partition(" ")
                        if len(word) in WORD_LENGTHS and int(rest.split(" ")[0] or 0) >= 3:
                            words.add(word.lower())
                _dictionary = frozenset(words)
    return _dictionary


def tokens(normalized: str, words: frozenset[str] | set[str] | None = None) -> Counter[str]:
    """Feature counts of a normalised text (see module docstring)."""
    text = model_text(normalized)
    counts: Counter[str] = Counter()
    lo, hi = NGRAM_RANGE
    length = len(text)
    for n in range(lo, hi + 1):
        counts.update(text[i : i + n] for i in range(length - n + 1))
    lookup = word_dictionary() if words is None else words
    found = [
        text[i : i + n]
        for n in WORD_LENGTHS
        for i in range(length - n + 1)
        if text[i : i + n] in lookup
    ]
    counts.update("w:" + w for w in found)
    return counts


@dataclass(frozen=True, slots=True)
class Vectors:
    """L2-normalised TF-IDF rows of several texts, as (row, column, value) triples
    sorted by row, then column."""

    count: int  # number of rows (texts)
    rows: np.ndarray
    columns: np.ndarray
    values: np.ndarray

    def row(self, i: int) -> tuple[list[int], list[float]]:
        lo, hi = np.searchsorted(self.rows, [i, i + 1])
        return self.columns[lo:hi].tolist(), self.values[lo:hi].tolist()


class FeatureIndex:
    """The model's features found in many texts at once, with NumPy instead of dicts.

    Every character of the vocabulary gets a code 1…radix−1 (0 for characters the
    model has never seen); an n-gram is the base-``radix`` number of its codes, which
    lies in [radix^(n−1), radix^n), so 1- to 4-grams never share a key. All n-grams of
    a batch of texts are computed with array arithmetic and looked up in one sorted
    key table (``searchsorted``). Gives exactly the features of ``tokens`` that the
    model knows: character 1–3-grams and dictionary words of 2–4 characters, each
    occurrence counted.
    """

    def __init__(self, vocabulary: dict[str, int]) -> None:
        texts = [term[2:] if term.startswith("w:") else term for term in vocabulary]
        chars = sorted(set("".join(texts)))
        self.codes: dict[str, int] = {c: i + 1 for i, c in enumerate(chars)}
        self.radix = len(chars) + 1
        self.features = len(vocabulary)
        if self.radix**4 >= 2**63:
            raise ValueError("too many distinct characters for 64-bit 4-gram keys")
        # For each key: the column of the character n-gram and of the dictionary word
        # with that text (-1 when it is not a feature).
        code = self.codes.__getitem__
        radix = self.radix
        slots: dict[int, list[int]] = {}
        for (term, column), text in zip(vocabulary.items(), texts, strict=True):
            if not 1 <= len(text) <= 4:
                continue
            key = 0
            for value in map(code, text):
                key = key * radix + value
            slots.setdefault(key, [-1, -1])[1 if term.startswith("w:") else 0] = column
        keys = sorted(slots)
        pairs = np.array([slots[k] for k in keys], dtype=np.int64).reshape(-1, 2)
        self.keys = np.array(keys, dtype=np.int64)
        self.char_columns = pairs[:, 0].copy()
        self.word_columns = pairs[:, 1].copy()

    @classmethod
    def build(cls, vocabulary: dict[str, int]) -> FeatureIndex | None:
        """The index, or None for a vocabulary of over ~55,000 distinct characters (its
        4-gram keys would not fit in 64 bits; the model then works one text at a time)."""
        try:
            return cls(vocabulary)
        except ValueError:
            return None

    def counts(self, model_texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, columns, counts) of the known features, sorted by row and column."""
        code = self.codes.get
        zero = repeat(0)
        codes: list[int] = []
        lengths: list[int] = []
        for text in model_texts:
            codes += map(code, text, zero)
            codes.append(0)  # a separator: no n-gram spans two texts
            lengths.append(len(text) + 1)
        chars = np.array(codes, dtype=np.int64)
        owner = np.repeat(np.arange(len(model_texts), dtype=np.int64), lengths)
        size = len(chars)
        keys = [chars]
        valid = [chars > 0]
        key, ok = chars, valid[0]
        for n in (2, 3, 4):
            if size < n:
                break
            key = key[:-1] * self.radix + chars[n - 1 :]
            ok = ok[:-1] & valid[0][n - 1 :]
            keys.append(key)
            valid.append(ok)
        mask = np.concatenate(valid)
        wanted = np.concatenate(keys)[mask]
        rows = np.concatenate([owner[: len(k)] for k in keys])[mask]
        position = np.searchsorted(self.keys, wanted)
        position[position == len(self.keys)] = 0
        hit = self.keys[position] == wanted
        position, rows = position[hit], rows[hit]
        char_columns = self.char_columns[position]
        word_columns = self.word_columns[position]
        is_char, is_word = char_columns >= 0, word_columns >= 0
        found = np.concatenate(
            [
                rows[is_char] * self.features + char_columns[is_char],
                rows[is_word] * self.features + word_columns[is_word],
            ]
        )
        found.sort()
        if not len(found):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        starts = np.flatnonzero(np.concatenate([[True], found[1:] != found[:-1]]))
        unique = found[starts]
        counts = np.diff(np.append(starts, len(found)))
        rows = unique // self.features
        return rows, unique - rows * self.features, counts


@dataclass(frozen=True)
class ScamModel:
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    type_labels: tuple[str, ...]
    type_coef: np.ndarray  # (features, types): rows gather fast
    type_intercept: np.ndarray
    stacker_coef: np.ndarray  # model logit, rule evidence, entity evidence
    stacker_intercept: float
    meta: dict[str, Any]
    words: frozenset[str] = frozenset()
    idf_list: list[float] = field(default_factory=list)
    coef_list: list[float] = field(default_factory=list)
    feature_index: FeatureIndex | None = None  # for ``vectors``; built by ``model_read``

    def counts(self, normalized: str) -> Counter[str]:
        """Feature counts, looking up only the words the model knows."""
        return tokens(normalized, self.words)

    def vectorize(self, counts: Counter[str]) -> tuple[list[int], list[float]]:
        """Indices and L2-normalised TF-IDF values of the known features.

        Plain Python lists: a message has a few hundred features, where NumPy's per-call
        overhead would cost more than the arithmetic.
        """
        vocabulary = self.vocabulary
        idf = self.idf_list
        index: list[int] = []
        values: list[float] = []
        for term, n in counts.items():
            j = vocabulary.get(term)
            if j is not None:
                index.append(j)
                values.append(idf[j] if n == 1 else (1.0 + math.log(n)) * idf[j])
        norm = math.sqrt(math.fsum(v * v for v in values))
        if norm:
            values = [v / norm for v in values]
        return index, values

    def logit(self, index: list[int], values: list[float]) -> float:
        coef = self.coef_list
        return math.fsum(coef[j] * v for j, v in zip(index, values, strict=True)) + self.intercept

    def type_scores(self, index: list[int], values: list[float]) -> dict[str, float]:
        if not len(self.type_labels) or not index:
            return {}
        raw = np.array(values) @ self.type_coef[index] + self.type_intercept
        raw = raw - raw.max()
        probs = np.exp(raw)
        probs /= probs.sum()
        return {label: float(p) for label, p in zip(self.type_labels, probs, strict=True)}

    def vectors(self, normalized: Sequence[str]) -> Vectors:
        """L2-normalised sublinear TF-IDF rows of many normalised texts at once (the
        same values as ``vectorize`` of ``counts`` of each)."""
        index = self.feature_index
        if index is None:  # an unusually wide alphabet: one text at a time
            per_text = [self.vectorize(self.counts(text)) for text in normalized]
            pairs = [sorted(zip(c, v, strict=True)) for c, v in per_text]
            return Vectors(
                count=len(per_text),
                rows=np.repeat(np.arange(len(pairs)), [len(p) for p in pairs]),
                columns=np.array([c for p in pairs for c, _v in p], dtype=np.int64),
                values=np.array([v for p in pairs for _c, v in p], dtype=np.float64),
            )
        rows, columns, counts = index.counts([model_text(text) for text in normalized])
        values = (1.0 + np.log(counts)) * self.idf[columns]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(normalized)))
        values /= norms[rows]  # idf > 0: a row with values has a norm
        return Vectors(len(normalized), rows, columns, values)

    def logits(self, vectors: Vectors) -> np.ndarray:
        """The binary model's logit of each row of ``vectors``."""
        weights = vectors.values * self.coef[vectors.columns]
        return np.bincount(vectors.rows, weights=weights, minlength=vectors.count) + self.intercept

    def type_scores_many(self, vectors: Vectors, rows: Sequence[int]) -> list[dict[str, float]]:
        """Fraud-type probabilities of the given rows ({} for a row without features)."""
        if not len(self.type_labels) or not len(rows):
            return [{} for _ in rows]
        wanted = np.zeros(vectors.count, dtype=bool)
        wanted[list(rows)] = True
        keep = wanted[vectors.rows]
        kept_rows = vectors.rows[keep]
        if not len(kept_rows):
            return [{} for _ in rows]
        contributions = vectors.values[keep, None] * self.type_coef[vectors.columns[keep]]
        starts = np.flatnonzero(np.concatenate([[True], kept_rows[1:] != kept_rows[:-1]]))
        raw = np.add.reduceat(contributions, starts, axis=0) + self.type_intercept
        raw -= raw.max(axis=1, keepdims=True)
        probs = np.exp(raw)
        probs /= probs.sum(axis=1, keepdims=True)
        by_row = {
            row: {label: float(p) for label, p in zip(self.type_labels, values, strict=True)}
            for row, values in zip(kept_rows[starts].tolist(), probs.tolist(), strict=True)
        }
        return [by_row.get(row, {}) for row in rows]

    def risk(self, model_logit: float, rule_evidence: float, entity_evidence: float) -> float:
        z = (
            float(self.stacker_coef[0]) * model_logit
            + float(self.stacker_coef[1]) * rule_evidence
            + float(self.stacker_coef[2]) * entity_evidence
            + self.stacker_intercept
        )
        z = max(-30.0, min(30.0, z))
        return 1.0 / (1.0 + math.exp(-z))


def _array_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.array(array, order="C"), allow_pickle=False)
    return buffer.getvalue()


def model_save(path: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Write arrays + meta as a zip with fixed timestamps, so equal input gives equal bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    items = dict(sorted(arrays.items()))
    items["meta"] = np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, array in items.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, _array_bytes(array))


def model_read(path: Path) -> ScamModel:
    with np.load(path, allow_pickle=False) as data:
        vocab_terms = [str(t) for t in data["vocabulary"]]
        vocabulary = {t: i for i, t in enumerate(vocab_terms)}
        idf = data["idf"].astype(np.float64)
        coef = data["coef"].astype(np.float64)
        return ScamModel(
            vocabulary=vocabulary,
            idf=idf,
            coef=coef,
            intercept=float(data["intercept"]),
            type_labels=tuple(str(t) for t in data["type_labels"]),
            type_coef=np.ascontiguousarray(data["type_coef"].T.astype(np.float64)),
            type_intercept=data["type_intercept"].astype(np.float64),
            stacker_coef=data["stacker_coef"].astype(np.float64),
            stacker_intercept=float(data["stacker_intercept"]),
            meta=json.loads(str(data["meta"])),
            words=frozenset(t[2:] for t in vocab_terms if t.startswith("w:")),
            idf_list=idf.tolist(),
            coef_list=coef.tolist(),
            feature_index=FeatureIndex.build(vocabulary),
        )


_loaded: dict[str, ScamModel] = {}
_load_lock = threading.Lock()


def model_get(path: Path | None = None) -> ScamModel | None:
    """The shipped model, loaded once per process; None when the file is missing."""
    target = path or MODEL_PATH
    key = str(target)
    model = _loaded.get(key)
    if model is None:
        with _load_lock:
            model = _loaded.get(key)
            if model is None:
                if not target.exists():
                    return None
                model = model_read(target)
                _loaded[key] = model
    return model


def model_forget() -> None:
    """Drop the cached model (after training writes a new file)."""
    with _load_lock:
        _loaded.clear()
