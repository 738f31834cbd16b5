"""The English catalogue is complete and compiled, and no script carries its own Chinese text."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext not installed")


def _msgfmt(po: Path, mo: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(mo), str(po)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.strip()


@needs_msgfmt
def test_english_catalogue_has_no_untranslated_or_fuzzy_entries(tmp_path):
    # msgfmt --check also rejects a translation that drops or renames a %(name)s or
    # {name} placeholder of its msgid.
    statistics = _msgfmt(LC_MESSAGES / "django.po", tmp_path / "django.mo")
    assert re.fullmatch(r"\d+ translated messages\.", statistics), statistics


@needs_msgfmt
def test_committed_mo_matches_the_po(tmp_path):
    _msgfmt(LC_MESSAGES / "django.po", tmp_path / "django.mo")
    with (tmp_path / "django.mo").open("rb") as fresh, (LC_MESSAGES / "django.mo").open("rb") as f:
        expected = gettext.GNUTranslations(fresh)._catalog
        committed = gettext.GNUTranslations(f)._catalog
    stale = sorted(
        str(k) for k in expected.keys() | committed.keys() if committed.get(k) != expected.get(k)
    )
    assert stale == [], f"django.mo is out of date (run `make messages`): {stale[:5]}"


def test_scripts_have_no_chinese_text_of_their_own():
    """Scripts take their texts from data-msg-* attributes that templates translate;
    Chinese is allowed only in comments."""
    han = re.compile(r"[\u4e00-\u9fff]")
    comment = re.compile(r"^\s*(//|/\*|\*)")
    found = [
        f"{path.name}:{n}"
        for path in sorted((settings.BASE_DIR / "static" / "js").glob("*.js"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if han.search(line) and not comment.match(line)
    ]
    assert found == []


@pytest.mark.django_db
def test_openapi_title_and_description_follow_the_language(client):
    english = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en").json()["info"]
    assert english["title"] == "Wanlixing API"
    assert english["description"].startswith("API of the Financial Literacy on the Road platform")
    chinese = client.get("/api/v1/openapi.json").json()["info"]
    assert chinese["title"] == "万里行 API"
    assert chinese["description"].startswith("金融知识万里行平台接口")
    docs = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<title>Wanlixing API</title>" in docs
