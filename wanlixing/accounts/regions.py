"""GB/T 2260 administrative divisions (province / city / county).

The table in data/regions.csv is derived from the MIT-licensed cpca package's
adcode list (see docs/DATA_SOURCES.md).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "regions.csv"
_FILLER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: int  # 1 province, 2 city, 3 county
    parent: str

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00" if self.level >= 2 else ""


@cache
def regions() -> dict[str, Region]:
    with _DATA.open(encoding="utf-8") as handle:
        return {
            row["code"]: Region(row["code"], row["name"], int(row["level"]), row["parent"])
            for row in csv.DictReader(handle)
        }


def region_get(code: str | None) -> Region | None:
    if not code:
        return None
    return regions().get(code)


def region_is_valid(code: str) -> bool:
    return code in regions()


def region_full_name(code: str | None) -> str:
    """ "广东省 深圳市 南山区"; filler levels like 市辖区 are left out."""
    region = region_get(code)
    if region is None:
        return ""
    names = []
    node: Region | None = region
    while node is not None:
        if node.name not in _FILLER_NAMES:
            names.append(node.name)
        node = region_get(node.parent)
    return " ".join(reversed(names))


def region_children(parent: str = "") -> list[Region]:
    return sorted((r for r in regions().values() if r.parent == parent), key=lambda r: r.code)


def region_ancestors(code: str) -> list[str]:
    """The code and every enclosing code, county first: used to match alerts by region."""
    out = []
    node = region_get(code)
    while node is not None:
        out.append(node.code)
        node = region_get(node.parent)
    return out


def region_choices(level: int | None = None) -> list[tuple[str, str]]:
    return [
        (r.code, region_full_name(r.code))
        for r in sorted(regions().values(), key=lambda r: r.code)
        if level is None or r.level == level
    ]
