"""Chinese full-text search for the library: jieba tokens in an index table, BM25 in Python.

Why this shape: it must run the same on SQLite and PostgreSQL, neither of which
segments Chinese. The services keep ``SearchTerm`` rows (item → weighted term) for every
published item; a query fetches only the rows of its own terms (an indexed lookup), and
BM25 ranks those candidates in Python. Two kinds of terms are indexed:

- jieba words (search mode) from every text field, weighted by field (title and keywords
  count most), with a small user dictionary so terms like 存款保险 or 刷单返利 stay whole;
- ``~`` + character bigrams of the title, summary and keywords, scored with a lower
  weight, so a typo (存款保陷) or a different segmentation still finds the item.

Queries are normalised (full/half width, case, traditional → simplified) and colloquial
words are expanded from data/synonyms.txt (网贷 → 网络贷款).
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Article, SearchDocument, SearchTerm
from .rendering import markdown_to_text

DATA = Path(__file__).parent / "data"
K1 = 1.2
B = 0.75
GRAM_PREFIX = "~"
GRAM_WEIGHT = 0.35
SYNONYM_WEIGHT = 0.6
FIELD_WEIGHTS = {
    "title": 3.0,
    "keywords": 3.0,
    "summary": 1.5,
    "topic": 1.0,
    "story": 1.0,
    "red_flags": 1.0,
    "what_to_do": 1.0,
    "body": 1.0,
    "transcript": 1.0,
}
GRAM_FIELDS = ("title", "summary", "keywords")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_WORDLIKE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]|[a-z0-9]")

_lock = threading.Lock()
_tokenizer: Any = None


def _jieba() -> Any:
    """The process's jieba tokenizer with the library's user dictionary (loaded once)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(60)
                tokenizer = jieba.Tokenizer()
                tokenizer.load_userdict(str(DATA / "userdict.txt"))
                tokenizer.initialize()
                _tokenizer = tokenizer
    return _tokenizer


@cache
def _t2s() -> Any:
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except (ImportError, OSError):  # pragma: no cover - opencc is a dependency
        return None


def normalize(text: str) -> str:
    """Full-width → half-width, lower case, traditional → simplified."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    converter = _t2s()
    return converter.convert(text) if converter is not None else text


@cache
def synonyms() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in (DATA / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        left, right = line.split("=", 1)
        table[normalize(left.strip())] = tuple(normalize(w) for w in right.split())
    return table


@cache
def stopwords() -> frozenset[str]:
    lines = (DATA / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _keep(token: str) -> bool:
    token = token.strip()
    if len(token) < 2 or token in stopwords() or len(token) > 64:
        return False
    return bool(_WORDLIKE.search(token))


def words(text: str) -> list[str]:
    """Search-mode jieba words of normalised text, without stop words and single characters."""
    text = normalize(text)
    if not text.strip():
        return []
    return [t.strip() for t in _jieba().cut_for_search(text) if _keep(t)]


def bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in _CJK.findall(normalize(text)):
        out.extend(GRAM_PREFIX + run[i : i + 2] for i in range(len(run) - 1))
    return out


# --- Indexing -------------------------------------------------------------------------------


def document_fields(article: Article) -> dict[str, str]:
    return {
        "title": article.title,
        "keywords": " ".join(article.keywords or []),
        "summary": article.summary,
        "topic": article.topic.name if article.topic_id else "",
        "story": article.story,
        "red_flags": " ".join(article.red_flags or []),
        "what_to_do": " ".join(article.what_to_do or []),
        "body": markdown_to_text(article.body),
        "transcript": article.transcript,
    }


def document_terms(article: Article) -> tuple[dict[str, float], dict[str, float]]:
    """Weighted word and bigram counts of an item."""
    word_counts: dict[str, float] = defaultdict(float)
    gram_counts: dict[str, float] = defaultdict(float)
    fields = document_fields(article)
    for name, text in fields.items():
        weight = FIELD_WEIGHTS[name]
        for word in words(text):
            word_counts[word] += weight
        if name in GRAM_FIELDS:
            for gram in bigrams(text):
                gram_counts[gram] += weight
    # A keyword is a term in its own right even when jieba would split it.
    for keyword in article.keywords or []:
        keyword = normalize(keyword).strip()
        if _keep(keyword):
            word_counts[keyword] += FIELD_WEIGHTS["keywords"]
    return word_counts, gram_counts


def index_article(article: Article) -> bool:
    """(Re)write the item's index rows; returns False when they were already current."""
    word_counts, gram_counts = document_terms(article)
    payload = repr(sorted(word_counts.items())) + repr(sorted(gram_counts.items()))
    digest = hashlib.sha256(payload.encode()).hexdigest()
    current = SearchDocument.objects.filter(article=article).values_list("digest", flat=True)
    if list(current) == [digest]:
        return False
    with transaction.atomic():
        SearchTerm.objects.filter(article=article).delete()
        SearchTerm.objects.bulk_create(
            [
                SearchTerm(article=article, term=term, weight=weight)
                for term, weight in [*word_counts.items(), *gram_counts.items()]
            ]
        )
        SearchDocument.objects.update_or_create(
            article=article,
            defaults={
                "word_length": sum(word_counts.values()),
                "gram_length": sum(gram_counts.values()),
                "digest": digest,
            },
        )
    return True


def unindex_article(article: Article) -> None:
    with transaction.atomic():
        SearchTerm.objects.filter(article=article).delete()
        SearchDocument.objects.filter(article=article).delete()


# --- Querying -------------------------------------------------------------------------------


@dataclass
class ParsedQuery:
    text: str
    words: dict[str, float] = field(default_factory=dict)  # term → query weight
    grams: dict[str, float] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.words and not self.grams

    def highlight_terms(self) -> list[str]:
        return sorted(self.words, key=len, reverse=True)


def parse_query(query: str) -> ParsedQuery:
    text = normalize(query)[:200]
    parsed = ParsedQuery(text=text)
    for word in words(text):
        parsed.words[word] = 1.0
    for colloquial, targets in synonyms().items():
        if colloquial in text:
            for target in targets:
                for word in [target, *words(target)]:
                    if _keep(word):
                        parsed.words.setdefault(word, SYNONYM_WEIGHT)
    for gram in bigrams(text):
        parsed.grams[gram] = 1.0
    return parsed


@dataclass
class Ranked:
    article_id: int
    score: float
    matched: set[str]


def _bm25(tf: float, idf: float, length: float, avg_length: float) -> float:
    norm = 1 - B + B * (length / avg_length if avg_length else 1)
    return idf * tf * (K1 + 1) / (tf + K1 * norm)


def rank(parsed: ParsedQuery, candidates: QuerySet[Article]) -> list[Ranked]:
    """BM25 over the candidate items that contain any query term, best first."""
    if parsed.empty:
        return []
    terms = [*parsed.words, *parsed.grams]
    total = SearchDocument.objects.count()
    if not total:
        return []
    averages = SearchDocument.objects.aggregate(w=Avg("word_length"), g=Avg("gram_length"))
    doc_freq = dict(
        SearchTerm.objects.filter(term__in=terms)
        .values_list("term")
        .annotate(n=Count("id"))
        .values_list("term", "n")
    )
    rows = SearchTerm.objects.filter(
        term__in=terms, article_id__in=candidates.values("pk")
    ).values_list("article_id", "term", "weight")
    by_article: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for article_id, term, weight in rows:
        by_article[article_id].append((term, weight))
    if not by_article:
        return []
    lengths = {
        a: (w, g)
        for a, w, g in SearchDocument.objects.filter(article_id__in=by_article).values_list(
            "article_id", "word_length", "gram_length"
        )
    }
    results = []
    n_words = sum(parsed.words.values()) or 1.0
    for article_id, hits in by_article.items():
        word_length, gram_length = lengths.get(article_id, (0.0, 0.0))
        score = 0.0
        matched_words: set[str] = set()
        matched_grams = 0
        for term, tf in hits:
            df = doc_freq.get(term, 1)
            idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
            if term.startswith(GRAM_PREFIX):
                score += GRAM_WEIGHT * _bm25(tf, idf, gram_length, averages["g"] or 1.0)
                matched_grams += 1
            else:
                score += parsed.words.get(term, 0.0) * _bm25(
                    tf, idf, word_length, averages["w"] or 1.0
                )
                matched_words.add(term)
        gram_coverage = matched_grams / len(parsed.grams) if parsed.grams else 0.0
        # Bigrams alone are weak evidence: keep such items only if most of the query matched.
        if not matched_words and gram_coverage < 0.5:
            continue
        coverage = sum(parsed.words.get(w, 0.0) for w in matched_words) / n_words
        score *= 0.5 + 0.5 * max(coverage, gram_coverage)
        matched = set(matched_words)
        matched.update(g[1:] for g, _ in hits if g.startswith(GRAM_PREFIX))
        results.append(Ranked(article_id, score, matched))
    results.sort(key=lambda r: (-r.score, r.article_id))
    return results


# --- Highlighting ---------------------------------------------------------------------------


def _positions_text(text: str) -> str:
    """A normalised copy of ``text`` with exactly the same length (for match positions)."""
    out = []
    for char in text:
        converted = normalize(char)
        out.append(converted if len(converted) == 1 else char)
    return "".join(out)


def _spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    haystack = _positions_text(text)
    spans: list[tuple[int, int]] = []
    for term in sorted(set(terms), key=len, reverse=True):
        if not term:
            continue
        start = haystack.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = haystack.find(term, start + len(term))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """``text`` escaped, with every occurrence of ``terms`` wrapped in ``<mark>``."""
    out: list[str] = []
    cursor = 0
    for start, end in _spans(text, terms):
        out.append(escape(text[cursor:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        cursor = end
    out.append(escape(text[cursor:]))
    return mark_safe("".join(out))  # noqa: S308 -- every piece is escaped


def snippet(text: str, terms: Iterable[str], *, width: int = 90) -> SafeString:
    """The window of ``text`` with the most matches, escaped and highlighted."""
    text = re.sub(r"\s+", " ", text).strip()
    terms = list(terms)
    spans = _spans(text, terms)
    if not spans:
        cut = text[:width]
        return mark_safe(escape(cut) + ("…" if len(text) > width else ""))  # noqa: S308
    best_start, best_count = 0, -1
    for start, _end in spans:
        window_start = max(0, start - width // 4)
        count = sum(1 for s, e in spans if s >= window_start and e <= window_start + width)
        if count > best_count:
            best_start, best_count = window_start, count
    piece = text[best_start : best_start + width]
    prefix = "…" if best_start > 0 else ""
    suffix = "…" if best_start + width < len(text) else ""
    return mark_safe(prefix + highlight(piece, terms) + suffix)  # noqa: S308
