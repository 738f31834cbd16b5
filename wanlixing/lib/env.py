"""Strict parsing of configuration from environment variables.

Every value is checked when settings load; a malformed value raises
``ImproperlyConfigured`` with a message that names the variable, so start-up
stops before anything serves a request.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def fail(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"环境变量 {name} 的值无效：{value!r}。应为{expected}。"
        f" / Invalid value for environment variable {name}: {value!r}."
    )


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise fail(name, value, "布尔值（1/0、true/false、yes/no、on/off）")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise fail(name, value, "整数") from None
    if minimum is not None and number < minimum:
        raise fail(name, value, f"不小于 {minimum} 的整数")
    if maximum is not None and number > maximum:
        raise fail(name, value, f"不大于 {maximum} 的整数")
    return number


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise fail(name, value, "数字") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise fail(name, value, "有限的数字")
    if minimum is not None and number < minimum:
        raise fail(name, value, f"不小于 {minimum} 的数字")
    return number


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None or value == "" else value


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise fail(name, value, "以英文逗号分隔的非空列表")
    return items


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _raw(name)
    if value is None or value == "":
        return default
    if value not in choices:
        raise fail(name, value, "以下之一：" + "、".join(choices))
    return value


def env_url(name: str, default: str = "", *, schemes: tuple[str, ...]) -> str:
    value = _raw(name)
    if value is None or value == "":
        return default
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        raise fail(name, value, "以 " + " 或 ".join(f"{s}://" for s in schemes) + " 开头的地址")
    if parts.scheme not in ("sqlite",) and not parts.hostname and not parts.path:
        raise fail(name, value, "包含主机名的地址")
    return value


def secret_key(var_dir: Path) -> str:
    """SECRET_KEY from the environment, or one generated once into var/."""
    value = _raw("SECRET_KEY")
    if value:
        if len(value) < 32:
            raise fail("SECRET_KEY", "***", "至少 32 个字符的随机字符串")
        return value
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process started at the same moment
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
