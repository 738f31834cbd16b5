"""The command-line contract others script against."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from wanlixing.advisor.models import Collection, FaqEntry

FAQ = [
    {
        "external_id": "a1",
        "question": "信用卡丢了怎么挂失",
        "similar": ["信用卡掉了咋办", "卡丢了怎么冻结"],
        "answer": "打银行客服电话挂失。",
    },
    {
        "external_id": "a2",
        "question": "怎么查个人征信报告",
        "similar": ["征信在哪里查", "查信用报告"],
    },
    {"external_id": "a3", "question": "存款保险最多赔多少钱", "similar": ["存保上限多少"]},
    {
        "external_id": "a4",
        "question": "忘记手机银行登录密码怎么办",
        "similar": ["手机银行密码忘了"],
    },
]


def write_jsonl(path: Path, rows) -> Path:
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    return path


def run_ask(collection: str, lines: list[str], **kwargs) -> list[dict]:
    out = io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.StringIO("\n".join(lines) + "\n")
    try:
        call_command("ask", "--collection", collection, "--jsonl", stdout=out, **kwargs)
    finally:
        sys.stdin = stdin
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.fixture
def imported(db, tmp_path):
    call_command(
        "faq",
        "import",
        str(write_jsonl(tmp_path / "faq.jsonl", FAQ)),
        "--collection",
        "bankqa",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return Collection.objects.get(slug="bankqa")


def test_faq_import_creates_a_private_collection_with_vectors(imported):
    assert not imported.is_public
    entries = FaqEntry.objects.filter(collection=imported)
    assert entries.count() == 4
    assert all(e.vectors_key for e in entries)


def test_ask_writes_ranked_external_ids(imported):
    rows = run_ask(
        "bankqa",
        [
            json.dumps({"id": 1, "question": "我的信用卡不见了咋整"}, ensure_ascii=False),
            json.dumps({"id": "b", "question": "在哪能查征信"}, ensure_ascii=False),
        ],
    )
    assert [r["id"] for r in rows] == [1, "b"]
    assert rows[0]["answers"][0]["external_id"] == "a1"
    assert rows[1]["answers"][0]["external_id"] == "a2"
    for row in rows:
        assert len(row["answers"]) == 4  # up to 10, never more than the collection holds
        scores = [a["score"] for a in row["answers"]]
        assert scores == sorted(scores, reverse=True)
        assert isinstance(row["abstained"], bool)


def test_ask_abstains_on_unrelated_and_survives_bad_lines(imported):
    rows = run_ask(
        "bankqa",
        [
            '{"id": 1, "question": "红烧肉怎么做好吃"}',
            "not json",
            '{"id": 3}',
            '{"id": 4, "question": ""}',
        ],
    )
    assert rows[0]["abstained"] is True
    assert rows[0]["answers"]
    assert rows[1] == {"id": None, "answers": [], "abstained": True, "error": "invalid_line"}
    assert rows[2]["error"] == "invalid_line"
    assert rows[2]["id"] == 3
    assert rows[3]["abstained"] is True
    assert rows[3]["answers"] == []


def test_reimport_updates_and_ask_sees_the_change(imported, tmp_path):
    changed = [dict(FAQ[0], question="怎么办理ETC", similar=["ETC在哪办"]), *FAQ[1:]]
    call_command(
        "faq",
        "import",
        str(write_jsonl(tmp_path / "v2.jsonl", changed)),
        "--collection",
        "bankqa",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    rows = run_ask("bankqa", [json.dumps({"id": 1, "question": "ETC怎么办理"}, ensure_ascii=False)])
    assert rows[0]["answers"][0]["external_id"] == "a1"


def test_import_with_a_bad_row_fails_and_imports_nothing(db, tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [FAQ[0], {"external_id": "x"}])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "faq", "import", str(path), "--collection", "broken", stdout=io.StringIO(), stderr=err
        )
    assert "第 2 行 question" in err.getvalue()
    assert not FaqEntry.objects.filter(collection__slug="broken").exists()


def test_ask_on_unknown_collection_fails(db):
    with pytest.raises(CommandError):
        run_ask("nope", ['{"id": 1, "question": "x"}'])


@pytest.mark.slow
def test_cli_works_on_a_database_given_by_database_url_alone(tmp_path):
    """The whole contract as a script runs it: migrate, import, ask, in fresh processes."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "WANLIXING_VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    exe = [sys.executable, "-m", "wanlixing.cli"]
    faq = write_jsonl(tmp_path / "faq.jsonl", FAQ)
    subprocess.run([*exe, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    subprocess.run(
        [*exe, "faq", "import", str(faq), "--collection", "fresh"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    questions = json.dumps({"id": 9, "question": "存保最多赔几万"}, ensure_ascii=False) + "\n"
    done = subprocess.run(
        [*exe, "ask", "--collection", "fresh", "--jsonl"],
        env=env,
        input=questions,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    row = json.loads(done.stdout.splitlines()[0])
    assert row["id"] == 9
    assert row["answers"][0]["external_id"] == "a3"
