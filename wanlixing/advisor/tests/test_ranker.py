from __future__ import annotations

import numpy as np
import pytest

from wanlixing.advisor.retrieval.ranker import neighbourhood_density
from wanlixing.advisor.retrieval.training import STARTER_DIR, group_sets, read_jsonl


def unit(*xs: float) -> np.ndarray:
    v = np.asarray(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_density_is_the_mean_cosine_to_the_nearest_other_entries():
    # Three one-phrasing entries: cos(a, b) = 0.6, cos(b, c) = 0.8, cos(a, c) = 0.
    vectors = np.stack([unit(1, 0), unit(0.6, 0.8), unit(0, 1)])
    offsets, counts = np.array([0, 1, 2]), np.array([1, 1, 1])
    assert neighbourhood_density(vectors, offsets, counts, k=1) == pytest.approx([0.6, 0.8, 0.8])
    assert neighbourhood_density(vectors, offsets, counts, k=2) == pytest.approx([0.3, 0.7, 0.4])
    # k larger than the other entries: all of them.
    assert neighbourhood_density(vectors, offsets, counts, k=10) == pytest.approx([0.3, 0.7, 0.4])


def test_an_entrys_own_phrasings_are_not_its_neighbours():
    # Entry 0 has two phrasings (a, a'); entry 1 is c. Entries are represented by their
    # first phrasing, so a' is compared with c only, and c with a only.
    vectors = np.stack([unit(1, 0), unit(0.8, 0.6), unit(0, 1)])
    density = neighbourhood_density(vectors, np.array([0, 2]), np.array([2, 1]), k=1)
    assert density == pytest.approx([0.0, 0.6, 0.0])


def test_a_single_entry_or_an_empty_index_has_no_density():
    one = np.stack([unit(1, 0), unit(0, 1)])
    assert neighbourhood_density(one, np.array([0]), np.array([2])).tolist() == [0.0, 0.0]
    empty = np.zeros((0, 2), dtype=np.float32)
    assert neighbourhood_density(empty, np.array([], dtype=int), np.array([], dtype=int)).size == 0


def test_density_blocks_give_the_same_figures_as_one_matrix(monkeypatch):
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(50, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    offsets = np.arange(0, 50, 2)
    counts = np.full(25, 2)
    sims = vectors @ vectors[offsets].T
    owner = np.repeat(np.arange(25), 2)
    sims[np.arange(50), owner] = -1
    expected = np.sort(sims, axis=1)[:, -3:].mean(axis=1)
    assert neighbourhood_density(vectors, offsets, counts, k=3) == pytest.approx(expected, abs=1e-6)


def test_paraphrase_groups_are_well_formed_and_become_one_large_collection():
    groups = read_jsonl(STARTER_DIR / "paraphrase_groups.jsonl")
    faq = read_jsonl(STARTER_DIR / "faq.jsonl")
    assert len(groups) >= 450
    phrasings = [p for g in groups for p in g["phrasings"]]
    assert len(phrasings) == len(set(phrasings))
    for g in groups:
        assert 6 <= len(g["phrasings"]) <= 10
        assert 2 <= len(g["near_misses"]) <= 4
        assert g["intent"] not in g["near_misses"]
    single, multi = group_sets(groups, faq)
    assert len(single.queries) == len(phrasings)
    for q in single.queries[:50]:
        group = next(g for g in groups if q.text in g["phrasings"])
        assert single.entries[q.gold][1] == [group["intent"]]
    # Near misses and starter questions are distractor entries in both collections.
    texts = {p for _k, ph in single.entries for p in ph}
    assert {nm for g in groups for nm in g["near_misses"]} <= texts
    assert len(multi.entries) == len(single.entries)
    for q in multi.queries:
        assert q.text not in multi.entries[q.gold][1]
