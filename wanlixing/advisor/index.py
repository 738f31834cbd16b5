"""The advisor's in-memory search indexes, built from the database and reused.

An index is cached per process and rebuilt when its collection's ``revision`` or
the synonym list changes. e5 vectors are stored with each entry (computed at
import or by a background task), so building an index only reads them.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max

from .models import Collection, FaqEntry, Synonym
from .retrieval import dense
from .retrieval.normalise import Normaliser
from .retrieval.ranker import CollectionIndex, Ranker

log = logging.getLogger(__name__)

# Stale vectors up to this many are computed while building an index; more are
# left to the background task so that a request never waits for minutes.
INLINE_VECTOR_LIMIT = 200

_lock = threading.RLock()
_normaliser: tuple[tuple, Normaliser] | None = None
_ranker: Ranker | None = None
_indexes: dict[int, tuple[tuple, CollectionIndex, list[int]]] = {}
_built: dict[str, tuple[CollectionIndex, list[int]]] = {}
BUILT_LIMIT = 8


def synonyms_version() -> tuple:
    agg = Synonym.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (agg["n"], agg["last"].isoformat() if agg["last"] else "")


def normaliser() -> Normaliser:
    """The normaliser for the current synonym list (active rows only)."""
    global _normaliser
    version = synonyms_version()
    with _lock:
        if _normaliser is None or _normaliser[0] != version:
            pairs = Synonym.objects.filter(is_active=True).values_list("variant", "canonical")
            _normaliser = (version, Normaliser(list(pairs)))
        return _normaliser[1]


def ranker() -> Ranker:
    global _ranker
    with _lock:
        if _ranker is None:
            _ranker = Ranker()
        return _ranker


def vectors_key(norm: Normaliser, phrasings: list[str]) -> str:
    text = "\n".join(norm(p) for p in phrasings)
    return hashlib.sha256(f"{dense.MODEL_NAME}\n{text}".encode()).hexdigest()


def encode_vectors(matrix: np.ndarray) -> bytes:
    return np.asarray(matrix, dtype=np.float16).tobytes()


def decode_vectors(blob: bytes | memoryview, rows: int) -> np.ndarray | None:
    data = np.frombuffer(bytes(blob), dtype=np.float16)
    if data.size != rows * dense.DIM:
        return None
    return data.reshape(rows, dense.DIM).astype(np.float32)


def entry_vectors_compute(entries: list[FaqEntry], norm: Normaliser | None = None) -> int:
    """Compute and store missing or stale vectors; returns how many entries changed."""
    norm = norm or normaliser()
    stale = [e for e in entries if e.vectors_key != vectors_key(norm, e.phrasings)]
    for start in range(0, len(stale), 256):
        chunk = stale[start : start + 256]
        texts = [norm(p) for e in chunk for p in e.phrasings]
        matrix = dense.embed(texts)
        pos = 0
        for entry in chunk:
            n = len(entry.phrasings)
            entry.vectors = encode_vectors(matrix[pos : pos + n])
            entry.vectors_key = vectors_key(norm, entry.phrasings)
            pos += n
        FaqEntry.objects.bulk_update(chunk, ["vectors", "vectors_key"])
    return len(stale)


@dataclass
class Searchable:
    collection: Collection
    index: CollectionIndex
    entry_ids: list[int]
    complete: bool  # False while some entries still wait for their vectors


def collection_index(collection: Collection) -> Searchable:
    """The (cached) index of the collection's active entries.

    Two caches: by collection revision (no rebuild while nothing changed), and by
    content fingerprint (an identical set of entries reuses a built index).
    """
    norm = normaliser()
    version = (collection.revision, id(norm))
    with _lock:
        cached = _indexes.get(collection.pk)
        if cached is not None and cached[0] == version:
            return Searchable(collection, cached[1], cached[2], True)
        entries = list(
            FaqEntry.objects.active()
            .filter(collection=collection)
            .only("id", "question", "similar", "vectors", "vectors_key")
            .order_by("id")
        )
        stale = [e for e in entries if e.vectors_key != vectors_key(norm, e.phrasings)]
        complete = True
        if stale and len(stale) <= INLINE_VECTOR_LIMIT:
            entry_vectors_compute(stale, norm)
        elif stale:
            complete = False
            from .tasks import collection_vectors_refresh

            collection_vectors_refresh.enqueue(collection_id=collection.pk)
        digest = hashlib.sha256(str(id(norm)).encode())
        for e in entries:
            digest.update(f"{e.pk}\x00{e.vectors_key}\x00{'|'.join(e.phrasings)}\n".encode())
        fingerprint = digest.hexdigest()
        built = _built.get(fingerprint)
        if built is None:
            blocks = []
            for e in entries:
                rows = len(e.phrasings)
                vec = decode_vectors(e.vectors, rows) if e.vectors_key else None
                blocks.append(vec if vec is not None else np.zeros((rows, dense.DIM), np.float32))
            matrix = np.vstack(blocks) if blocks else np.zeros((0, dense.DIM), np.float32)
            index = CollectionIndex([(e.pk, e.phrasings) for e in entries], norm, vectors=matrix)
            built = (index, [e.pk for e in entries])
            log.info("advisor index for %s: %d entries", collection.slug, len(entries))
            if complete:
                _built[fingerprint] = built
                while len(_built) > BUILT_LIMIT:
                    _built.pop(next(iter(_built)))
        if complete:
            _indexes[collection.pk] = (version, built[0], built[1])
        return Searchable(collection, built[0], built[1], complete)


def indexes_clear() -> None:
    """Forget which index belongs to which collection (tests: ids are reused)."""
    with _lock:
        _indexes.clear()
