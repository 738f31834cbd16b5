"""Starter data: the default collection with the project's FAQ."""

from __future__ import annotations

from pathlib import Path

from .importing import ImportReport, faq_import
from .services import collection_default, collection_vectors_update

STARTER_FAQ = Path(__file__).resolve().parent / "starter" / "faq.jsonl"


def starter_load() -> ImportReport:
    collection = collection_default()
    report = faq_import(collection=collection, data=STARTER_FAQ.read_bytes(), fmt="jsonl")
    if not report.ok:
        raise RuntimeError("starter FAQ is invalid: " + "; ".join(map(str, report.errors[:5])))
    collection_vectors_update(collection=collection)
    return report
