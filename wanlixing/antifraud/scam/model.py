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
from dataclasses import dataclass, field
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
        idf = data["idf"].astype(np.float64)
        coef = data["coef"].astype(np.float64)
        return ScamModel(
            vocabulary={t: i for i, t in enumerate(vocab_terms)},
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
