"""Question bank import/export (XLSX and CSV), the row-level error report, the YAML loader."""

import csv
import io
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from wanlixing.learning.bank import (
    HEADERS,
    StarterError,
    questions_export_csv,
    questions_export_xlsx,
    questions_import,
    starter_load,
)
from wanlixing.learning.models import Question, Quiz

from .conftest import FIXTURE_STARTER
from .factories import ArticleFactory, QuestionFactory, topic

pytestmark = pytest.mark.django_db

FIELDS = [
    "key",
    "kind",
    "stem",
    "options",
    "correct",
    "explanation",
    "topic_id",
    "difficulty",
    "article_id",
    "source",
    "purpose",
    "is_active",
    "organisation_id",
]


def snapshot():
    rows = {}
    for q in Question.objects.filter(purpose="practice").prefetch_related("audiences"):
        rows[q.key] = (
            *(getattr(q, f) for f in FIELDS),
            sorted(s.code for s in q.audiences.all()),
        )
    return rows


def csv_bytes(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def row(**overrides):
    base = {
        "编号": "org-q-1",
        "题型": "单选",
        "主题": "credit-report",
        "难度": "2",
        "适用人群": "elderly",
        "题干": "征信报告可以免费查询吗？",
        "选项A": "可以，每年2次",
        "选项B": "不可以",
        "选项C": "",
        "选项D": "",
        "选项E": "",
        "选项F": "",
        "答案": "A",
        "解析": "每年有2次免费查询机会。",
        "关联文章": "",
        "来源": "《征信业管理条例》",
        "状态": "启用",
    }
    base.update(overrides)
    return [base[h] for h in HEADERS]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_is_lossless(bank, org, fmt):
    article = ArticleFactory(slug="credit-basics", topic=topic("credit-report"))
    Question.objects.filter(key="t-cr-001").update(article=article, is_active=False)
    Question.objects.filter(purpose="practice").update(organisation=org)
    before = snapshot()
    assert len(before) == 13
    export = questions_export_xlsx if fmt == "xlsx" else questions_export_csv
    content = export(Question.objects.all())
    report = questions_import(name=f"bank.{fmt}", content=content, organisation=org)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 13)
    Question.objects.filter(purpose="practice").delete()
    report = questions_import(name=f"bank.{fmt}", content=content, organisation=org)
    assert report.created == 13
    assert snapshot() == before


def test_exported_csv_opens_in_excel_and_uses_letters_and_chinese_labels(bank):
    content = questions_export_csv(Question.objects.filter(key__in=["t-dep-002", "t-dep-003"]))
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    by_key = {r[0]: dict(zip(HEADERS, r, strict=True)) for r in rows[1:]}
    assert by_key["t-dep-002"]["题型"] == "判断"
    assert by_key["t-dep-002"]["答案"] == "错误"
    assert by_key["t-dep-002"]["选项A"] == ""
    assert by_key["t-dep-003"]["答案"] == "A,B"


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_imported(bank, org):
    content = csv_bytes(
        [
            row(),
            row(**{"编号": "org-q-2", "题型": "填空", "答案": "A"}),
            row(**{"编号": "org-q-3", "主题": "no-such-topic", "难度": "5"}),
            row(**{"编号": "org-q-4", "答案": "C"}),
            row(**{"编号": "org-q-1"}),
            row(**{"编号": "org-q-6", "题型": "判断", "选项A": "", "选项B": "", "答案": "也许"}),
            row(**{"编号": "org-q-7", "解析": "", "来源": "", "关联文章": "nope"}),
            row(**{"编号": "org-q-8", "题型": "多选", "答案": "A"}),
        ]
    )
    report = questions_import(name="bad.csv", content=content, organisation=org)
    assert not report.ok
    errors = {(e.row, e.column, e.message) for e in report.errors}
    assert (3, "题型", "题型应为“单选”“多选”或“判断”。") in errors
    assert (4, "主题", "未知主题“no-such-topic”，请填写主题代码或名称。") in errors
    assert (4, "难度", "难度应为1、2或3。") in errors
    assert (5, "答案", "答案引用了不存在的选项。") in errors
    assert (6, "编号", "编号与第2行重复。") in errors
    assert (7, "答案", "判断题答案应为“正确”或“错误”。") in errors
    assert (8, "解析", "解析不能为空：答题后要给出解释。") in errors
    assert (8, "来源", "来源不能为空：请注明依据的法规或官方资料。") in errors
    assert (8, "关联文章", "知识库中没有网址代码为“nope”的文章。") in errors
    assert (9, "答案", "多选题至少要有2个正确答案；只有1个请改为单选题。") in errors
    assert not any(e.row == 2 for e in report.errors)
    assert not Question.objects.filter(key__startswith="org-q").exists()


def test_missing_columns_and_unreadable_files_are_reported(bank, org):
    report = questions_import(name="x.csv", content="编号,题干\nq,x\n".encode(), organisation=org)
    assert report.errors[0].row == 1
    assert "缺少表头列" in report.errors[0].message
    report = questions_import(name="x.xlsx", content=b"not a zip", organisation=org)
    assert report.errors[0].message == "无法读取该 XLSX 文件，请确认文件未损坏。"
    report = questions_import(name="x.txt", content=b"abc", organisation=org)
    assert report.errors[0].message == "只支持 .xlsx 或 .csv 文件。"


def test_gb18030_csv_from_excel_is_read(bank, org):
    content = csv_bytes([row()]).decode("utf-8").encode("gb18030")
    report = questions_import(name="excel.csv", content=content, organisation=org)
    assert report.ok
    assert report.created == 1
    assert Question.objects.get(key="org-q-1").stem == "征信报告可以免费查询吗？"


def test_xlsx_numbers_and_names_are_accepted(bank, org):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    values = row(**{"主题": "征信", "适用人群": "老年人、农村居民", "答案": "a"})
    values[HEADERS.index("难度")] = 2  # a number cell
    sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    report = questions_import(name="b.xlsx", content=out.getvalue(), organisation=org)
    assert report.ok, report.errors
    question = Question.objects.get(key="org-q-1")
    assert question.difficulty == 2
    assert question.topic.slug == "credit-report"
    assert sorted(question.audiences.values_list("code", flat=True)) == ["elderly", "rural"]
    assert question.correct == [0]
    assert question.organisation == org


def test_import_cannot_take_over_another_owners_key(bank, org, other_org):
    QuestionFactory(key="org-q-1", organisation=other_org)
    report = questions_import(name="a.csv", content=csv_bytes([row()]), organisation=org)
    assert [(e.row, e.column) for e in report.errors] == [(2, "编号")]
    report = questions_import(
        name="a.csv", content=csv_bytes([row(**{"编号": "t-lit-a-01"})]), organisation=None
    )
    assert "金融素养测评题" in report.errors[0].message


def test_back_office_upload_shows_the_report(client, editor, org, bank):
    client.force_login(editor)
    bad = io.BytesIO(csv_bytes([row(**{"难度": "9"})]))
    bad.name = "bad.csv"
    response = client.post(
        "/admin/learning/question/import/", {"file": bad, "organisation": org.pk}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "发现 1 处问题，未导入任何题目" in html
    assert "难度应为1、2或3。" in html
    good = io.BytesIO(csv_bytes([row()]))
    good.name = "good.csv"
    response = client.post(
        "/admin/learning/question/import/", {"file": good, "organisation": org.pk}
    )
    assert response.status_code == 302
    assert Question.objects.get(key="org-q-1").organisation == org


def test_editor_cannot_import_into_the_platform_bank(client, editor, org, bank):
    client.force_login(editor)
    good = io.BytesIO(csv_bytes([row()]))
    good.name = "good.csv"
    response = client.post("/admin/learning/question/import/", {"file": good})
    assert response.status_code == 200  # the form asks for an organisation
    assert not Question.objects.filter(key="org-q-1").exists()


def test_back_office_is_scoped_to_the_editors_organisation(client, editor, outsider, org, bank):
    mine = QuestionFactory(key="ours-1", organisation=org)
    client.force_login(outsider)
    assert client.get(f"/admin/learning/question/{mine.pk}/change/").status_code in (302, 403, 404)
    export = client.get("/admin/learning/question/export/csv/").content.decode("utf-8-sig")
    assert "ours-1" not in export
    client.force_login(editor)
    export = client.get("/admin/learning/question/export/csv/").content.decode("utf-8-sig")
    assert "ours-1" in export
    assert "t-dep-001" not in export


def test_editor_edits_a_question_in_plain_text(client, editor, org, bank):
    question = QuestionFactory(key="ours-2", organisation=org)
    client.force_login(editor)
    form = client.get(f"/admin/learning/question/{question.pk}/change/")
    assert form.status_code == 200
    data = {
        "key": "ours-2",
        "organisation": org.pk,
        "kind": "multiple",
        "topic": question.topic_id,
        "difficulty": 2,
        "stem": "哪些是对的？",
        "options_text": "甲\n乙\n丙",
        "answer_text": "A,C",
        "explanation": "甲丙对。",
        "source": "测试",
        "is_active": "on",
    }
    response = client.post(f"/admin/learning/question/{question.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert (question.options, question.correct) == (["甲", "乙", "丙"], [0, 2])
    data["answer_text"] = "A"
    response = client.post(f"/admin/learning/question/{question.pk}/change/", data)
    assert "多选题至少要有2个正确答案" in response.content.decode()


def test_loader_is_idempotent_and_builds_a_practice_pool_and_ladder_per_topic(bank):
    counts = starter_load(FIXTURE_STARTER)
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 0, 21)
    slugs = sorted(Quiz.objects.values_list("slug", flat=True))
    assert slugs == [
        "credit-report-ladder",
        "credit-report-practice",
        "deposit-insurance-ladder",
        "deposit-insurance-practice",
    ]
    tf = Question.objects.get(key="t-dep-002")
    assert (tf.options, tf.correct) == (["正确", "错误"], [1])


def test_loader_is_all_or_nothing(tmp_path, db):
    target = tmp_path / "starter"
    shutil.copytree(FIXTURE_STARTER, target)
    path = target / "questions" / "credit-report.yaml"
    path.write_text(path.read_text().replace("answer: [1]", "answer: [7]", 1))
    with pytest.raises(StarterError) as exc:
        starter_load(target)
    assert any("t-cr-001" in p and "答案引用了不存在的选项" in p for p in exc.value.problems)
    assert not Question.objects.exists()
    with pytest.raises(CommandError, match="未写入任何题目"):
        call_command("loadquestions", str(target))


def test_loader_links_articles_that_exist(db):
    article = ArticleFactory(slug="fixture-deposit-basics", topic=topic("deposit-insurance"))
    starter_load(FIXTURE_STARTER)
    assert Question.objects.get(key="t-dep-001").article == article


def test_import_and_export_commands(tmp_path, bank, org):
    target = tmp_path / "out.xlsx"
    call_command("exportquestions", str(target))
    assert target.stat().st_size > 0
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes([row()]))
    call_command("importquestions", str(source), "--org", str(org.pk))
    assert Question.objects.get(key="org-q-1").organisation == org
    source.write_bytes(csv_bytes([row(**{"难度": "x"})]))
    with pytest.raises(CommandError, match="未导入任何题目"):
        call_command("importquestions", str(source), "--org", str(org.pk))
