"""The question bank's way in and out: validation, spreadsheet import/export, starter YAML.

Every path that writes questions goes through ``QuestionInput`` and
``question_input_errors``; writes happen only after every row or item is valid,
in one transaction (all or nothing).

Spreadsheet layout (XLSX first sheet or CSV, UTF-8 with or without BOM, or GB18030):
编号, 题型, 主题, 难度, 适用人群, 题干, 选项A … 选项F, 答案, 解析, 关联文章, 来源, 状态.
题型 is 单选/多选/判断 (or single/multiple/truefalse); 答案 is option letters ("A" or
"A,C"), or 正确/错误 for 判断题; 适用人群 lists segment codes or names; 状态 is 启用/停用.
Export writes exactly what import reads, so export → import changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from wanlixing.accounts.models import Organisation, Segment
from wanlixing.content.models import Article, Topic

from .models import (
    TRUEFALSE_OPTIONS,
    LiteracyDimension,
    LiteracyForm,
    LiteracyItem,
    Question,
    QuestionKind,
    QuestionPurpose,
    Quiz,
    QuizKind,
    RiskQuestionnaire,
)

MAX_OPTIONS = 6
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 5 * 1024 * 1024
OPTION_LETTERS = "ABCDEF"
KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")
LIST_SPLIT_RE = re.compile(r"[,，、;；\s]+")

KIND_LABELS = {
    QuestionKind.SINGLE: "单选",
    QuestionKind.MULTIPLE: "多选",
    QuestionKind.TRUEFALSE: "判断",
}
KIND_ALIASES = {
    **{label: kind for kind, label in KIND_LABELS.items()},
    "单选题": QuestionKind.SINGLE,
    "多选题": QuestionKind.MULTIPLE,
    "判断题": QuestionKind.TRUEFALSE,
    "single": QuestionKind.SINGLE,
    "multiple": QuestionKind.MULTIPLE,
    "truefalse": QuestionKind.TRUEFALSE,
}
TRUE_WORDS = {"正确", "对", "是", "true", "t", "yes", "√"}
FALSE_WORDS = {"错误", "错", "否", "false", "f", "no", "×"}
ACTIVE_WORDS = {"启用": True, "停用": False, "": True}

# Spreadsheet columns in order: (field, header).
COLUMNS: list[tuple[str, str]] = [
    ("key", "编号"),
    ("kind", "题型"),
    ("topic", "主题"),
    ("difficulty", "难度"),
    ("audiences", "适用人群"),
    ("stem", "题干"),
    *[(f"option{i}", f"选项{letter}") for i, letter in enumerate(OPTION_LETTERS)],
    ("answer", "答案"),
    ("explanation", "解析"),
    ("article", "关联文章"),
    ("source", "来源"),
    ("is_active", "状态"),
]
HEADERS = [header for _field, header in COLUMNS]
FIELD_HEADER = dict(COLUMNS) | {"options": "选项A"}
REQUIRED_HEADERS = [h for h in HEADERS if h not in ("适用人群", "关联文章", "状态")]


@dataclass
class QuestionInput:
    """A question as it arrives from a file, before it touches the database."""

    key: str
    kind: str
    topic: str
    difficulty: int
    stem: str
    options: list[str]
    correct: list[int]
    explanation: str
    source: str
    audiences: list[str] = field(default_factory=list)
    article: str = ""
    is_active: bool = True
    purpose: str = QuestionPurpose.PRACTICE


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


@dataclass(frozen=True)
class RowError:
    """One problem in an import: spreadsheet row number (header is row 1), column, message."""

    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


class BankContext:
    """Lookups that validation needs: topics, segments and articles by slug, existing keys."""

    def __init__(self) -> None:
        self.topics = {t.slug: t for t in Topic.objects.all()}
        self.topics_by_name = {t.name: t for t in self.topics.values()}
        self.segments = {s.code: s for s in Segment.objects.all()}
        self.segments_by_name = {s.name: s for s in self.segments.values()}
        self._articles: dict[str, int] | None = None

    @property
    def articles(self) -> dict[str, int]:
        if self._articles is None:
            self._articles = dict(Article.objects.values_list("slug", "pk"))
        return self._articles

    def topic(self, value: str) -> Topic | None:
        return self.topics.get(value) or self.topics_by_name.get(value)

    def segment(self, value: str) -> Segment | None:
        return self.segments.get(value) or self.segments_by_name.get(value)


def question_input_errors(
    data: QuestionInput, ctx: BankContext, *, article_required: bool = True
) -> list[FieldError]:
    """Everything wrong with one question, as (field, Chinese message) pairs."""
    errors: list[FieldError] = []

    def err(name: str, message: str) -> None:
        errors.append(FieldError(name, message))

    if not data.key:
        err("key", _("编号不能为空。"))
    elif not KEY_RE.match(data.key):
        err("key", _("编号只能包含字母、数字、连字符和下划线，且不超过80个字符。"))
    if data.kind not in QuestionKind.values:
        err("kind", _("题型应为“单选”“多选”或“判断”。"))
    if not data.topic:
        err("topic", _("主题不能为空。"))
    elif ctx.topic(data.topic) is None:
        err("topic", _("未知主题“%(value)s”，请填写主题代码或名称。") % {"value": data.topic})
    if data.difficulty not in (1, 2, 3):
        err("difficulty", _("难度应为1、2或3。"))
    for code in data.audiences:
        if ctx.segment(code) is None:
            err("audiences", _("未知人群“%(value)s”。") % {"value": code})
    if not data.stem.strip():
        err("stem", _("题干不能为空。"))
    elif len(data.stem) > 1000:
        err("stem", _("题干不能超过1000个字。"))
    if not data.explanation.strip():
        err("explanation", _("解析不能为空：答题后要给出解释。"))
    elif len(data.explanation) > 2000:
        err("explanation", _("解析不能超过2000个字。"))
    if not data.source.strip():
        err("source", _("来源不能为空：请注明依据的法规或官方资料。"))
    elif len(data.source) > 300:
        err("source", _("来源不能超过300个字。"))
    if data.article and article_required and data.article not in ctx.articles:
        err("article", _("知识库中没有网址代码为“%(value)s”的文章。") % {"value": data.article})

    if data.kind == QuestionKind.TRUEFALSE:
        if data.options != TRUEFALSE_OPTIONS:
            err("options", _("判断题不填选项（固定为“正确”“错误”）。"))
        if data.correct not in ([0], [1]):
            err("answer", _("判断题答案应为“正确”或“错误”。"))
    elif data.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(data.options) < 2:
            err("options", _("选择题至少需要2个选项。"))
        elif len(data.options) > MAX_OPTIONS:
            err("options", _("选项不能超过%(n)d个。") % {"n": MAX_OPTIONS})
        if any(not option.strip() for option in data.options):
            err("options", _("选项不能为空，也不能跳过中间的选项。"))
        elif len(set(data.options)) != len(data.options):
            err("options", _("选项内容不能重复。"))
        if any(len(option) > 200 for option in data.options):
            err("options", _("每个选项不能超过200个字。"))
        bad = [i for i in data.correct if not 0 <= i < len(data.options)]
        if bad:
            err("answer", _("答案引用了不存在的选项。"))
        elif data.kind == QuestionKind.SINGLE and len(data.correct) != 1:
            err("answer", _("单选题必须恰好有1个正确答案。"))
        elif data.kind == QuestionKind.MULTIPLE and len(data.correct) < 2:
            err("answer", _("多选题至少要有2个正确答案；只有1个请改为单选题。"))
        elif data.kind == QuestionKind.MULTIPLE and len(data.correct) == len(data.options):
            err("answer", _("多选题不能所有选项都正确。"))
    return errors


def question_values(data: QuestionInput, ctx: BankContext) -> dict[str, Any]:
    """Model field values for a valid input (audiences handled separately)."""
    topic = ctx.topic(data.topic)
    assert topic is not None
    return {
        "kind": data.kind,
        "stem": data.stem,
        "options": list(data.options),
        "correct": sorted(data.correct),
        "explanation": data.explanation,
        "topic_id": topic.pk,
        "difficulty": data.difficulty,
        "article_id": ctx.articles.get(data.article) if data.article else None,
        "source": data.source,
        "purpose": data.purpose,
        "is_active": data.is_active,
    }


def questions_upsert(
    inputs: Sequence[QuestionInput], *, ctx: BankContext, organisation: Organisation | None
) -> tuple[int, int, int]:
    """Create or update questions by key (inputs already validated). Returns counts
    (created, updated, unchanged). Call inside a transaction."""
    existing = {
        q.key: q
        for q in Question.objects.filter(key__in=[d.key for d in inputs]).prefetch_related(
            "audiences"
        )
    }
    created = updated = unchanged = 0
    new: list[tuple[Question, set[int]]] = []
    for data in inputs:
        values = question_values(data, ctx)
        segment_ids = {ctx.segment(code).pk for code in data.audiences}  # type: ignore[union-attr]
        question = existing.get(data.key)
        if question is None:
            new.append((Question(key=data.key, organisation=organisation, **values), segment_ids))
            continue
        current = {name: getattr(question, name) for name in values}
        current_segments = {s.pk for s in question.audiences.all()}
        if current == values and current_segments == segment_ids:
            unchanged += 1
            continue
        for name, value in values.items():
            setattr(question, name, value)
        question.save()
        question.audiences.set(segment_ids)
        updated += 1
    if new:
        Question.objects.bulk_create([q for q, _s in new], batch_size=500)
        through = Question.audiences.through
        through.objects.bulk_create(
            [
                through(question_id=q.pk, segment_id=segment_id)
                for q, segment_ids in new
                for segment_id in segment_ids
            ],
            batch_size=1000,
        )
        created = len(new)
    return created, updated, unchanged


# --- Spreadsheets -----------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_rows(name: str, content: bytes) -> list[list[str]]:
    """Rows of cell texts from an .xlsx or .csv upload; ValueError with a Chinese message."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for damaged files
            raise ValueError(_("无法读取该 XLSX 文件，请确认文件未损坏。")) from exc
        sheet = workbook.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    if lower.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes any byte string
            raise ValueError(_("无法识别 CSV 文件的编码，请另存为 UTF-8。"))
        try:
            return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
        except csv.Error as exc:
            raise ValueError(_("CSV 文件格式有误：%(e)s") % {"e": exc}) from exc
    raise ValueError(_("只支持 .xlsx 或 .csv 文件。"))


def answer_text_parse(text: str, kind: str, option_count: int) -> list[int] | None:
    if kind == QuestionKind.TRUEFALSE:
        word = text.strip().lower()
        if word in TRUE_WORDS:
            return [0]
        if word in FALSE_WORDS:
            return [1]
        return None
    letters = [part for part in LIST_SPLIT_RE.split(text.upper()) if part]
    if len(letters) == 1 and len(letters[0]) > 1:
        letters = list(letters[0])  # "AC" as well as "A,C"
    indexes = []
    for letter in letters:
        if len(letter) != 1 or letter not in OPTION_LETTERS:
            return None
        indexes.append(OPTION_LETTERS.index(letter))
    if not indexes or len(set(indexes)) != len(indexes):
        return None
    return sorted(indexes)


def _row_to_input(cells: dict[str, str]) -> tuple[QuestionInput, list[FieldError]]:
    errors: list[FieldError] = []
    kind_text = cells.get("题型", "")
    kind = KIND_ALIASES.get(kind_text, KIND_ALIASES.get(kind_text.lower(), kind_text))
    try:
        difficulty = int(cells.get("难度", ""))
    except ValueError:
        difficulty = 0
    options_raw = [cells.get(f"选项{letter}", "") for letter in OPTION_LETTERS]
    while options_raw and not options_raw[-1]:
        options_raw.pop()
    options = (
        TRUEFALSE_OPTIONS if kind == QuestionKind.TRUEFALSE and not options_raw else options_raw
    )
    answer_text = cells.get("答案", "")
    correct = answer_text_parse(answer_text, kind, len(options))
    if correct is None:
        if not answer_text:
            errors.append(FieldError("answer", _("答案不能为空。")))
        elif kind == QuestionKind.TRUEFALSE:
            errors.append(FieldError("answer", _("判断题答案应为“正确”或“错误”。")))
        else:
            errors.append(FieldError("answer", _("答案应为选项字母，如“A”或“A,C”，且不能重复。")))
        correct = []
    status = cells.get("状态", "")
    if status not in ACTIVE_WORDS:
        errors.append(FieldError("is_active", _("状态应为“启用”或“停用”。")))
    audiences = [part for part in LIST_SPLIT_RE.split(cells.get("适用人群", "")) if part]
    data = QuestionInput(
        key=cells.get("编号", ""),
        kind=kind,
        topic=cells.get("主题", ""),
        difficulty=difficulty,
        audiences=audiences,
        stem=cells.get("题干", ""),
        options=options,
        correct=correct,
        explanation=cells.get("解析", ""),
        article=cells.get("关联文章", ""),
        source=cells.get("来源", ""),
        is_active=ACTIVE_WORDS.get(status, True),
    )
    return data, errors


def _error_column(field_name: str, data: QuestionInput) -> str:
    if field_name == "options" and data.kind == QuestionKind.TRUEFALSE:
        return "选项A"
    return FIELD_HEADER.get(field_name, field_name)


def questions_import(
    *, name: str, content: bytes, organisation: Organisation | None
) -> ImportReport:
    """Import a question spreadsheet for ``organisation`` (None: platform questions).

    All rows are checked first; any error means nothing is written and the report
    lists every problem by row and column. Rows update questions with the same 编号
    if they belong to the same owner.
    """
    report = ImportReport()
    if len(content) > MAX_IMPORT_BYTES:
        report.errors.append(RowError(0, "", _("文件过大（上限 5 MB）。")))
        return report
    try:
        rows = _read_rows(name, content)
    except ValueError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return report
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        report.errors.append(RowError(1, "", _("文件是空的。")))
        return report
    header = rows[0]
    missing = [h for h in REQUIRED_HEADERS if h not in header]
    if missing:
        report.errors.append(
            RowError(1, "", _("缺少表头列：%(cols)s。") % {"cols": "、".join(missing)})
        )
        return report
    body = rows[1:]
    if not body:
        report.errors.append(RowError(2, "", _("文件中没有题目。")))
        return report
    if len(body) > MAX_IMPORT_ROWS:
        report.errors.append(RowError(0, "", _("一次最多导入%(n)d道题。") % {"n": MAX_IMPORT_ROWS}))
        return report

    ctx = BankContext()
    inputs: list[QuestionInput] = []
    first_row_of_key: dict[str, int] = {}
    for offset, row in enumerate(body):
        number = offset + 2
        if not any(row):
            continue
        cells = {h: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h}
        data, errors = _row_to_input(cells)
        errors += question_input_errors(data, ctx)
        if data.key in first_row_of_key:
            errors.append(
                FieldError("key", _("编号与第%(n)d行重复。") % {"n": first_row_of_key[data.key]})
            )
        elif data.key:
            first_row_of_key[data.key] = number
        seen: set[tuple[str, str]] = set()
        for error in errors:
            column = _error_column(error.field, data)
            if (column, error.message) not in seen:
                seen.add((column, error.message))
                report.errors.append(RowError(number, column, error.message))
        inputs.append(data)

    owners = dict(
        Question.objects.filter(key__in=list(first_row_of_key)).values_list(
            "key", "organisation_id"
        )
    )
    purposes = dict(
        Question.objects.filter(key__in=list(first_row_of_key)).values_list("key", "purpose")
    )
    org_id = organisation.pk if organisation else None
    for key, number in first_row_of_key.items():
        if key in owners and purposes[key] != QuestionPurpose.PRACTICE:
            report.errors.append(
                RowError(number, "编号", _("该编号属于金融素养测评题，不能通过导入修改。"))
            )
        elif key in owners and owners[key] != org_id:
            report.errors.append(
                RowError(number, "编号", _("该编号已被其他机构或平台的题目使用，请换一个编号。"))
            )
    if report.errors:
        report.errors.sort(
            key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else 99)
        )
        return report
    with transaction.atomic():
        report.created, report.updated, report.unchanged = questions_upsert(
            inputs, ctx=ctx, organisation=organisation
        )
    return report


def _question_cells(question: Question) -> list[Any]:
    options = list(question.options) if question.kind != QuestionKind.TRUEFALSE else []
    if question.kind == QuestionKind.TRUEFALSE:
        answer = TRUEFALSE_OPTIONS[question.correct[0]] if question.correct else ""
    else:
        answer = ",".join(OPTION_LETTERS[i] for i in question.correct)
    return [
        question.key,
        KIND_LABELS[QuestionKind(question.kind)],
        question.topic.slug,
        question.difficulty,
        ",".join(s.code for s in question.audiences.all()),
        question.stem,
        *(options + [""] * (MAX_OPTIONS - len(options))),
        answer,
        question.explanation,
        question.article.slug if question.article else "",
        question.source,
        "启用" if question.is_active else "停用",
    ]


def _export_queryset(questions: Iterable[Question]) -> list[Question]:
    ids = [q.pk for q in questions]
    return list(
        Question.objects.filter(pk__in=ids, purpose=QuestionPurpose.PRACTICE)
        .select_related("topic", "article")
        .prefetch_related("audiences")
        .order_by("topic__position", "key")
    )


def questions_export_csv(questions: Iterable[Question]) -> bytes:
    """CSV (UTF-8 with BOM so that Excel shows Chinese) in the import layout."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for question in _export_queryset(questions):
        writer.writerow(_question_cells(question))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def questions_export_xlsx(questions: Iterable[Question]) -> bytes:
    """An XLSX workbook: sheet 题目 in the import layout, sheet 说明 with the codes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "题目"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for question in _export_queryset(questions):
        sheet.append(_question_cells(question))
    for column, width in zip("ABCDEF", (26, 8, 20, 6, 20, 50), strict=True):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("说明")
    notes.append(["题型", "单选 / 多选 / 判断；判断题不填选项，答案填“正确”或“错误”"])
    notes.append(["答案", "选择题填选项字母，多选用逗号分隔，如 A,C"])
    notes.append(["难度", "1（易）、2（中）、3（难）"])
    notes.append(["状态", "启用 / 停用"])
    notes.append([])
    notes.append(["主题代码", "主题名称"])
    for topic in Topic.objects.order_by("position"):
        notes.append([topic.slug, topic.name])
    notes.append([])
    notes.append(["人群代码", "人群名称"])
    for segment in Segment.objects.order_by("position"):
        notes.append([segment.code, segment.name])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Starter YAML -----------------------------------------------------------------------


class StarterError(Exception):
    """The starter files have problems; ``problems`` lists each in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class StarterBundle:
    questions: list[QuestionInput] = field(default_factory=list)
    dimensions: list[tuple[str, str]] = field(default_factory=list)
    literacy: list[dict[str, Any]] = field(default_factory=list)
    risk: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)


def _yaml_question(item: Any, *, purpose: str = QuestionPurpose.PRACTICE) -> QuestionInput:
    if not isinstance(item, dict):
        raise TypeError
    kind = str(item.get("kind", ""))
    answer = item.get("answer")
    if kind == QuestionKind.TRUEFALSE:
        options = list(TRUEFALSE_OPTIONS) if item.get("options") is None else item["options"]
        correct = [0] if answer is True else [1] if answer is False else [-1]
    else:
        options = item.get("options") or []
        correct = sorted(answer) if isinstance(answer, list) else [-1]
    return QuestionInput(
        key=str(item.get("key", "")),
        kind=kind,
        topic=str(item.get("topic", "")),
        difficulty=item.get("difficulty", 1) if isinstance(item.get("difficulty", 1), int) else 0,
        audiences=[str(a) for a in item.get("audiences") or []],
        stem=str(item.get("stem", "")).strip(),
        options=[str(o).strip() for o in options],
        correct=[i if isinstance(i, int) else -1 for i in correct],
        explanation=str(item.get("explanation", "")).strip(),
        article=str(item.get("article") or ""),
        source=str(item.get("source", "")).strip(),
        purpose=purpose,
    )


def _load_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(_("%(file)s：无法读取（%(e)s）") % {"file": path.name, "e": exc})
        return None


def _check_questions(
    items: list[QuestionInput], where: list[str], ctx: BankContext, problems: list[str]
) -> list[str]:
    warnings = []
    for data, label in zip(items, where, strict=True):
        for error in question_input_errors(data, ctx, article_required=False):
            problems.append(f"{label}（{data.key or '?'}）{error.field}：{error.message}")
        if data.article and data.article not in ctx.articles:
            warnings.append(
                _("%(key)s：知识库中还没有文章“%(slug)s”，暂不关联。")
                % {"key": data.key, "slug": data.article}
            )
    return warnings


def _risk_problems(data: Any) -> list[str]:
    problems = []
    if not isinstance(data, dict):
        return [_("risk_profile.yaml：格式不正确。")]
    if not str(data.get("disclaimer", "")).strip():
        problems.append(_("risk_profile.yaml：缺少 disclaimer（教育用途提示）。"))
    questions = data.get("questions") or []
    top = 0
    keys = set()
    for q in questions:
        options = q.get("options") if isinstance(q, dict) else None
        if not isinstance(q, dict) or not q.get("key") or not q.get("stem") or not options:
            problems.append(_("risk_profile.yaml：题目缺少 key、stem 或 options。"))
            continue
        if q["key"] in keys:
            problems.append(_("risk_profile.yaml：题目编号重复：%(k)s") % {"k": q["key"]})
        keys.add(q["key"])
        points = [o.get("points") if isinstance(o, dict) else None for o in options]
        if any(not isinstance(p, int) or p < 0 for p in points) or any(
            not str(o.get("text", "")).strip() for o in options
        ):
            problems.append(_("%(k)s：每个选项需要 text 和非负整数 points。") % {"k": q["key"]})
            continue
        top += max(int(p or 0) for p in points)
    product_codes = {p.get("code") for p in data.get("product_levels") or [] if isinstance(p, dict)}
    expected_min = 0
    for level in data.get("levels") or []:
        if not isinstance(level, dict) or not {"code", "name", "min", "max", "matches"} <= set(
            level
        ):
            problems.append(_("risk_profile.yaml：等级缺少 code、name、min、max 或 matches。"))
            continue
        if level["min"] != expected_min or level["max"] < level["min"]:
            problems.append(
                _("risk_profile.yaml：等级 %(c)s 的分数段不连续。") % {"c": level["code"]}
            )
        expected_min = level["max"] + 1
        unknown = [m for m in level["matches"] if m not in product_codes]
        if unknown:
            problems.append(
                _("risk_profile.yaml：等级 %(c)s 对应了未知的产品等级 %(u)s。")
                % {"c": level["code"], "u": ", ".join(unknown)}
            )
    if questions and expected_min <= top:
        problems.append(
            _("risk_profile.yaml：等级分数段只覆盖到%(m)d分，但最高可得%(t)d分。")
            % {"m": expected_min - 1, "t": top}
        )
    return problems


def starter_read(directory: Path) -> StarterBundle:
    """Read and validate the starter folder completely; raises StarterError listing problems."""
    problems: list[str] = []
    bundle = StarterBundle()
    ctx = BankContext()
    question_files = sorted((directory / "questions").glob("*.yaml"))
    if not question_files:
        problems.append(_("%(dir)s/questions 中没有题目文件。") % {"dir": directory})
    where: list[str] = []
    for path in question_files:
        data = _load_yaml(path, problems)
        if data is None:
            continue
        if not isinstance(data, list):
            problems.append(_("%(file)s：应为题目列表。") % {"file": path.name})
            continue
        for n, item in enumerate(data, start=1):
            try:
                bundle.questions.append(_yaml_question(item))
                where.append(f"questions/{path.name} 第{n}题")
            except TypeError:
                problems.append(f"questions/{path.name} 第{n}题：格式不正确。")

    literacy_path = directory / "literacy.yaml"
    literacy = _load_yaml(literacy_path, problems) if literacy_path.exists() else None
    if isinstance(literacy, dict):
        dims = literacy.get("dimensions") or {}
        bundle.dimensions = [(str(code), str(name)) for code, name in dims.items()]
        forms = literacy.get("forms") or {}
        if set(forms) != set(LiteracyForm.values):
            problems.append(_("literacy.yaml：需要且只需要 A、B 两套试卷。"))
        for form, items in forms.items():
            for n, item in enumerate(items or [], start=1):
                label = f"literacy.yaml {form}卷第{n}题"
                try:
                    data = _yaml_question(item, purpose=QuestionPurpose.LITERACY)
                except TypeError:
                    problems.append(f"{label}：格式不正确。")
                    continue
                bundle.questions.append(data)
                where.append(label)
                if item.get("dimension") not in dims:
                    problems.append(f"{label}：未知维度“{item.get('dimension')}”。")
                expected = item.get("expected_p")
                if not isinstance(expected, int | float) or not 0 <= expected <= 1:
                    problems.append(f"{label}：expected_p 应为0到1之间的数。")
                bundle.literacy.append(
                    {
                        "form": str(form),
                        "position": n,
                        "key": data.key,
                        "dimension": item.get("dimension"),
                        "expected_p": float(expected) if isinstance(expected, int | float) else 0,
                        "pair_key": str(item.get("pair") or ""),
                        "anchor": str(item.get("anchor") or "")[:300],
                    }
                )
        keys_by_form: dict[str, set[str]] = {}
        for entry in bundle.literacy:
            keys_by_form.setdefault(entry["form"], set()).add(entry["key"])
        if len(keys_by_form) == 2 and set.intersection(*keys_by_form.values()):
            problems.append(_("literacy.yaml：A、B 卷不能有相同的题目。"))
    elif literacy_path.exists():
        problems.append(_("literacy.yaml：格式不正确。"))

    risk_path = directory / "risk_profile.yaml"
    if risk_path.exists():
        risk = _load_yaml(risk_path, problems)
        risk_problems = _risk_problems(risk)
        problems += risk_problems
        if not risk_problems:
            bundle.risk = risk

    seen: dict[str, str] = {}
    for data, label in zip(bundle.questions, where, strict=True):
        if data.key in seen:
            problems.append(f"{label}：编号 {data.key} 与 {seen[data.key]} 重复。")
        seen.setdefault(data.key, label)
    bundle.warnings = _check_questions(bundle.questions, where, ctx, problems)
    if problems:
        raise StarterError(problems)
    return bundle


def quizzes_ensure_for_topics() -> int:
    """Give every topic with practice questions a platform practice round and a 闯关 ladder."""
    created = 0
    topic_ids = set(
        Question.objects.practice().filter(organisation=None).values_list("topic_id", flat=True)
    )
    for topic in Topic.objects.filter(pk__in=topic_ids):
        for kind, suffix, title in (
            (QuizKind.PRACTICE, "practice", _("%(t)s·专项练习")),
            (QuizKind.LADDER, "ladder", _("%(t)s·闯关")),
        ):
            _quiz, was_created = Quiz.objects.get_or_create(
                slug=f"{topic.slug}-{suffix}",
                defaults={
                    "title": title % {"t": topic.name},
                    "topic": topic,
                    "kind": kind,
                    "question_count": 5,
                    "levels": 5 if kind == QuizKind.LADDER else 1,
                },
            )
            created += was_created
    return created


def starter_load(directory: Path, *, stdout: Any = None) -> dict[str, int]:
    """Load a starter folder (questions/*.yaml, literacy.yaml, risk_profile.yaml).

    Validates everything first and writes in one transaction; idempotent by key.
    """
    bundle = starter_read(directory)
    ctx = BankContext()
    with transaction.atomic():
        created, updated, unchanged = questions_upsert(bundle.questions, ctx=ctx, organisation=None)
        for position, (code, name) in enumerate(bundle.dimensions):
            LiteracyDimension.objects.update_or_create(
                code=code, defaults={"name": name, "position": position}
            )
        if bundle.literacy:
            dims = {d.code: d for d in LiteracyDimension.objects.all()}
            questions = dict(
                Question.objects.filter(key__in=[e["key"] for e in bundle.literacy]).values_list(
                    "key", "pk"
                )
            )
            # Items carry no history (results keep their own copy), so the forms are
            # replaced as a whole: positions stay unique however the files are reordered.
            LiteracyItem.objects.all().delete()
            LiteracyItem.objects.bulk_create(
                LiteracyItem(
                    form=entry["form"],
                    position=entry["position"],
                    question_id=questions[entry["key"]],
                    dimension=dims[entry["dimension"]],
                    expected_p=entry["expected_p"],
                    pair_key=entry["pair_key"],
                    anchor=entry["anchor"],
                )
                for entry in bundle.literacy
            )
        if bundle.risk is not None:
            RiskQuestionnaire.objects.update_or_create(
                slug="default",
                defaults={
                    "disclaimer": bundle.risk["disclaimer"].strip(),
                    "questions": bundle.risk["questions"],
                    "levels": bundle.risk["levels"],
                    "product_levels": bundle.risk.get("product_levels") or [],
                },
            )
        quizzes = quizzes_ensure_for_topics()
    if stdout is not None:
        for warning in bundle.warnings:
            stdout.write(warning + "\n")
    return {
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
        "literacy_items": len(bundle.literacy),
        "quizzes_created": quizzes,
        "warnings": len(bundle.warnings),
    }
