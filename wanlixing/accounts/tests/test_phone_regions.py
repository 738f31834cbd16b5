import pytest

from wanlixing.accounts.regions import region_ancestors, region_full_name, region_is_valid
from wanlixing.lib.phone import InvalidPhone, phone_mask, phone_normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0086-138-0013-8000", "13800138000"),
        ("８６１３８００１３８０００", "13800138000"),
        ("（138）00138000", "13800138000"),
        ("19912345678", "19912345678"),
    ],
)
def test_phone_normalize_accepts_common_forms(raw, expected):
    assert phone_normalize(raw) == expected


@pytest.mark.parametrize("raw", ["", "12800138000", "1380013800", "010-12345678", "138001380001"])
def test_phone_normalize_rejects(raw):
    with pytest.raises(InvalidPhone):
        phone_normalize(raw)


def test_phone_mask():
    assert phone_mask("13812341234") == "138****1234"
    assert phone_mask(None) == ""


def test_region_names_and_ancestors():
    assert region_full_name("440305") == "广东省 深圳市 南山区"
    assert region_full_name("110101") == "北京市 东城区"
    assert region_ancestors("440305") == ["440305", "440300", "440000"]
    assert region_is_valid("440305")
    assert not region_is_valid("440399")
