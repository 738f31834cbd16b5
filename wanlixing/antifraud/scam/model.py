"""The statistical half of the checker: features, the shipped model file, prediction.

Features are character 1–3-grams and jieba words of ``model_text`` (links, numbers and
punctuation abstracted), weighted by sublinear TF-IDF and L2-normalised. The model file
is a plain zip of NumPy arrays (no pickle), written by ``wanlixing scam train`` and
loaded once per process. It holds a binary fraud/normal logistic model, a fraud-type
model, and the small logistic "stacker" that turns model score + rule evidence + entity
evidence into a calibrated risk.
"""

from __future__ import annotations

import io
import json
import logging
import math
import threading
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .normalize import model_text

MODEL_PATH = Path(__file__).resolve().parent.parent / "model" / "scam_model.npz"
NGRAM_RANGE = (1, 3)

_tokenizer_lock = threading.Lock()
_tokenizer: Any = None


def _jieba() -> Any:
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _tokenizer = tokenizer
    return _tokenizer


def tokens(normalized: str) -> Counter[str]:
    """Feature counts of a normalised text (see module docstring)."""
    text = model_text(normalized)
    counts: Counter[str] = Counter()
    lo, hi = NGRAM_RANGE
    length = len(text)
    for n in range(lo, hi + 1):
        counts.update(text[i : i + n] for i in range(length - n + 1))
    words = [w for w in _jieba().lcut(text, HMM=False) if len(w) > 1]
    counts.update("w:" + w for w in words)
    return counts


@dataclass(frozen=True)
class ScamModel:
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    type_labels: tuple[str, ...]
    type_coef: np.ndarray  # (types, features)
    type_intercept: np.ndarray
    stacker_coef: np.ndarray  # model logit, rule evidence, entity evidence
    stacker_intercept: float
    meta: dict[str, Any]

    def vectorize(self, counts: Counter[str]) -> tuple[np.ndarray, np.ndarray]:
        """Indices and L2-normalised TF-IDF values of the known features."""
        vocabulary = self.vocabulary
        pairs = [(vocabulary[t], c) for t, c in counts.items() if t in vocabulary]
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        index = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
        tf = np.fromiter((p[1] for p in pairs), dtype=np.float64, count=len(pairs))
        values = (1.0 + np.log(tf)) * self.idf[index]
        norm = math.sqrt(float(values @ values))
        return index, values / norm if norm else values

    def logit(self, index: np.ndarray, values: np.ndarray) -> float:
        return float(values @ self.coef[index]) + self.intercept

    def type_scores(self, index: np.ndarray, values: np.ndarray) -> dict[str, float]:
        if not len(self.type_labels):
            return {}
        raw = self.type_coef[:, index].astype(np.float64) @ values + self.type_intercept
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
        return ScamModel(
            vocabulary={t: i for i, t in enumerate(vocab_terms)},
            idf=data["idf"].astype(np.float64),
            coef=data["coef"].astype(np.float64),
            intercept=float(data["intercept"]),
            type_labels=tuple(str(t) for t in data["type_labels"]),
            type_coef=data["type_coef"].astype(np.float32),
            type_intercept=data["type_intercept"].astype(np.float64),
            stacker_coef=data["stacker_coef"].astype(np.float64),
            stacker_intercept=float(data["stacker_intercept"]),
            meta=json.loads(str(data["meta"])),
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
