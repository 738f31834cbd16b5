"""``wanlixing loadcontent``: validate everything first, import all or nothing, idempotent."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from wanlixing.content.models import Article, ArticleStatus, ArticleVersion, ReviewLogEntry
from wanlixing.content.starter import STARTER_DIR

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("loadcontent", "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def starter_copy(tmp_path) -> Path:
    target = tmp_path / "starter"
    shutil.copytree(STARTER_DIR, target)
    return target


def test_second_run_changes_nothing_and_a_file_change_updates_one_item(starter_copy):
    out, _ = _run("--path", str(starter_copy))
    assert "新增 77 条" in out
    assert Article.objects.filter(organisation=None, status=ArticleStatus.PUBLISHED).count() == 77
    assert Article.objects.filter(kind="case").count() == 27
    assert ArticleVersion.objects.count() == 77
    stamps = dict(Article.objects.values_list("slug", "updated_at"))
    log_count = ReviewLogEntry.objects.count()

    out, _ = _run("--path", str(starter_copy))
    assert "新增 0 条，更新 0 条，未变化 77 条" in out
    assert ArticleVersion.objects.count() == 77
    assert ReviewLogEntry.objects.count() == log_count
    assert dict(Article.objects.values_list("slug", "updated_at")) == stamps

    path = starter_copy / "articles" / "credit-card.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    items[0]["title"] = items[0]["title"] + "（修订）"
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    out, _ = _run("--path", str(starter_copy))
    assert "更新 1 条，未变化 76 条" in out
    changed = Article.objects.get(slug=items[0]["slug"])
    assert changed.title.endswith("（修订）")
    assert list(changed.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert changed.versions.get(number=1).title == items[0]["title"].removesuffix("（修订）")


def test_a_bad_item_imports_nothing_and_names_file_and_item(starter_copy):
    cases = starter_copy / "cases" / "loan-rate.yaml"
    items = yaml.safe_load(cases.read_text(encoding="utf-8"))
    del items[1]["red_flags"]
    cases.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    articles = starter_copy / "articles" / "insurance.yaml"
    entries = yaml.safe_load(articles.read_text(encoding="utf-8"))
    entries[0]["topic"] = "no-such-topic"
    entries[0]["audiences"] = ["martians"]
    articles.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")

    with pytest.raises(CommandError):
        _run("--path", str(starter_copy))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("loadcontent", "--path", str(starter_copy), stdout=StringIO(), stderr=err)
    report = err.getvalue()
    assert f"cases/loan-rate.yaml 第2条（{items[1]['slug']}）：缺少必填字段 red_flags" in report
    assert (
        f"articles/insurance.yaml 第1条（{entries[0]['slug']}）：未知主题 no-such-topic" in report
    )
    assert "未知受众 martians" in report
    assert "未导入任何内容" in report
    assert Article.objects.count() == 0


def test_yaml_syntax_error_is_reported_in_chinese(starter_copy):
    (starter_copy / "articles" / "insurance.yaml").write_text("- slug: [unclosed\n", "utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("loadcontent", "--path", str(starter_copy), stdout=StringIO(), stderr=err)
    assert "articles/insurance.yaml：YAML 格式错误" in err.getvalue()
    assert Article.objects.count() == 0


def test_an_invalid_region_code_is_rejected(starter_copy):
    path = starter_copy / "articles" / "insurance.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries[0]["regions"] = ["999999"]
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("loadcontent", "--path", str(starter_copy), "--check", stdout=out, stderr=err)
    assert "地区代码无效：999999" in err.getvalue()


def test_check_only_validates_the_shipped_files():
    out, _ = _run("--check")
    assert "检查通过：共 77 条" in out
    assert Article.objects.count() == 0


def test_app_config_loader_is_registered_first():
    config = apps.get_app_config("content")
    assert config.starter_order == 10
    assert callable(config.load_starter_data)
