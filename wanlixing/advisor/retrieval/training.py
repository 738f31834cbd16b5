"""Offline training of the re-ranker and the confidence calibrator.

The shipped model learns only from material written for this project: the
starter FAQ (standard questions and their phrasings),
``starter/paraphrase_pairs.jsonl`` and ``starter/paraphrase_groups.jsonl`` (506
same-intent groups of customer-service questions with near misses). Research
data (AFQMC) can be added with an explicit option for experiments; a model
trained that way must not be shipped.

Each training "collection" imitates how the advisor is used: a question is
asked against a collection that does not contain that exact wording, and the
gold answer is the entry it paraphrases. Queries are also replayed with their
gold entry removed, so the calibrator learns what "not in the collection"
looks like.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import dense
from .normalise import Normaliser
from .ranker import (
    FEATURE_NAMES,
    MODEL_DIR,
    CollectionIndex,
    LinearModel,
    Ranker,
    calibration_inputs,
)

STARTER_DIR = Path(__file__).resolve().parent.parent / "starter"


@dataclass
class Query:
    text: str
    gold: int  # entry position
    exclude: tuple[int, ...] = ()  # phrasing positions hidden for this query


@dataclass
class TrainingSet:
    name: str
    entries: list[tuple[str, list[str]]]
    queries: list[Query]


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _phrasing_positions(entries: Sequence[tuple[str, Sequence[str]]]) -> list[list[int]]:
    out, pos = [], 0
    for _key, phrasings in entries:
        n = len([p for p in phrasings if p and p.strip()]) or 1
        out.append(list(range(pos, pos + n)))
        pos += n
    return out


def faq_sets(faq: list[dict]) -> list[TrainingSet]:
    """Leave-one-phrasing-out over full entries, and standard-question-only entries."""
    multi = [(f["external_id"], [f["question"], *f.get("similar", [])]) for f in faq]
    positions = _phrasing_positions(multi)
    multi_q = []
    for i, (_key, phrasings) in enumerate(multi):
        for j, text in enumerate(phrasings):
            multi_q.append(Query(text, i, (positions[i][j],)))
    single = [(f["external_id"], [f["question"]]) for f in faq]
    single_q = [Query(s, i, ()) for i, f in enumerate(faq) for s in f.get("similar", [])]
    return [TrainingSet("faq-multi", multi, multi_q), TrainingSet("faq-single", single, single_q)]


def cluster_pairs(pairs: Iterable[dict]) -> tuple[list[list[str]], list[str]]:
    """Same-intent groups (connected by ``same`` pairs) and sentences in no group."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    sentences: list[str] = []
    seen: set[str] = set()
    for p in pairs:
        for s in (p["q1"], p["q2"]):
            if s not in seen:
                seen.add(s)
                sentences.append(s)
                find(s)
        if p["same"]:
            parent[find(p["q1"])] = find(p["q2"])
    groups: dict[str, list[str]] = defaultdict(list)
    for s in sentences:
        groups[find(s)].append(s)
    clusters = [g for g in groups.values() if len(g) > 1]
    loners = [g[0] for g in groups.values() if len(g) == 1]
    return clusters, loners


def pair_sets(pairs: list[dict], name: str, *, seed: int = 7) -> list[TrainingSet]:
    """Intent clusters as entries: one phrasing shown, the others asked."""
    rng = random.Random(seed)
    clusters, loners = cluster_pairs(pairs)
    single: list[tuple[str, list[str]]] = []
    single_q: list[Query] = []
    for c in clusters:
        members = list(c)
        rng.shuffle(members)
        idx = len(single)
        single.append((f"{name}-{idx}", [members[0]]))
        single_q.extend(Query(m, idx) for m in members[1:])
    for s in loners:
        single.append((f"{name}-{len(single)}", [s]))
    multi = [(f"{name}-m{i}", list(c)) for i, c in enumerate(clusters)]
    positions = _phrasing_positions(multi)
    multi_q = [
        Query(text, i, (positions[i][j],))
        for i, (_k, ph) in enumerate(multi)
        for j, text in enumerate(ph)
        if len(ph) > 2
    ]
    return [
        TrainingSet(f"{name}-single", single, single_q),
        TrainingSet(f"{name}-multi", multi, multi_q),
    ]


def group_sets(groups: list[dict], faq: list[dict], *, seed: int = 7) -> list[TrainingSet]:
    """Same-intent groups with near misses (``paraphrase_groups.jsonl``) as one large
    collection, the way a bank's FAQ looks: every intent, every near miss and every
    starter FAQ question is an entry, so the gold entry competes with questions
    that share its words but ask something else.

    ``groups-single``: an entry shows only the intent (标准问); its phrasings are asked.
    ``groups-multi``: an entry shows half of its phrasings; the other half are asked.
    """
    rng = random.Random(seed)
    single: list[tuple[str, list[str]]] = []
    single_q: list[Query] = []
    multi: list[tuple[str, list[str]]] = []
    multi_q: list[Query] = []
    for g in groups:
        single_q.extend(Query(p, len(single)) for p in g["phrasings"])
        single.append((f"groups-{len(single)}", [g["intent"]]))
        shown = [g["intent"], *g["phrasings"]]
        rng.shuffle(shown)
        half = max(1, len(shown) // 2)
        multi_q.extend(Query(p, len(multi)) for p in shown[half:])
        multi.append((f"groups-m{len(multi)}", shown[:half]))
    seen = {ph[0] for _k, ph in single}
    distractors = [nm for g in groups for nm in g["near_misses"]] + [f["question"] for f in faq]
    for text in distractors:
        if text not in seen:
            seen.add(text)
            single.append((f"groups-{len(single)}", [text]))
            multi.append((f"groups-m{len(multi)}", [text]))
    return [
        TrainingSet("groups-single", single, single_q),
        TrainingSet("groups-multi", multi, multi_q),
    ]


def project_sets() -> list[TrainingSet]:
    faq = read_jsonl(STARTER_DIR / "faq.jsonl")
    pairs = read_jsonl(STARTER_DIR / "paraphrase_pairs.jsonl")
    groups = read_jsonl(STARTER_DIR / "paraphrase_groups.jsonl")
    return faq_sets(faq) + pair_sets(pairs, "pairs") + group_sets(groups, faq)


class EmbeddingCache:
    """e5 vectors keyed by normalised text, kept in a file between training runs."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        if path is not None and path.exists():
            data = np.load(path, allow_pickle=False)
            self.vectors = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))

    def get(self, texts: Sequence[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self.vectors})
        if missing:
            for start in range(0, len(missing), 256):
                chunk = missing[start : start + 256]
                self.vectors.update(zip(chunk, dense.embed(chunk), strict=True))
            self.save()
        if not texts:
            return np.zeros((0, dense.DIM), dtype=np.float32)
        return np.stack([self.vectors[t] for t in texts])

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        texts = list(self.vectors)
        np.savez(
            self.path,
            texts=np.asarray(texts, dtype=str),
            vectors=np.stack([self.vectors[t] for t in texts]).astype(np.float32),
        )


@dataclass
class Group:
    set_name: str
    features: np.ndarray
    labels: np.ndarray
    answerable: bool
    qid: str


def build_groups(
    sets: Sequence[TrainingSet],
    normaliser: Normaliser,
    cache: EmbeddingCache,
    *,
    with_unanswerable: bool = True,
    log: Callable[[str], None] = print,
) -> list[Group]:
    """Candidate lists with first-stage features and gold labels for every query."""
    first_stage = Ranker(model_dir=Path("/nonexistent"))
    groups: list[Group] = []
    for ts in sets:
        flat = [p for _k, ph in ts.entries for p in (ph or [""])]
        index = CollectionIndex(
            ts.entries, normaliser, vectors=cache.get([normaliser(p) for p in flat])
        )
        positions = _phrasing_positions(ts.entries)
        qvecs = cache.get([normaliser(q.text) for q in ts.queries])
        for n, (q, qvec) in enumerate(zip(ts.queries, qvecs, strict=True)):
            variants = [(q.exclude, True)]
            if with_unanswerable:
                variants.append((tuple(positions[q.gold]), False))
            for exclude, answerable in variants:
                res = first_stage.search(index, q.text, k=10_000, qvec=qvec, exclude=exclude)
                if not res.hits or res.features is None:
                    continue
                labels = np.asarray([int(h.entry == q.gold) for h in res.hits])
                if answerable and not labels.any():
                    continue
                groups.append(Group(ts.name, res.features, labels, answerable, f"{ts.name}:{n}"))
        log(f"{ts.name}: {len(ts.entries)} entries, {len(ts.queries)} queries")
    return groups


def fit_ranker(groups: Sequence[Group], *, l2: float = 30.0) -> dict:
    """Listwise (conditional logit) re-ranker: a softmax over each candidate list
    should put its mass on the gold entry. Only differences between candidates of
    the same question matter, so question-level quantities cannot leak in."""
    from scipy.optimize import minimize

    train = [g for g in groups if g.answerable]
    x_all = np.vstack([g.features for g in train])
    mean = x_all.mean(axis=0)
    scale = x_all.std(axis=0) + 1e-9
    xs = [(g.features - mean) / scale for g in train]
    golds = [int(np.argmax(g.labels)) for g in train]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.5 * l2 * float(w @ w), l2 * w
        for x, gold in zip(xs, golds, strict=True):
            z = x @ w
            z -= z.max()
            p = np.exp(z)
            p /= p.sum()
            total -= float(np.log(max(p[gold], 1e-300)))
            grad = grad + x.T @ p - x[gold]
        return total, grad

    result = minimize(loss, np.zeros(x_all.shape[1]), jac=True, method="L-BFGS-B")
    return {
        "weights": result.x.tolist(),
        "bias": 0.0,
        "mean": mean.tolist(),
        "scale": scale.tolist(),
    }


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1e-2) -> dict:
    """Plain Newton-Raphson logistic regression on standardised inputs."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-9
    z = (x - mean) / scale
    xb = np.hstack([z, np.ones((len(z), 1))])
    w = np.zeros(xb.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (p - y) + l2 * np.r_[w[:-1], 0]
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {
        "weights": w[:-1].tolist(),
        "bias": float(w[-1]),
        "mean": mean.tolist(),
        "scale": scale.tolist(),
    }


def calibration_rows(ranker: dict, groups: Sequence[Group]) -> tuple[np.ndarray, np.ndarray]:
    model = LinearModel(ranker)
    xs, ys = [], []
    for g in groups:
        s = model.decision(g.features)
        order = np.argsort(-s, kind="stable")
        xs.append(calibration_inputs(s[order], g.features[order]))
        ys.append(float(g.answerable and g.labels[order[0]] == 1))
    return np.asarray(xs), np.asarray(ys)


def train(
    sets: Sequence[TrainingSet],
    *,
    out_dir: Path = MODEL_DIR,
    cache_path: Path | None = None,
    normaliser: Normaliser,
    log: Callable[[str], None] = print,
    folds: int = 3,
) -> dict:
    """Train the ranker on all groups and the calibrator on out-of-fold scores."""
    cache = EmbeddingCache(cache_path)
    groups = build_groups(sets, normaliser, cache, log=log)

    # Out-of-fold scores for the calibrator: it must see how the ranker does on
    # questions it was not trained on.
    def fold_of(g: Group) -> int:
        return int(hashlib.sha256(g.qid.encode()).hexdigest(), 16) % folds

    cx, cy = [], []
    for f in range(folds):
        ranker = fit_ranker([g for g in groups if fold_of(g) != f])
        x, y = calibration_rows(ranker, [g for g in groups if fold_of(g) == f])
        cx.append(x)
        cy.append(y)
    spec = {
        "features": FEATURE_NAMES,
        "ranker": fit_ranker(groups),
        "calibrator": fit_logistic(np.vstack(cx), np.concatenate(cy)),
        "calibrator_inputs": ["p_top", "margin", "dense", "c_tfidf", "lcs", "q_len"],
        "training_sets": sorted({g.set_name for g in groups}),
        "groups": len(groups),
        "embedding_model": dense.MODEL_NAME,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "reranker.json").write_text(
        json.dumps(spec, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    log(f"trained on {len(groups)} candidate lists from {spec['training_sets']}")
    return spec
