"""Hybrid retrieval over FAQ phrasings with a learned re-ranker and calibrated confidence.

Every phrasing of an entry (标准问 and 相似问) is indexed. Four lexical channels
(BM25 over jieba words, BM25 and TF-IDF over character 1–2 grams, BM25 over
pinyin syllables for homophone typos) and one dense channel (e5 cosine) score
every phrasing; an entry takes its best phrasing per channel. A first stage,
led by the dense channel, picks candidates; a logistic re-ranker trained on the
project's own paraphrase material orders them from channel scores and pair
features; a second logistic model (the calibrator) turns the winner's score and
margin into the probability that the answer is right, which decides abstention.

Dense similarity is corrected for hubness: in an embedding space some phrasings
sit close to many questions (short, generic ones such as "怎么办理"), and win
more often than they should. Each phrasing's density — its mean cosine to the
most similar other entries of the collection — is computed once when the index
is built, and the re-ranker sees it beside the cosine and cosine minus a share
of it (the CSLS correction used in cross-lingual word retrieval).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import dense
from .features import PAIR_FEATURES, Profile, pair_features, profile
from .lexical import SparseIndex, top_k
from .normalise import Normaliser, char_ngrams, pinyin_grams, words

MODEL_DIR = Path(__file__).resolve().parent / "model"
CHANNELS = ["w_bm25", "c_bm25", "c_tfidf", "p_bm25", "dense"]
CANDIDATES = 30
HUB_NEIGHBOURS = 10  # other entries that define a phrasing's neighbourhood density
HUB_WEIGHT = 0.5  # share of the density taken off the cosine (CSLS uses 1 on both sides)

FEATURE_NAMES = (
    [f"{c}_{k}" for c in CHANNELS for k in ("score", "rel", "gap")]
    + ["dense_rank", "first_gap", "dense_mean", "n_phrasings", "q_len"]
    + ["hub", "csls", "csls_gap"]
    + PAIR_FEATURES
)


@dataclass
class Hit:
    entry: int  # position in the index's entry list
    key: Any
    score: float  # re-ranker score (higher is better)
    phrasing: str  # the best-matching phrasing, as written


@dataclass
class Result:
    hits: list[Hit]
    confidence: float  # calibrated probability that hits[0] is right
    features: np.ndarray | None = field(default=None, repr=False)


class CollectionIndex:
    """An in-memory index of one FAQ collection."""

    def __init__(
        self,
        entries: Sequence[tuple[Any, Sequence[str]]],
        normaliser: Normaliser,
        vectors: np.ndarray | None = None,
    ) -> None:
        """``entries``: (key, phrasings); ``vectors``: one e5 row per phrasing, in order
        (computed here when None)."""
        self.normaliser = normaliser
        self.keys = [key for key, _ in entries]
        raw: list[str] = []
        offsets: list[int] = []
        for _key, phrasings in entries:
            offsets.append(len(raw))
            raw.extend([p for p in phrasings if p and p.strip()] or [""])
        self.raw = raw
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.counts = np.diff(np.append(self.offsets, len(raw)))
        self.norm = [normaliser(p) for p in raw]
        self.profiles = [profile(t) for t in self.norm]
        grams = [char_ngrams(t) for t in self.norm]
        self.channels = {
            "w_bm25": SparseIndex([words(t) for t in self.norm]),
            "c_bm25": SparseIndex(grams),
            "c_tfidf": SparseIndex(grams, scheme="tfidf"),
            "p_bm25": SparseIndex([pinyin_grams(t) for t in self.norm]),
        }
        if vectors is None:
            vectors = dense.embed(self.norm)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.hub = neighbourhood_density(self.vectors, self.offsets, self.counts)

    def __len__(self) -> int:
        return len(self.keys)

    def phrasing_scores(self, q: str, qvec: np.ndarray) -> dict[str, np.ndarray]:
        grams = char_ngrams(q)
        out = {
            "w_bm25": self.channels["w_bm25"].scores(words(q)),
            "c_bm25": self.channels["c_bm25"].scores(grams),
            "c_tfidf": self.channels["c_tfidf"].scores(grams),
            "p_bm25": self.channels["p_bm25"].scores(pinyin_grams(q)),
        }
        out["dense"] = dense.similarities(self.vectors, qvec)
        out["csls"] = out["dense"] - HUB_WEIGHT * self.hub
        return out

    def entry_max(self, scores: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(scores, self.offsets) if len(self.offsets) else scores


def neighbourhood_density(
    vectors: np.ndarray, offsets: np.ndarray, counts: np.ndarray, k: int = HUB_NEIGHBOURS
) -> np.ndarray:
    """Per phrasing, the mean cosine to its ``k`` most similar other entries, each
    entry represented by its first phrasing (标准问). Computed in blocks, so a
    10,000-entry collection needs a few tens of MB and about a second."""
    n_rows, n_entries = len(vectors), len(offsets)
    out = np.zeros(n_rows, dtype=np.float32)
    if n_entries < 2 or n_rows == 0:
        return out
    k = min(k, n_entries - 1)
    reference = vectors[offsets]
    owner = np.repeat(np.arange(n_entries), counts)
    block = max(1, 4_000_000 // n_entries)
    for start in range(0, n_rows, block):
        sims = vectors[start : start + block] @ reference.T
        rows = np.arange(len(sims))
        sims[rows, owner[start : start + block]] = -1.0  # an entry is not its own neighbour
        top = np.partition(sims, n_entries - k, axis=1)[:, n_entries - k :]
        out[start : start + block] = top.mean(axis=1)
    return out


def first_stage(entry_scores: dict[str, np.ndarray]) -> np.ndarray:
    """Candidate selection: the dense channel leads, character overlap breaks ties."""
    fused = entry_scores["dense"] + 0.05 * entry_scores["c_tfidf"]
    top = float(entry_scores["c_bm25"].max()) if len(fused) else 0.0
    if top > 0:
        fused = fused + 0.05 * entry_scores["c_bm25"] / top
    return fused


class LinearModel:
    """A standardised linear scorer stored as JSON (weights learned offline)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.weights = np.asarray(spec["weights"], dtype=np.float64)
        self.bias = float(spec["bias"])
        self.mean = np.asarray(spec["mean"], dtype=np.float64)
        self.scale = np.asarray(spec["scale"], dtype=np.float64)

    def decision(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.weights + self.bias


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(min(z, 30.0), -30.0)))


class Ranker:
    """Scores candidates with the trained models; without them, the first stage decides."""

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        self.model: LinearModel | None = None
        self.calibrator: LinearModel | None = None
        self.meta: dict[str, Any] = {}
        spec_file = model_dir / "reranker.json"
        if spec_file.exists():
            spec = json.loads(spec_file.read_text(encoding="utf-8"))
            if spec.get("features") != FEATURE_NAMES:
                raise ValueError(f"{spec_file} was trained on other features; retrain it")
            self.model = LinearModel(spec["ranker"])
            self.calibrator = LinearModel(spec["calibrator"])
            self.meta = {k: v for k, v in spec.items() if k not in ("ranker", "calibrator")}

    def search(
        self,
        index: CollectionIndex,
        question: str,
        *,
        k: int = 10,
        qvec: np.ndarray | None = None,
        exclude: Sequence[int] = (),
        candidates: int = CANDIDATES,
    ) -> Result:
        """Rank the index's entries for ``question``.

        ``exclude`` lists phrasing positions to ignore (leave-one-out training).
        """
        q = index.normaliser(question)
        if not q or not len(index):
            return Result([], 0.0)
        if qvec is None:
            qvec = dense.embed_one(q)
        scores = index.phrasing_scores(q, qvec)
        if len(exclude):
            ex = np.asarray(exclude, dtype=np.int64)
            for s in scores.values():
                s[ex] = -1.0
        entry_scores = {name: index.entry_max(s) for name, s in scores.items()}
        fused = first_stage(entry_scores)
        cand = top_k(fused, min(candidates, len(fused)))
        feats, best = self.features(index, q, cand, scores, entry_scores, fused, exclude)
        if self.model is not None:
            final = self.model.decision(feats)
        else:
            final = fused[cand].astype(np.float64)
        order = np.argsort(-final, kind="stable")
        hits = [
            Hit(int(cand[j]), index.keys[int(cand[j])], float(final[j]), index.raw[best[j]])
            for j in order[:k]
        ]
        confidence = self.confidence(final[order], feats[order])
        if index.norm[best[order[0]]] == q:
            # The question is one of the entry's curated phrasings, word for word.
            confidence = max(confidence, 0.99)
        return Result(hits, confidence, feats[order])

    def features(
        self,
        index: CollectionIndex,
        q: str,
        cand: np.ndarray,
        scores: dict[str, np.ndarray],
        entry_scores: dict[str, np.ndarray],
        fused: np.ndarray,
        exclude: Sequence[int] = (),
    ) -> tuple[np.ndarray, list[int]]:
        """One feature row per candidate, and the position of its best phrasing."""
        excluded = {int(x) for x in exclude}
        qp: Profile = profile(q)
        n = len(cand)
        cols = []
        for c in CHANNELS:
            s = entry_scores[c][cand].astype(np.float64)
            top = float(s.max())
            cols += [s, s / top if top > 0 else np.zeros(n), top - s]
        dense_rank = np.empty(n)
        dense_rank[np.argsort(-entry_scores["dense"][cand], kind="stable")] = np.arange(n)
        cols += [np.log1p(dense_rank), fused[cand] - float(fused[cand].max())]
        channel_block = np.column_stack(cols)
        csls_scores = scores["csls"]
        rows = []
        best_positions = []
        q_len = math.log1p(len(qp.text))
        for e in cand:
            lo, cnt = int(index.offsets[e]), int(index.counts[e])
            ds = scores["dense"][lo : lo + cnt]
            live = [i for i in range(cnt) if lo + i not in excluded]
            local = ds + 0.3 * scores["c_tfidf"][lo : lo + cnt]
            best = lo + int(np.argmax(local))
            best_positions.append(best)
            rows.append(
                [
                    float(ds[live].mean()) if live else 0.0,
                    math.log1p(len(live)),
                    q_len,
                    float(index.hub[best]),
                    float(csls_scores[lo : lo + cnt].max()),
                    0.0,  # csls_gap, filled in below
                    *pair_features(qp, index.profiles[best]),
                ]
            )
        block = np.asarray(rows, dtype=np.float64)
        block[:, 5] = block[:, 4] - block[:, 4].max()
        return np.hstack([channel_block, block]), best_positions

    def confidence(self, ordered_scores: np.ndarray, ordered_feats: np.ndarray) -> float:
        """Probability that the top hit is right, from the calibrator."""
        if not len(ordered_scores):
            return 0.0
        x = calibration_inputs(ordered_scores, ordered_feats)
        if self.calibrator is None:
            # Untrained fallback: the dense cosine of the winner and its lead.
            return _sigmoid(40 * (x[2] - 0.9) + 20 * x[1] - 1)
        return _sigmoid(float(self.calibrator.decision(x[None, :])[0]))


_DENSE = FEATURE_NAMES.index("dense_score")
_TFIDF = FEATURE_NAMES.index("c_tfidf_score")
_LCS = FEATURE_NAMES.index("lcs_ratio")
_QLEN = FEATURE_NAMES.index("q_len")


def calibration_inputs(ordered_scores: np.ndarray, ordered_feats: np.ndarray) -> np.ndarray:
    """What the calibrator sees: the winner's share of the softmax over candidates, its
    lead over the runner-up, and its raw similarities to the question."""
    z = ordered_scores - float(ordered_scores[0])
    p_top = float(1.0 / np.exp(z).sum())
    margin = float(-z[1]) if len(z) > 1 else 10.0
    f = ordered_feats[0]
    return np.asarray(
        [p_top, min(margin, 10.0), f[_DENSE], f[_TFIDF], f[_LCS], f[_QLEN]], dtype=np.float64
    )
