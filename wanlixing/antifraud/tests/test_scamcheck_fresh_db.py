"""`wanlixing scamcheck --jsonl` on a fresh clone: no migrations run, database empty.

Runs the real console entry point in a subprocess with its own DATABASE_URL, so the
command's start-up (settings, app loading, system checks) is exercised exactly as a
user who only ran ``pip install -e .`` would.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from wanlixing.antifraud.scam.checker import scam_check
from wanlixing.antifraud.scam.model import model_get
from wanlixing.antifraud.scam.training import ruleset_from_yaml

SCAM = "我是客服，请把验证码告诉我，然后转到安全账户"
NOTICE = "【工商银行】您尾号1234卡支出500.00元"


STATES = ("missing", "empty-file", "unmigrated")
LINES = [
    json.dumps({"id": "s", "text": SCAM}, ensure_ascii=False),
    json.dumps({"id": "n", "text": NOTICE}, ensure_ascii=False),
    "not json",
]


def _start(root: Path, db: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "WANLIXING_VAR_DIR": str(root / "var"),
        "DJANGO_SETTINGS_MODULE": "wanlixing.settings",
    }
    env.pop("REDIS_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "wanlixing.cli", "scamcheck", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One CLI process per database state, started together (start-up dominates)."""
    started = {}
    for state in STATES:
        root = tmp_path_factory.mktemp(state)
        db = root / "fresh.sqlite3"
        if state == "empty-file":
            db.write_bytes(b"")
        elif state == "unmigrated":  # a database file with some other table only
            with sqlite3.connect(db) as conn:
                conn.execute("CREATE TABLE unrelated (x INTEGER)")
        before = db.read_bytes() if db.exists() else None
        started[state] = (db, before, _start(root, db))
    results = {}
    for state, (db, before, proc) in started.items():
        stdout, stderr = proc.communicate(("\n".join(LINES) + "\n").encode(), timeout=180)
        results[state] = (db, before, proc.returncode, stdout.decode(), stderr.decode())
    return results


@pytest.mark.slow
@pytest.mark.parametrize("state", STATES)
def test_scamcheck_jsonl_works_without_a_migrated_database(runs, state):
    db, before, returncode, stdout, stderr = runs[state]
    assert returncode == 0, stderr[-2000:]
    out = [json.loads(line) for line in stdout.splitlines()]
    assert [o["id"] for o in out] == ["s", "n", 3]

    # Same answers as the shipped starter red flags + shipped model give in process.
    rules, model = ruleset_from_yaml(), model_get()
    for item, text in ((out[0], SCAM), (out[1], NOTICE)):
        expected = scam_check(text, rules=rules, model=model).as_cli()
        assert item == {"id": item["id"], **expected}
    assert out[0]["verdict"] == "fraud"
    assert {"ask-verification-code", "safe-account"} <= {s["flag"] for s in out[0]["signals"]}
    assert out[1]["verdict"] == "safe"
    assert out[2]["error"]["code"] == "bad_json"

    if state == "unmigrated":  # read, never migrated or written
        with sqlite3.connect(db) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert tables == {"unrelated"}
    else:  # no database yet: not even created
        assert (db.read_bytes() if db.exists() else None) == before


@pytest.mark.slow
def test_scamcheck_jsonl_answers_each_line_while_input_is_still_open(tmp_path):
    """A caller may write a line and wait for its answer: lines are checked in batches,
    but a batch never waits for lines that have not arrived, and answers are flushed."""
    proc = _start(tmp_path, tmp_path / "fresh.sqlite3")
    stdin, stdout = proc.stdin, proc.stdout
    assert stdin is not None
    assert stdout is not None
    answers: list[dict] = []
    try:
        for line in LINES[:2]:
            stdin.write(line.encode() + b"\n")
            stdin.flush()
            reader = threading.Thread(target=lambda: answers.append(json.loads(stdout.readline())))
            reader.start()
            reader.join(timeout=120)
            assert not reader.is_alive(), "no answer while stdin stays open"
    finally:
        stdin.close()
        proc.wait(timeout=60)
    assert [a["id"] for a in answers] == ["s", "n"]
    assert answers[0]["verdict"] == "fraud"
    assert proc.returncode == 0
