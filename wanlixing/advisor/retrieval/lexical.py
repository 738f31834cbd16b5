"""Sparse lexical channels: BM25 and TF-IDF cosine over any token lists."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse


class SparseIndex:
    """Documents as rows of a weighted term matrix; a query is a bag of terms.

    ``scheme="bm25"`` stores BM25 term weights (Okapi, idf with +1 smoothing);
    ``scheme="tfidf"`` stores L2-normalised tf-idf so a dot product is a cosine.
    """

    def __init__(
        self,
        docs: Sequence[Sequence[str]],
        *,
        scheme: str = "bm25",
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        self.scheme = scheme
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        lengths = np.zeros(len(docs), dtype=np.float32)
        for r, doc in enumerate(docs):
            counts = Counter(doc)
            lengths[r] = len(doc)
            for term, tf in counts.items():
                c = vocab.setdefault(term, len(vocab))
                rows.append(r)
                cols.append(c)
                vals.append(tf)
        self.vocab = vocab
        n_docs = max(len(docs), 1)
        tf = sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)),
            shape=(len(docs), max(len(vocab), 1)),
        )
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=max(len(vocab), 1))
        if scheme == "bm25":
            self.idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
            avg = float(lengths.mean()) if len(docs) else 1.0
            norm = k1 * (1 - b + b * lengths / max(avg, 1e-6))
            coo = tf.tocoo()
            data = coo.data * (k1 + 1) / (coo.data + norm[coo.row]) * self.idf[coo.col]
        elif scheme == "tfidf":
            self.idf = (np.log((1 + n_docs) / (1 + df)) + 1).astype(np.float32)
            coo = tf.tocoo()
            data = coo.data * self.idf[coo.col]
            sq = np.bincount(coo.row, weights=data**2, minlength=len(docs))
            data = data / np.sqrt(np.maximum(sq[coo.row], 1e-12))
        else:
            raise ValueError(scheme)
        self.matrix = sparse.csc_matrix(
            (data.astype(np.float32), (coo.row, coo.col)), shape=tf.shape
        )
        self.n_docs = len(docs)

    def query_vector(self, terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(t for t in terms if t in self.vocab)
        cols = np.fromiter((self.vocab[t] for t in counts), dtype=np.int64, count=len(counts))
        weights = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        if self.scheme == "tfidf" and len(cols):
            weights = weights * self.idf[cols]
            # Unknown terms still count in the query's length for a true cosine.
            unknown = sum(1 for t in terms if t not in self.vocab)
            total = float(np.sqrt((weights**2).sum() + unknown))
            weights = weights / max(total, 1e-12)
        return cols, weights

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        cols, weights = self.query_vector(terms)
        if not len(cols):
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self.matrix[:, cols] @ weights).ravel()

    def pair_score(self, terms: Sequence[str], doc: int) -> float:
        cols, weights = self.query_vector(terms)
        if not len(cols):
            return 0.0
        return float(self.matrix[doc, cols].toarray().ravel() @ weights)


def idf_weighted_overlap(a: Sequence[str], b: Sequence[str], idf: dict[str, float]) -> float:
    """Share of ``a``'s idf mass that ``b`` also contains."""
    if not a:
        return 0.0
    sb = set(b)
    total = sum(idf.get(t, 1.0) for t in set(a))
    hit = sum(idf.get(t, 1.0) for t in set(a) if t in sb)
    return hit / total if total else 0.0


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest scores, best first."""
    if len(scores) <= k:
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, k)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def log1p_safe(x: float) -> float:
    return math.log1p(max(x, 0.0))
