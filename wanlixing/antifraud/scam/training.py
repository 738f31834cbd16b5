"""Training of the shipped checker model from the project's own labelled corpus.

Reproducible: fixed seeds, sorted inputs, deterministic solvers and a byte-stable
model file. Only files kept in the repository are read (``corpus/*.jsonl``, the
starter red flags and the drills); research data never enters training.

Method
------
1. Features: see ``model.tokens`` (char 1–3-grams + dictionary words of abstracted text),
   sublinear TF-IDF, features seen in at least ``MIN_DF`` documents.
2. Near-duplicate groups: texts whose TF-IDF cosine is at least ``DUPLICATE_COSINE``
   are joined (union-find), so cross-validation never tests on a near-copy of a
   training text.
3. Out-of-fold model logits (stratified group 5-fold), then a three-input logistic
   stacker (model logit, rule evidence, entity evidence) fitted on them: the risk is a
   calibrated probability, and the rules keep their say even where the model is sure.
4. Final binary model on everything; a fraud-type model on the fraud texts.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy import sparse

from .checker import _evidence, weights_in_context
from .entities import entities_find
from .model import MODEL_PATH, NGRAM_RANGE, model_save, tokens
from .normalize import normalize
from .rules import RuleSet, rule_build

APP_DIR = Path(__file__).resolve().parent.parent
CORPUS_DIR = APP_DIR / "corpus"
REDFLAGS_PATH = APP_DIR / "starter" / "redflags.yaml"
DRILLS_DIR = APP_DIR / "starter" / "drills"
CORPUS_FILES = (
    "messages_fraud.jsonl",
    "messages_normal.jsonl",
    "calls_fraud.jsonl",
    "calls_normal.jsonl",
)
SEED = 20260
MIN_DF = 2
MAX_FEATURES = 60000
DUPLICATE_COSINE = 0.8
BINARY_C = 4.0
TYPE_C = 8.0
STACKER_C = 1.0
FOLDS = 5
STACK_ON = "category"  # or "duplicates"


@dataclass(frozen=True, slots=True)
class Sample:
    text: str
    label: int  # 1 fraud, 0 normal
    fraud_type: str | None
    channel: str
    source: str


def corpus_load(
    corpus_dir: Path = CORPUS_DIR, *, drills_dir: Path | None = DRILLS_DIR
) -> list[Sample]:
    """Every labelled text the project keeps, in a stable order."""
    samples: list[Sample] = []
    for name in CORPUS_FILES:
        path = corpus_dir / name
        if not path.exists():
            continue
        kind = "call" if name.startswith("calls") else "message"
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            text = str(row.get("text") or "").strip()
            label = row.get("label")
            if not text or label not in ("fraud", "normal"):
                raise ValueError(f"{name}:{line_no}: needs text and label fraud/normal")
            samples.append(
                Sample(
                    text=text,
                    label=1 if label == "fraud" else 0,
                    fraud_type=row.get("fraud_type") if label == "fraud" else None,
                    channel=str(row.get("channel") or kind),
                    source=f"{kind}:{row.get('category') or row.get('fraud_type') or ''}",
                )
            )
    if drills_dir is not None and drills_dir.exists():
        samples.extend(_drill_samples(drills_dir))
    return samples


def _drill_samples(drills_dir: Path) -> Iterable[Sample]:
    """The scammer's lines of each drill node, as fraud chat messages of the drill's type."""
    for path in sorted(drills_dir.glob("*.yaml")):
        drill = yaml.safe_load(path.read_text(encoding="utf-8"))
        for node_id in sorted(drill.get("nodes", {})):
            node = drill["nodes"][node_id]
            if node.get("speaker") != "scammer" or not node.get("messages"):
                continue
            yield Sample(
                text="".join(str(m) for m in node["messages"]),
                label=1,
                fraud_type=drill.get("fraud_type"),
                channel="chat",
                source="drill",
            )


def ruleset_from_yaml(path: Path = REDFLAGS_PATH) -> RuleSet:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return RuleSet(rule_build(item) for item in data)


@dataclass
class Prepared:
    counts: list[Counter[str]]
    rule_evidence: np.ndarray
    entity_evidence: np.ndarray


def samples_prepare(samples: list[Sample], rules: RuleSet) -> Prepared:
    counts = []
    rule_ev = np.zeros(len(samples))
    ent_ev = np.zeros(len(samples))
    for i, sample in enumerate(samples):
        norm = normalize(sample.text)
        counts.append(tokens(norm.text))
        weights = {h.code: rules.by_code[h.code].weight for h in rules.match(norm.text)}
        ent = {f.code: f.weight for e in entities_find(norm) for f in e.flags}
        weights, ent = weights_in_context(norm.text, weights, ent)
        rule_ev[i] = _evidence(list(weights.values()))
        ent_ev[i] = _evidence(list(ent.values()))
    return Prepared(counts, rule_ev, ent_ev)


def vocabulary_build(counts: list[Counter[str]], rows: Iterable[int]) -> list[str]:
    df: Counter[str] = Counter()
    for i in rows:
        df.update(counts[i].keys())
    kept = [(term, n) for term, n in df.items() if n >= MIN_DF]
    kept.sort(key=lambda tn: (-tn[1], tn[0]))
    return sorted(term for term, _n in kept[:MAX_FEATURES])


def matrix_build(
    counts: list[Counter[str]], rows: list[int], vocabulary: list[str], idf: np.ndarray | None
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Sublinear TF-IDF rows, L2-normalised; idf is computed from ``rows`` when not given."""
    index = {term: i for i, term in enumerate(vocabulary)}
    data: list[float] = []
    cols: list[int] = []
    indptr = [0]
    for i in rows:
        for term, n in counts[i].items():
            j = index.get(term)
            if j is not None:
                cols.append(j)
                data.append(1.0 + math.log(n))
        indptr.append(len(cols))
    tf = sparse.csr_matrix(
        (np.array(data), np.array(cols, dtype=np.int64), np.array(indptr, dtype=np.int64)),
        shape=(len(rows), len(vocabulary)),
    )
    if idf is None:
        df = np.bincount(tf.indices, minlength=len(vocabulary))
        idf = np.log((1 + len(rows)) / (1 + df)) + 1.0
    x = tf @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    x = sparse.diags(1.0 / norms) @ x
    return sparse.csr_matrix(x), idf


def near_duplicate_groups(x: sparse.csr_matrix, threshold: float = DUPLICATE_COSINE) -> np.ndarray:
    """Connected components of the graph "cosine ≥ threshold"."""
    sims = (x @ x.T).tocoo()
    mask = (sims.data >= threshold) & (sims.row < sims.col)
    graph = sparse.coo_matrix(
        (np.ones(mask.sum()), (sims.row[mask], sims.col[mask])), shape=sims.shape
    )
    _n, labels = sparse.csgraph.connected_components(graph, directed=False)
    return labels


def _binary_model() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=BINARY_C, class_weight="balanced", solver="liblinear", max_iter=1000
    )


def _stacker() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=STACKER_C, class_weight="balanced", solver="lbfgs", max_iter=1000)


def stack_features(logit: np.ndarray, prepared: Prepared, rows: Any = slice(None)) -> np.ndarray:
    return np.column_stack([logit, prepared.rule_evidence[rows], prepared.entity_evidence[rows]])


def binary_metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """Macro-F1 over the two classes, and false-positive rate on the normal texts."""
    out: dict[str, float] = {}
    f1s = []
    for cls in (0, 1):
        tp = int(((pred == cls) & (y == cls)).sum())
        fp = int(((pred == cls) & (y != cls)).sum())
        fn = int(((pred != cls) & (y == cls)).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    negatives = int((y == 0).sum())
    out["macro_f1"] = round(float(np.mean(f1s)), 4)
    out["fpr"] = round(int(((pred == 1) & (y == 0)).sum()) / negatives, 4) if negatives else 0.0
    out["recall"] = round(int(((pred == 1) & (y == 1)).sum()) / max(1, int((y == 1).sum())), 4)
    out["n"] = len(y)
    return out


def _oof_logits(
    prepared: Prepared, y: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    out = np.zeros(len(y))
    for train_rows, test_rows in folds:
        fold_vocab = vocabulary_build(prepared.counts, train_rows)
        x_train, idf = matrix_build(prepared.counts, list(train_rows), fold_vocab, None)
        x_test, _ = matrix_build(prepared.counts, list(test_rows), fold_vocab, idf)
        clf = _binary_model().fit(x_train, y[train_rows])
        out[test_rows] = clf.decision_function(x_test)
    return out


def cross_validate(
    samples: list[Sample], prepared: Prepared, *, seed: int = SEED
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Out-of-fold model logits for the stacker, and out-of-fold risks for the report.

    Two fold schemes. Near-duplicate groups give the honest in-corpus figure. Folds
    that hold out whole categories (a fraud type, or a kind of legitimate message) show
    the model texts unlike anything it trained on, which is what real messages are; the
    stacker learns from those logits how far to trust the model against the rules.
    """
    from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

    y = np.array([s.label for s in samples])
    all_rows = list(range(len(samples)))
    vocab = vocabulary_build(prepared.counts, all_rows)
    x_all, _idf = matrix_build(prepared.counts, all_rows, vocab, None)
    groups = near_duplicate_groups(x_all)
    dup_folds = list(
        StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=seed).split(
            x_all, y, groups
        )
    )
    categories = np.array([f"{s.label}:{s.source}" for s in samples])
    cat_folds = list(GroupKFold(n_splits=FOLDS).split(x_all, y, categories))
    dup_logit = _oof_logits(prepared, y, dup_folds)
    stack_logit = _oof_logits(prepared, y, cat_folds) if STACK_ON == "category" else dup_logit
    dup_feats = stack_features(dup_logit, prepared)
    stack_feats = stack_features(stack_logit, prepared)
    oof_risk = np.zeros(len(samples))
    for train_rows, test_rows in dup_folds:
        stacker = _stacker().fit(stack_feats[train_rows], y[train_rows])
        oof_risk[test_rows] = stacker.predict_proba(dup_feats[test_rows])[:, 1]
    info = {"groups": int(groups.max() + 1), "folds": FOLDS, "stack_on": STACK_ON}
    return stack_logit, oof_risk, info


def cv_report(
    samples: list[Sample], y: np.ndarray, risk: np.ndarray, threshold: float
) -> dict[str, Any]:
    report: dict[str, Any] = {}
    pred = (risk >= threshold).astype(int)
    kinds = np.array(["call" if s.source.startswith("call") else "message" for s in samples])
    report["all"] = binary_metrics(y, pred)
    for kind in ("message", "call"):
        mask = kinds == kind
        if mask.any():
            report[kind] = binary_metrics(y[mask], pred[mask])
    return report


def corpus_digest(samples: list[Sample]) -> str:
    digest = hashlib.sha256()
    for s in samples:
        digest.update(f"{s.label}\t{s.fraud_type}\t{s.text}\n".encode())
    return digest.hexdigest()[:16]


def model_train(
    *,
    corpus_dir: Path = CORPUS_DIR,
    out_path: Path = MODEL_PATH,
    rules: RuleSet | None = None,
    with_cv: bool = True,
) -> dict[str, Any]:
    """Train and write the model file; returns a report (sizes, CV figures)."""
    from sklearn.linear_model import LogisticRegression

    from .checker import FRAUD_AT

    samples = corpus_load(corpus_dir)
    if len({s.label for s in samples}) < 2:
        raise ValueError("training needs both fraud and normal texts")
    rules = rules or ruleset_from_yaml()
    prepared = samples_prepare(samples, rules)
    y = np.array([s.label for s in samples])

    report: dict[str, Any] = {"samples": len(samples), "fraud": int(y.sum())}
    oof_logit, oof_risk, info = cross_validate(samples, prepared)
    report.update(info)
    stacker = _stacker().fit(stack_features(oof_logit, prepared), y)
    if with_cv:
        report["cv"] = cv_report(samples, y, oof_risk, FRAUD_AT)

    rows = list(range(len(samples)))
    vocab = vocabulary_build(prepared.counts, rows)
    x, idf = matrix_build(prepared.counts, rows, vocab, None)
    binary = _binary_model().fit(x, y)

    fraud_rows = [i for i, s in enumerate(samples) if s.label == 1 and s.fraud_type]
    type_labels = sorted({samples[i].fraud_type or "" for i in fraud_rows})
    type_y = np.array([type_labels.index(samples[i].fraud_type or "") for i in fraud_rows])
    typer = LogisticRegression(C=TYPE_C, solver="lbfgs", max_iter=2000).fit(x[fraud_rows], type_y)
    type_coef = typer.coef_
    type_intercept = typer.intercept_
    if len(type_labels) == 2:  # binary LR keeps one row; expand to one per label
        type_coef = np.vstack([-type_coef[0], type_coef[0]]) / 2
        type_intercept = np.array([-type_intercept[0], type_intercept[0]]) / 2

    meta = {
        "format": 1,
        "corpus_digest": corpus_digest(samples),
        "samples": len(samples),
        "features": len(vocab),
        "ngram_range": list(NGRAM_RANGE),
        "params": {"binary_c": BINARY_C, "type_c": TYPE_C, "min_df": MIN_DF, "seed": SEED},
        "stacker": [round(float(v), 6) for v in [*stacker.coef_[0], stacker.intercept_[0]]],
        "cv": report.get("cv"),
    }
    model_save(
        out_path,
        {
            "vocabulary": np.array(vocab),
            "idf": idf.astype(np.float32),
            "coef": binary.coef_[0].astype(np.float32),
            "intercept": np.array(binary.intercept_[0], dtype=np.float64),
            "type_labels": np.array(type_labels),
            "type_coef": type_coef.astype(np.float16),
            "type_intercept": type_intercept.astype(np.float64),
            "stacker_coef": stacker.coef_[0].astype(np.float64),
            "stacker_intercept": np.array(stacker.intercept_[0], dtype=np.float64),
        },
        meta,
    )
    report["features"] = len(vocab)
    report["stacker"] = meta["stacker"]
    report["path"] = str(out_path)
    report["bytes"] = out_path.stat().st_size
    return report
