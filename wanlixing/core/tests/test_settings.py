"""Configuration parsing: a malformed value stops start-up and names the variable."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from wanlixing.lib import env


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://root@localhost/db"),
        ("REDIS_URL", "http://localhost:6379"),
        ("DB_CONN_MAX_AGE", "ten"),
        ("EMAIL_PORT", "99999"),
        ("TASKS_BACKEND", "celery"),
        ("ALLOWED_HOSTS", "a.example,,b.example"),
    ],
)
def test_malformed_setting_stops_start_up_naming_the_variable(tmp_path, name, value):
    environment = {**os.environ, name: value, "WANLIXING_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "wanlixing.cli", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert name in result.stderr
    assert "无效" in result.stderr
    assert "Traceback" not in result.stderr


def test_secret_key_is_generated_once_into_var(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = env.secret_key(tmp_path)
    assert len(first) >= 50
    assert env.secret_key(tmp_path) == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_short_secret_key_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        env.secret_key(tmp_path)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("Off", False), ("", False)]
)
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env.env_bool("X_FLAG") is expected


def test_env_int_bounds(monkeypatch):
    monkeypatch.setenv("X_NUM", "-1")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        env.env_int("X_NUM", 0, minimum=0)


def test_env_float_rejects_nan(monkeypatch):
    monkeypatch.setenv("X_F", "nan")
    with pytest.raises(ImproperlyConfigured, match="X_F"):
        env.env_float("X_F", 1.0)
