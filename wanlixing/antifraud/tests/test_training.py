"""Training is reproducible and the shipped model matches the committed corpus."""

from __future__ import annotations

import json

from wanlixing.antifraud.scam.checker import scam_check
from wanlixing.antifraud.scam.model import model_read
from wanlixing.antifraud.scam.training import (
    CORPUS_DIR,
    corpus_digest,
    corpus_load,
    model_train,
)


def small_corpus(tmp_path):
    for name in ("messages_fraud.jsonl", "messages_normal.jsonl"):
        lines = (CORPUS_DIR / name).read_text(encoding="utf-8").splitlines()
        (tmp_path / name).write_text("\n".join(lines[::40]) + "\n", encoding="utf-8")
    return tmp_path


def test_training_twice_gives_the_same_bytes(tmp_path, rules):
    corpus = small_corpus(tmp_path)
    first = tmp_path / "a.npz"
    second = tmp_path / "b.npz"
    report = model_train(corpus_dir=corpus, out_path=first, rules=rules)
    model_train(corpus_dir=corpus, out_path=second, rules=rules)
    assert first.read_bytes() == second.read_bytes()
    assert report["samples"] > 100
    model = model_read(first)
    result = scam_check("请把验证码告诉我，然后转到安全账户", rules=rules, model=model)
    assert result.verdict == "fraud"


def test_shipped_model_was_trained_on_the_committed_corpus(model):
    assert model.meta["corpus_digest"] == corpus_digest(corpus_load())
    assert model.meta["cv"]["message"]["macro_f1"] > 0.9
    assert json.dumps(model.meta)  # plain JSON, no pickled objects
