"""Drill validation, play without JavaScript, and points."""

from __future__ import annotations

import copy

import pytest
import yaml

from wanlixing.antifraud.drills import DrillError, drill_parse, drill_validate
from wanlixing.antifraud.models import Drill
from wanlixing.antifraud.services import STARTER_DIR, drill_save_source
from wanlixing.rewards.models import PointsEntry

SLUG = "fake-loan-upfront-fee"


def starter_yaml() -> str:
    return (STARTER_DIR / "drills" / f"{SLUG}.yaml").read_text(encoding="utf-8")


def test_all_starter_drills_are_valid():
    paths = sorted((STARTER_DIR / "drills").glob("*.yaml"))
    assert len(paths) == 13
    for path in paths:
        drill_parse(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda d: d["nodes"]["n2"]["choices"][0].update(next="nowhere"), "不存在的节点"),
        (lambda d: d["nodes"]["n2"].pop("choices"), "死胡同"),
        (lambda d: d["nodes"]["n5"]["choices"][1].update(next="n1"), "循环"),
        (lambda d: d["nodes"].update(orphan={"ending": "safe", "messages": ["x"]}), "走不到"),
        (
            lambda d: d["nodes"]["n1"]["choices"][0].update(catches=["undefined-flag"]),
            "未定义的红旗",
        ),
        (lambda d: d.update(version=0), "version"),
        (lambda d: d.update(fraud_type="unknown"), "未知的诈骗类型"),
    ],
)
def test_a_broken_drill_is_rejected_with_a_clear_message(breakage, message):
    data = yaml.safe_load(starter_yaml())
    broken = copy.deepcopy(data)
    breakage(broken)
    with pytest.raises(DrillError) as info:
        drill_validate(broken)
    assert message in str(info.value)


def test_bad_yaml_is_rejected():
    with pytest.raises(DrillError, match="YAML"):
        drill_parse("slug: [unclosed")


def test_saving_changed_content_bumps_the_version(starter):
    drill = Drill.objects.get(slug=SLUG)
    assert drill.version == 1
    changed = starter_yaml().replace("老周", "老赵")
    drill = drill_save_source(drill=drill, source_yaml=changed)
    assert drill.version == 2
    assert "老赵" in drill.data["intro"]
    same = drill_save_source(drill=drill, source_yaml=changed)
    assert same.version == 2


def test_drill_plays_without_js_and_awards_points_once(starter, client, learner):
    client.force_login(learner)
    url = f"/antifraud/drills/{SLUG}/"
    page = client.get(url).content.decode()
    assert "无抵押、不看征信" in page
    assert 'name="choice"' in page
    # Take the bait twice, then refuse: partial ending, upfront-fee caught.
    for choice in (1, 1, 0):
        assert client.post(url, {"action": "choose", "choice": choice}).status_code == 302
    page = client.get(url).content.decode()
    assert "演练结束" in page
    assert "放款前先交钱" in page
    assert "从链接下载贷款App" in page
    entry = PointsEntry.objects.get(user=learner, activity=f"drill:{SLUG}")
    assert entry.points == 5
    client.post(url, {"action": "restart"})
    client.post(url, {"action": "choose", "choice": 0})
    assert PointsEntry.objects.filter(user=learner, activity=f"drill:{SLUG}").count() == 1


def test_invalid_choice_changes_nothing(starter, client):
    url = f"/antifraud/drills/{SLUG}/"
    client.get(url)
    client.post(url, {"action": "choose", "choice": 9})
    client.post(url, {"action": "choose", "choice": "x"})
    page = client.get(url).content.decode()
    assert "正缺钱呢" in page  # still at the first question


def test_anonymous_drill_via_api(starter, client):
    data = client.post(
        f"/api/v1/antifraud/drills/{SLUG}/play", {"choices": [0]}, content_type="application/json"
    ).json()
    assert data["ending"] == "safe"
    assert data["debrief"]["score"] == 10
    assert data["debrief"]["awarded"] is None
    bad = client.post(
        f"/api/v1/antifraud/drills/{SLUG}/play",
        {"choices": [0, 0]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    listing = client.get("/api/v1/antifraud/drills").json()
    assert len(listing) == 13
    assert all(d["max_score"] > 0 for d in listing)


def test_drill_admin_rejects_broken_yaml(starter, client, platform_admin):
    client.force_login(platform_admin)
    drill = Drill.objects.get(slug=SLUG)
    broken = starter_yaml().replace("next: n3", "next: n99")
    response = client.post(
        f"/admin/antifraud/drill/{drill.pk}/change/", {"source_yaml": broken, "is_active": "on"}
    )
    assert response.status_code == 200
    assert "不存在的节点" in response.content.decode()
    drill.refresh_from_db()
    assert drill.version == 1
