from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook, load_workbook

from wanlixing.advisor.importing import faq_export, faq_import
from wanlixing.advisor.models import FaqEntry
from wanlixing.advisor.tests.factories import CollectionFactory

ROWS = [
    {
        "external_id": "q1",
        "question": "信用卡逾期一天有影响吗",
        "similar": ["信用卡晚还一天咋办", "逾期一天上征信吗"],
        "answer": "先尽快还上，再联系银行说明情况。",
        "source": "测试来源",
        "tags": ["credit-card"],
        "topic": "credit-card",
    },
    {
        "external_id": "q2",
        "question": "存款保险保多少",
        "similar": ["存保上限"],
        "answer": "50万元。",
    },
]


def jsonl(rows) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


@pytest.fixture
def collection(db):
    return CollectionFactory(slug="bank")


def test_jsonl_import_creates_entries(collection):
    report = faq_import(collection=collection, data=jsonl(ROWS), fmt="jsonl")
    assert report.ok
    assert report.created == 2
    entry = FaqEntry.objects.get(collection=collection, external_id="q1")
    assert entry.similar == ["信用卡晚还一天咋办", "逾期一天上征信吗"]
    assert entry.topic.slug == "credit-card"
    assert entry.tags == ["credit-card"]


def test_minimal_rows_without_answer_or_source_are_accepted(collection):
    rows = [{"external_id": 7, "question": "怎么挂失", "similar": ["卡丢了"]}]
    report = faq_import(collection=collection, data=jsonl(rows), fmt="jsonl")
    assert report.ok
    assert FaqEntry.objects.get(collection=collection, external_id="7").answer == ""


def test_reimport_updates_by_external_id(collection):
    faq_import(collection=collection, data=jsonl(ROWS), fmt="jsonl")
    changed = [dict(ROWS[0], answer="新的答案"), ROWS[1]]
    report = faq_import(collection=collection, data=jsonl(changed), fmt="jsonl")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert FaqEntry.objects.get(external_id="q1").answer == "新的答案"
    assert FaqEntry.objects.filter(collection=collection).count() == 2


def test_a_bad_row_imports_nothing_and_reports_each_problem(collection):
    rows = [
        ROWS[0],
        {"external_id": "", "question": "没有编号"},
        {"external_id": "q3", "question": "", "similar": "不是列表也行"},
        {"external_id": "q4", "question": "主题错了", "topic": "no-such-topic"},
        {"external_id": "q1", "question": "编号重复"},
    ]
    data = jsonl(rows) + b"\n{not json"
    report = faq_import(collection=collection, data=data, fmt="jsonl")
    assert not report.ok
    problems = {(e.row, e.field) for e in report.errors}
    assert problems == {
        (2, "external_id"),
        (3, "question"),
        (4, "topic"),
        (5, "external_id"),
        (6, ""),
    }
    assert FaqEntry.objects.filter(collection=collection).count() == 0


def test_csv_round_trip_with_chinese_headers(collection):
    text = (
        "编号,标准问,相似问,答案,来源,标签\n"
        "c1,怎么查征信,征信在哪查|查信用报告,到征信中心查。,《征信业管理条例》,credit-report\n"
    )
    report = faq_import(collection=collection, data=text.encode("utf-8-sig"), fmt="csv")
    assert report.ok
    assert report.created == 1
    out = io.BytesIO()
    assert faq_export(collection=collection, fmt="csv", out=out) == 1
    other = CollectionFactory(slug="copy")
    again = faq_import(collection=other, data=out.getvalue(), fmt="csv")
    assert again.ok
    copy = FaqEntry.objects.get(collection=other, external_id="c1")
    assert copy.similar == ["征信在哪查", "查信用报告"]
    assert copy.source == "《征信业管理条例》"


def test_xlsx_round_trip(collection):
    faq_import(collection=collection, data=jsonl(ROWS), fmt="jsonl")
    out = io.BytesIO()
    faq_export(collection=collection, fmt="xlsx", out=out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("external_id", "question", "similar")
    assert rows[1][0] == "q1"
    assert rows[1][2] == "信用卡晚还一天咋办\n逾期一天上征信吗"
    other = CollectionFactory(slug="copy")
    report = faq_import(collection=other, data=out.getvalue(), fmt="xlsx")
    assert report.ok
    assert report.created == 2
    assert FaqEntry.objects.get(collection=other, external_id="q1").topic.slug == "credit-card"


def test_xlsx_errors_name_the_row(collection):
    book = Workbook()
    sheet = book.active
    sheet.append(["external_id", "question", "answer"])
    sheet.append(["x1", "好问题", "好答案"])
    sheet.append(["x2", None, "缺标准问"])
    out = io.BytesIO()
    book.save(out)
    report = faq_import(collection=collection, data=out.getvalue(), fmt="xlsx")
    assert [(e.row, e.field) for e in report.errors] == [(2, "question")]
    assert not FaqEntry.objects.exists()


def test_unreadable_file_is_reported(collection):
    report = faq_import(collection=collection, data=b"PK\x03\x04garbage", fmt="xlsx")
    assert not report.ok
    assert report.errors[0].row == 0
    report = faq_import(collection=collection, data=b"a,b\n1,2\n", fmt="csv")
    assert "external_id" in report.errors[0].message


def test_starter_faq_loads_once_and_reloads_without_changes(db):
    from io import StringIO

    from django.apps import apps

    config = apps.get_app_config("advisor")
    assert config.starter_order == 40
    config.load_starter_data(StringIO())
    assert FaqEntry.objects.filter(collection__slug="default").count() == 177
    out = StringIO()
    config.load_starter_data(out)
    assert "新增 0，更新 0，未变 177" in out.getvalue()
