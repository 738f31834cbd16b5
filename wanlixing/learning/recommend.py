"""为你推荐: a short learning path, each step with the reason it was chosen.

Signals, in order of weight: open wrong answers per topic (the 错题本), gaps in the
latest literacy test, library items for the learner's region, the learner's audience
segments (老年人, 农村居民, … also inferred from age band and area type), and what the
learner has already passed or opened.

Speed: one learner costs one query: a UNION ALL of indexed reads of small per-user
summary rows (segments, LearnerTopicStat, QuizProgress, ArticleVisit, latest
LiteracyResult); the answers table is never read. Published articles and quizzes come
from a catalogue cached in the process for ``CATALOG_TTL`` seconds.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from wanlixing.accounts.models import Segment, User
from wanlixing.accounts.regions import region_ancestors, region_full_name
from wanlixing.content.models import Article, Topic

from .models import (
    ArticleVisit,
    LearnerTopicStat,
    LiteracyResult,
    Quiz,
    QuizKind,
    QuizProgress,
)

CATALOG_TTL = 60.0
PATH_LENGTH = 8
ELDERLY_AGE_BANDS = {"60-69", "70+"}

# Topics that matter most to each audience segment, most important first.
SEGMENT_TOPICS: dict[str, list[str]] = {
    "elderly": [
        "pension-finance",
        "telecom-fraud",
        "illegal-fundraising",
        "deposit-insurance",
        "personal-info",
    ],
    "student": ["telecom-fraud", "credit-card", "loan-rate", "personal-info", "aml-gambling"],
    "new-citizen": [
        "payment-security",
        "loan-rate",
        "credit-report",
        "telecom-fraud",
        "consumer-rights",
    ],
    "rural": [
        "deposit-insurance",
        "illegal-fundraising",
        "loan-rate",
        "digital-rmb",
        "insurance",
    ],
    "employee": [
        "rational-investing",
        "insurance",
        "credit-report",
        "pension-finance",
        "telecom-fraud",
    ],
    "small-business": [
        "loan-rate",
        "credit-report",
        "aml-gambling",
        "payment-security",
        "consumer-rights",
    ],
    "other": [
        "telecom-fraud",
        "deposit-insurance",
        "rational-investing",
        "credit-report",
        "consumer-rights",
    ],
}
DEFAULT_TOPICS = SEGMENT_TOPICS["other"]


@dataclass(frozen=True)
class ArticleRef:
    pk: int
    title: str
    kind: str
    url: str
    topic_id: int
    audiences: frozenset[str]
    regions: tuple[str, ...]


@dataclass(frozen=True)
class QuizRef:
    pk: int
    title: str
    levels: int


@dataclass
class Catalog:
    topics: dict[int, Topic] = field(default_factory=dict)
    topic_ids: dict[str, int] = field(default_factory=dict)
    articles: dict[int, list[ArticleRef]] = field(default_factory=dict)
    regional: list[ArticleRef] = field(default_factory=list)
    ladders: dict[int, QuizRef] = field(default_factory=dict)
    practice: dict[int, QuizRef] = field(default_factory=dict)
    segments: dict[str, str] = field(default_factory=dict)
    segment_codes: dict[int, str] = field(default_factory=dict)  # by id, in display order


_catalog: Catalog | None = None
_catalog_at = 0.0
_lock = threading.Lock()


def catalog_build() -> Catalog:
    catalog = Catalog()
    for topic in Topic.objects.all():
        catalog.topics[topic.pk] = topic
        catalog.topic_ids[topic.slug] = topic.pk
    for pk, code, name in Segment.objects.order_by("position").values_list("pk", "code", "name"):
        catalog.segments[code] = name
        catalog.segment_codes[pk] = code
    audiences: dict[int, set[str]] = {}
    through = Article.audiences.through.objects.filter(article__in=Article.objects.published())
    for article_id, code in through.values_list("article_id", "segment__code"):
        audiences.setdefault(article_id, set()).add(code)
    for pk, title, kind, topic_id, regions in Article.objects.published().values_list(
        "pk", "title", "kind", "topic_id", "regions"
    ):
        ref = ArticleRef(
            pk=pk,
            title=title,
            kind=kind,
            url=f"/learn/read/{pk}/",
            topic_id=topic_id,
            audiences=frozenset(audiences.get(pk, ())),
            regions=tuple(str(r) for r in regions or ()),
        )
        catalog.articles.setdefault(topic_id, []).append(ref)
        if ref.regions:
            catalog.regional.append(ref)
    for quiz in Quiz.objects.filter(is_active=True, organisation__isnull=True).order_by("pk"):
        target = catalog.ladders if quiz.kind == QuizKind.LADDER else catalog.practice
        target.setdefault(quiz.topic_id, QuizRef(quiz.pk, quiz.title, quiz.level_count))
    return catalog


def catalog_get() -> Catalog:
    global _catalog, _catalog_at
    now = time.monotonic()
    if _catalog is None or now - _catalog_at > CATALOG_TTL:
        with _lock:
            if _catalog is None or now - _catalog_at > CATALOG_TTL:
                _catalog = catalog_build()
                _catalog_at = now
    return _catalog


def catalog_clear() -> None:
    global _catalog
    _catalog = None


@dataclass(frozen=True)
class PathItem:
    kind: str  # quiz, article, review, literacy
    title: str
    url: str
    reason: str
    topic: str = ""


@dataclass
class _Learner:
    segments: list[str]
    region_code: str = ""
    wrong_open: dict[int, int] = field(default_factory=dict)
    answered: dict[int, int] = field(default_factory=dict)
    ladder_level: dict[int, int] = field(default_factory=dict)
    visited: set[int] = field(default_factory=set)
    literacy_gaps: list[tuple[str, list[str]]] = field(default_factory=list)
    took_literacy: bool = False


class _PathBuilder:
    def __init__(self, catalog: Catalog, learner: _Learner, limit: int) -> None:
        self.catalog = catalog
        self.learner = learner
        self.limit = limit
        self.items: list[PathItem] = []
        self.urls: set[str] = set()

    @property
    def full(self) -> bool:
        return len(self.items) >= self.limit

    def add(self, item: PathItem) -> None:
        if not self.full and item.url not in self.urls:
            self.urls.add(item.url)
            self.items.append(item)

    def article(self, topic_id: int, reason: str, *, segment: str = "") -> bool:
        """The newest unread item of the topic: written for ``segment`` if given, else
        one for everyone or for one of the learner's own segments."""
        own = set(self.learner.segments)
        for ref in self.catalog.articles.get(topic_id, []):
            if ref.pk in self.learner.visited or ref.url in self.urls:
                continue
            if segment and segment not in ref.audiences:
                continue
            if not segment and ref.audiences and not ref.audiences & own:
                continue
            self.add(PathItem("article", ref.title, ref.url, reason, self._slug(topic_id)))
            return True
        return False

    def ladder(self, topic_id: int, reason: str) -> bool:
        quiz = self.catalog.ladders.get(topic_id) or self.catalog.practice.get(topic_id)
        if quiz is None:
            return False
        passed = self.learner.ladder_level.get(quiz.pk, 0)
        if passed >= quiz.levels:
            return False
        title = (
            _("%(t)s：第%(n)d关") % {"t": quiz.title, "n": passed + 1}
            if quiz.levels > 1
            else quiz.title
        )
        url = f"/learn/topics/{self._slug(topic_id)}/"
        self.add(PathItem("quiz", title, url, reason, self._slug(topic_id)))
        return True

    def _slug(self, topic_id: int) -> str:
        topic = self.catalog.topics.get(topic_id)
        return topic.slug if topic else ""

    def _name(self, topic_id: int) -> str:
        topic = self.catalog.topics.get(topic_id)
        return topic.name if topic else ""

    def build(self) -> list[PathItem]:
        learner, catalog = self.learner, self.catalog
        weak = sorted(
            (item for item in learner.wrong_open.items() if item[1] > 0),
            key=lambda item: (-item[1], item[0]),
        )
        for topic_id, count in weak[:2]:
            reason = _("因为您最近在“%(t)s”题目上答错了%(n)d道") % {
                "t": self._name(topic_id),
                "n": count,
            }
            slug = self._slug(topic_id)
            self.add(
                PathItem(
                    "review",
                    _("重做“%(t)s”错题") % {"t": self._name(topic_id)},
                    f"/learn/review/?topic={slug}",
                    reason,
                    slug,
                )
            )
            self.article(topic_id, reason)
        for name, topic_slugs in learner.literacy_gaps[:2]:
            reason = _("您在金融素养测评“%(d)s”部分还有提升空间") % {"d": name}
            for slug in topic_slugs[:1]:
                gap_topic = catalog.topic_ids.get(slug)
                if gap_topic is not None:
                    self.article(gap_topic, reason)
        if learner.region_code:
            ancestors = set(region_ancestors(learner.region_code))
            place = region_full_name(learner.region_code)
            shown = 0
            for ref in catalog.regional:
                if shown >= 2 or ref.pk in learner.visited:
                    continue
                if ancestors.intersection(ref.regions):
                    self.add(
                        PathItem(
                            "article",
                            ref.title,
                            ref.url,
                            _("您所在地区（%(p)s）的相关内容") % {"p": place},
                            self._slug(ref.topic_id),
                        )
                    )
                    shown += 1
        if not learner.took_literacy:
            self.add(
                PathItem(
                    "literacy",
                    _("金融素养测评（A卷）"),
                    "/learn/literacy/A/",
                    _("先用几分钟了解自己的金融知识，推荐会更准"),
                )
            )
        for segment in learner.segments:
            reason = _("适合%(s)s") % {"s": catalog.segments.get(segment, segment)}
            for slug in SEGMENT_TOPICS.get(segment, DEFAULT_TOPICS):
                seg_topic = catalog.topic_ids.get(slug)
                if seg_topic is None or self.full:
                    continue
                self.article(seg_topic, reason, segment=segment) or self.article(seg_topic, reason)
                self.ladder(seg_topic, reason)
        for slug in DEFAULT_TOPICS:
            basic_topic = catalog.topic_ids.get(slug)
            if basic_topic is None or self.full or learner.answered.get(basic_topic):
                continue
            reason = _("反诈防骗、守护钱袋子的基础知识，大家都在学")
            self.ladder(basic_topic, reason) or self.article(basic_topic, reason)
        return self.items


def learner_segments(user: User, codes: list[str] | None = None) -> list[str]:
    """The user's segments, plus 老年人 for ages 60+ and 农村居民 for rural areas."""
    codes = list(user.segments.values_list("code", flat=True)) if codes is None else list(codes)
    if getattr(user, "age_band", "") in ELDERLY_AGE_BANDS and "elderly" not in codes:
        codes.insert(0, "elderly")
    if getattr(user, "area_type", "") == "rural" and "rural" not in codes:
        codes.append("rural")
    return codes


def _learner_sql() -> str:
    tables = {
        "segments": User.segments.through._meta.db_table,
        "stats": LearnerTopicStat._meta.db_table,
        "progress": QuizProgress._meta.db_table,
        "visits": ArticleVisit._meta.db_table,
        "literacy": LiteracyResult._meta.db_table,
    }
    return """
        SELECT 's' AS k, segment_id AS a, 0 AS b, 0 AS c, CAST(NULL AS TEXT) AS d
            FROM {segments} WHERE user_id = %s
        UNION ALL SELECT 't', topic_id, answered, wrong_open, CAST(NULL AS TEXT)
            FROM {stats} WHERE user_id = %s
        UNION ALL SELECT 'q', quiz_id, best_level, 0, CAST(NULL AS TEXT)
            FROM {progress} WHERE user_id = %s
        UNION ALL SELECT * FROM (
            SELECT 'v' AS k, article_id AS a, 0 AS b, 0 AS c, CAST(NULL AS TEXT) AS d
            FROM {visits} WHERE user_id = %s LIMIT 1000) AS visits
        UNION ALL SELECT * FROM (
            SELECT 'l' AS k, id AS a, 0 AS b, 0 AS c, CAST(dimensions AS TEXT) AS d
            FROM {literacy} WHERE user_id = %s ORDER BY taken_at DESC, id DESC LIMIT 1) AS latest
    """.format(**tables)  # noqa: S608 - table names come from model metadata


def path_for_user(user: User, *, limit: int = PATH_LENGTH) -> list[PathItem]:
    """The personal path of a signed-in learner: one query for everything about them."""
    catalog = catalog_get()
    with connection.cursor() as cursor:
        cursor.execute(_learner_sql(), [user.pk] * 5)
        rows = cursor.fetchall()
    segment_ids = {a for k, a, _b, _c, _d in rows if k == "s"}
    codes = [code for pk, code in catalog.segment_codes.items() if pk in segment_ids]
    learner = _Learner(segments=learner_segments(user, codes), region_code=user.region_code or "")
    latest = None
    for kind, a, b, c, d in rows:
        if kind == "t":
            learner.answered[a] = b
            learner.wrong_open[a] = c
        elif kind == "q":
            learner.ladder_level[a] = b
        elif kind == "v":
            learner.visited.add(a)
        elif kind == "l":
            latest = json.loads(d) if d else {}
    if latest is not None:
        learner.took_literacy = True
        gaps = sorted(
            ((entry.get("score", 100), code, entry) for code, entry in latest.items()),
            key=lambda item: (item[0], item[1]),
        )
        learner.literacy_gaps = [
            (entry.get("name", code), list(entry.get("topics", [])))
            for score, code, entry in gaps
            if score < 80
        ]
    return _PathBuilder(catalog, learner, limit).build()


def learning_steps(items: list[PathItem], limit: int) -> list[PathItem]:
    """Only the practice steps of a path (quizzes, 错题本, tests), for the home page,
    where the library's own panel already recommends articles."""
    return [item for item in items if item.kind != "article"][:limit]


def path_for_segment(segment: str, *, limit: int = PATH_LENGTH) -> list[PathItem]:
    """A path for a visitor who picked an audience segment."""
    catalog = catalog_get()
    codes = [segment] if segment in catalog.segments else []
    learner = _Learner(segments=codes)
    return _PathBuilder(catalog, learner, limit).build()
