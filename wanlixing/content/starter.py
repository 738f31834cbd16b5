"""Starter library: the YAML files under starter/ (INDEX.yaml, articles/, cases/).

``starter_read`` validates every file and item first and reports problems in Chinese,
naming the file and the item; ``starter_import`` loads them only when there are none,
in one transaction (all or nothing), as published platform content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from wanlixing.accounts.models import Segment

from . import services
from .models import Article, ArticleKind, Topic

STARTER_DIR = Path(__file__).parent / "starter"
KIND_DIRS = {"articles": ArticleKind.ARTICLE, "cases": ArticleKind.CASE}
COMMON_FIELDS = {
    "slug",
    "title",
    "topic",
    "audiences",
    "regions",
    "summary",
    "keywords",
    "body",
    "source",
    "facts",
}
CASE_FIELDS = {"story", "red_flags", "what_to_do"}
REQUIRED = {"slug", "title", "topic", "summary", "body", "source"}
LIST_FIELDS = {"audiences", "regions", "keywords", "facts", "red_flags", "what_to_do"}
IMPORT_NOTE = "初始内容导入"


@dataclass
class StarterItem:
    where: str  # "articles/loan-rate.yaml 第2条（slug）" for reports
    kind: str
    topic: Topic
    audiences: list[str]
    data: dict[str, Any]


@dataclass
class StarterRead:
    items: list[StarterItem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _load_yaml(path: Path, report: list[str], label: str) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        report.append(f"{label}：无法读取文件（{exc.__class__.__name__}）。")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第{mark.line + 1}行附近" if mark is not None else ""
        report.append(f"{label}：YAML 格式错误{line}，请检查缩进和引号。")
    return None


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        out: list[str] = []
        for name, errors in exc.message_dict.items():
            try:
                label = str(getattr(Article._meta.get_field(name), "verbose_name", name))
            except Exception:
                label = name
            out.extend(f"{label}（{name}）：{message}" for message in errors)
        return out
    return list(exc.messages)


def _check_item(
    raw: Any,
    *,
    where: str,
    kind: str,
    file_topic: str,
    topics: dict[str, Topic],
    segments: set[str],
) -> tuple[StarterItem | None, list[str]]:
    problems: list[str] = []
    if not isinstance(raw, dict):
        return None, [f"{where}：每一条应是“字段: 值”的映射。"]
    allowed = COMMON_FIELDS | (CASE_FIELDS if kind == ArticleKind.CASE else set())
    required = REQUIRED | (CASE_FIELDS if kind == ArticleKind.CASE else set())
    unknown = sorted(set(raw) - allowed)
    if unknown:
        problems.append(f"{where}：未知字段 {'、'.join(unknown)}。")
    missing = sorted(name for name in required if not raw.get(name))
    if missing:
        problems.append(f"{where}：缺少必填字段 {'、'.join(missing)}。")
    for name in sorted(LIST_FIELDS & set(raw)):
        value = raw[name]
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            problems.append(f"{where}：字段 {name} 应为文字列表。")
    for name in sorted((allowed - LIST_FIELDS) & set(raw)):
        if raw[name] is not None and not isinstance(raw[name], str):
            problems.append(f"{where}：字段 {name} 应为文字。")
    if problems:
        return None, problems

    topic = topics.get(raw["topic"])
    if topic is None:
        problems.append(f"{where}：未知主题 {raw['topic']}。")
    elif raw["topic"] != file_topic:
        problems.append(f"{where}：主题 {raw['topic']} 与文件名（{file_topic}）不一致。")
    audiences = [str(a) for a in raw.get("audiences") or []]
    unknown_segments = sorted(set(audiences) - segments)
    if unknown_segments:
        problems.append(f"{where}：未知受众 {'、'.join(unknown_segments)}。")
    data: dict[str, Any] = {
        "kind": kind,
        "slug": raw["slug"],
        "title": raw["title"].strip(),
        "summary": raw["summary"].strip(),
        "body": raw["body"].strip() + "\n",
        "source": raw["source"].strip(),
        "regions": [str(r) for r in raw.get("regions") or []],
        "keywords": [str(k) for k in raw.get("keywords") or []],
        "facts": [str(f) for f in raw.get("facts") or []],
    }
    if kind == ArticleKind.CASE:
        data["story"] = raw["story"].strip() + "\n"
        data["red_flags"] = [str(v) for v in raw["red_flags"]]
        data["what_to_do"] = [str(v) for v in raw["what_to_do"]]
    if topic is not None:
        probe = Article(topic=topic, **data)
        try:
            probe.full_clean(exclude=["organisation", "author"], validate_unique=False)
        except ValidationError as exc:
            problems.extend(f"{where}：{message}" for message in _messages(exc))
        taken = (
            Article.objects.filter(slug=data["slug"], organisation__isnull=False)
            .values_list("organisation__name", flat=True)
            .first()
        )
        if taken:
            problems.append(f"{where}：网址代码已被机构“{taken}”的内容占用。")
    if problems or topic is None:
        return None, problems
    return StarterItem(where, kind, topic, audiences, data), []


def starter_read(root: Path = STARTER_DIR) -> StarterRead:
    """Read and validate every starter file; nothing is written."""
    result = StarterRead()
    topics = {t.slug: t for t in Topic.objects.all()}
    segments = set(Segment.objects.values_list("code", flat=True))
    seen: dict[str, str] = {}
    for folder, kind in KIND_DIRS.items():
        for path in sorted((root / folder).glob("*.yaml")):
            label = f"{folder}/{path.name}"
            content = _load_yaml(path, result.errors, label)
            if content is None:
                continue
            if not isinstance(content, list):
                result.errors.append(f"{label}：文件内容应是条目列表（每条以“- slug:”开头）。")
                continue
            for number, raw in enumerate(content, start=1):
                slug = raw.get("slug") if isinstance(raw, dict) else None
                where = f"{label} 第{number}条" + (f"（{slug}）" if slug else "")
                item, problems = _check_item(
                    raw,
                    where=where,
                    kind=kind,
                    file_topic=path.stem,
                    topics=topics,
                    segments=segments,
                )
                result.errors.extend(problems)
                if item is None:
                    continue
                if item.data["slug"] in seen:
                    result.errors.append(f"{where}：网址代码与 {seen[item.data['slug']]} 重复。")
                    continue
                seen[item.data["slug"]] = where
                result.items.append(item)
    _check_index(root, result, seen)
    return result


def _check_index(root: Path, result: StarterRead, seen: dict[str, str]) -> None:
    index_path = root / "INDEX.yaml"
    if not index_path.exists():
        return
    index = _load_yaml(index_path, result.errors, "INDEX.yaml")
    if index is None:
        return
    if not isinstance(index, list):
        result.errors.append("INDEX.yaml：文件内容应是条目列表。")
        return
    by_slug = {item.data["slug"]: item for item in result.items}
    listed = set()
    for number, entry in enumerate(index, start=1):
        if not isinstance(entry, dict) or "slug" not in entry:
            result.errors.append(f"INDEX.yaml 第{number}条：缺少 slug。")
            continue
        listed.add(entry["slug"])
        item = by_slug.get(entry["slug"])
        if item is None:
            if entry["slug"] not in seen:
                result.errors.append(
                    f"INDEX.yaml 第{number}条（{entry['slug']}）：在内容文件中找不到这一条。"
                )
            continue
        if entry.get("kind") != item.kind or entry.get("topic") != item.topic.slug:
            result.errors.append(
                f"INDEX.yaml 第{number}条（{entry['slug']}）：类型或主题与 {item.where} 不一致。"
            )
    for item in result.items:
        if item.data["slug"] not in listed:
            result.errors.append(f"{item.where}：没有登记在 INDEX.yaml 中。")


@dataclass
class StarterReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def starter_import(
    items: list[StarterItem], *, progress: Callable[[StarterItem], None] | None = None
) -> StarterReport:
    """Import validated items in one transaction: all of them or none."""
    report = StarterReport()
    with transaction.atomic():
        for item in items:
            outcome = services.article_import(
                data=item.data, audiences=item.audiences, topic=item.topic, note=IMPORT_NOTE
            )
            setattr(report, outcome, getattr(report, outcome) + 1)
            if progress is not None:
                progress(item)
    return report
