"""The questionnaire builder: staff add, edit, reorder and remove questions with skip logic."""

import pytest

from wanlixing.surveys.models import Instrument, Item

pytestmark = pytest.mark.django_db


def _management(total: int, initial: int = 0) -> dict:
    return {
        "items-TOTAL_FORMS": str(total),
        "items-INITIAL_FORMS": str(initial),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "80",
    }


def _item(i: int, **fields) -> dict:
    defaults = {"kind": "single", "required": "on", "show_if_operator": "is"}
    return {f"items-{i}-{k}": v for k, v in {**defaults, **fields}.items()}


@pytest.fixture
def instrument(client, organiser, org):
    client.force_login(organiser)
    response = client.post(
        "/surveys/builder/", {"organisation": org.pk, "kind": "custom", "title": "社区调查"}
    )
    assert response.status_code == 302
    return Instrument.objects.get(title="社区调查")


def test_staff_build_a_questionnaire_with_skip_logic_and_order(client, instrument):
    data = {
        **_management(3),
        # listed second but numbered 1: the order follows the numbers
        **_item(0, position="2", key="loan", text="借过网贷吗？", options="借过\n没借过",
                show_if_key="app", show_if_value="1"),
        **_item(1, position="1", key="app", text="装了国家反诈中心App吗？", options="装了\n没装"),
        **_item(2, position="3", key="why", kind="text", text="为什么？", required=""),
    }  # fmt: skip
    response = client.post(f"/surveys/builder/{instrument.pk}/", data)
    assert response.status_code == 302
    items = list(instrument.items.order_by("position"))
    assert [(i.position, i.key) for i in items] == [(1, "app"), (2, "loan"), (3, "why")]
    assert items[1].show_if_key == "app"
    assert items[1].options == ["借过", "没借过"]
    assert items[2].required is False
    page = client.get(f"/surveys/builder/{instrument.pk}/").content.decode()
    assert "借过网贷吗？" in page

    # remove one question
    data = {
        **_management(2, 2),
        **_item(0, position="1", key="app", text="装了国家反诈中心App吗？", options="装了\n没装"),
        **_item(1, position="2", key="loan", text="借过网贷吗？", options="借过\n没借过",
                DELETE="on"),
    }  # fmt: skip
    assert client.post(f"/surveys/builder/{instrument.pk}/", data).status_code == 302
    assert list(instrument.items.values_list("key", flat=True)) == ["app"]


def test_skip_logic_pointing_forward_is_refused_and_changes_nothing(client, instrument):
    Item.objects.create(instrument=instrument, position=1, key="old", kind="scale", text="满意吗")
    data = {
        **_management(2),
        **_item(0, position="1", key="first", text="第一题", options="是\n否",
                show_if_key="second", show_if_value="1"),
        **_item(1, position="2", key="second", text="第二题", options="是"),
    }  # fmt: skip
    response = client.post(f"/surveys/builder/{instrument.pk}/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "显示条件必须引用排在它前面的题目" in body
    assert "至少需要两个选项" in body
    assert list(instrument.items.values_list("key", flat=True)) == ["old"]


def test_other_organisations_cannot_open_the_builder(client, instrument, outsider, learner):
    client.force_login(outsider)
    assert client.get(f"/surveys/builder/{instrument.pk}/").status_code == 403
    client.force_login(learner)
    assert client.get("/surveys/builder/").status_code == 403
    assert client.get(f"/surveys/builder/{instrument.pk}/").status_code == 403
