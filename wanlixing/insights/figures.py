"""From aggregates to the figures people read: reach, knowledge gain, follow-up, cost.

One reducer for the dashboard, the report and the exports. People counts of 1–4
are suppressed ("<5") everywhere they leave this module, and statistics over fewer
than 5 people are not shown.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from wanlixing.accounts.regions import region_full_name
from wanlixing.outreach.models import Audience, EventKind

from .aggregates import Aggregates, Cell, Filters
from .statistics import (
    SUPPRESSED,
    expand,
    is_small,
    mean_ci_from_sums,
    paired_test,
    suppress,
    unpaired_test,
    wilson_interval,
)

ALPHA = 0.05


def _r(value: float | None, digits: int = 2) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits)


def _sum(cells: Iterable[Cell], name: str) -> int:
    return sum(getattr(c, name) for c in cells)


def _reach(cells: list[Cell], agg: Aggregates, route_people: int, views: int) -> dict[str, Any]:
    onsite = _sum(cells, "attended_onsite")
    online = _sum(cells, "attended_online")
    registered = _sum(cells, "registered")
    walk_ins = _sum(cells, "walk_ins")
    booked = registered - walk_ins
    return {
        "person_times": onsite + online + route_people,
        "onsite_person_times": onsite,
        "online_person_times": online,
        "mobile_service_person_times": route_people,
        "unique_people": suppress(agg.unique_people),
        "unique_onsite": suppress(agg.unique_onsite),
        "unique_online": suppress(agg.unique_online),
        "online_views": views,
        "registered": registered,
        "walk_ins": walk_ins,
        "attendance_rate": _r((onsite + online - walk_ins) / booked, 4) if booked > 0 else None,
    }


def _events(agg: Aggregates, cells: list[Cell], filters: Filters) -> dict[str, Any]:
    labels = dict(EventKind.choices)
    by_kind: dict[str, int] = defaultdict(int)
    if filters.audience:
        for cell in cells:
            by_kind[cell.kind] += cell.events_reached
        total = sum(by_kind.values())
        online = 0
    else:
        for row in agg.event_rows:
            by_kind[row.kind] += row.events
        total = sum(r.events for r in agg.event_rows)
        online = sum(r.online_events for r in agg.event_rows)
    return {
        "total": total,
        "online": online,
        "onsite": total - online,
        "by_kind": [
            {"kind": kind, "label": str(labels.get(kind, kind)), "events": by_kind[kind]}
            for kind in labels
            if by_kind.get(kind)
        ],
        "materials_handed_out": sum(r.materials for r in agg.event_rows),
        "mobile_service_visits": sum(r.route_visits for r in agg.event_rows),
    }


def _group_gain(cells: list[Cell]) -> dict[str, Any]:
    n = _sum(cells, "kg_paired")
    if is_small(n):
        return {"n_paired": suppress(n), "mean_diff": None, "ci95": [None, None]}
    total = _sum(cells, "kg_diff_sum")
    ci = mean_ci_from_sums(n, total, _sum(cells, "kg_diff_sumsq"))
    return {
        "n_paired": n,
        "mean_pre": _r(_sum(cells, "kg_paired_pre_sum") / n),
        "mean_post": _r(_sum(cells, "kg_paired_post_sum") / n),
        "mean_diff": _r(total / n),
        "ci95": [_r(ci[0]), _r(ci[1])] if ci else [None, None],
    }


def _knowledge(agg: Aggregates, cells: list[Cell]) -> dict[str, Any]:
    n_paired = _sum(cells, "kg_paired")
    pre_all = expand(agg.hist_pre)
    post_all = expand(agg.hist_post)
    out: dict[str, Any] = {
        "method": "none",
        "n_paired": suppress(n_paired),
        "n_pre": suppress(int(pre_all.size)),
        "n_post": suppress(int(post_all.size)),
        "mean_pre": None,
        "mean_post": None,
        "mean_diff": None,
        "ci95": [None, None],
        "effect_size_d": None,
        "t_statistic": None,
        "p_value": None,
        "wilcoxon_p_value": None,
        "significant": None,
        "unpaired": None,
    }
    if not is_small(n_paired):
        paired = paired_test(
            expand(agg.hist_diff),
            mean_pre=_sum(cells, "kg_paired_pre_sum") / n_paired,
            mean_post=_sum(cells, "kg_paired_post_sum") / n_paired,
        )
        out.update(
            method="paired",
            mean_pre=_r(paired.mean_pre),
            mean_post=_r(paired.mean_post),
            mean_diff=_r(paired.mean_diff),
            sd_diff=_r(paired.sd_diff),
            ci95=[_r(paired.ci95[0]), _r(paired.ci95[1])],
            effect_size_d=_r(paired.effect_size_d, 3),
            t_statistic=_r(paired.t_statistic, 3),
            p_value=paired.p_value,
            wilcoxon_statistic=paired.wilcoxon_statistic,
            wilcoxon_p_value=paired.wilcoxon_p_value,
            significant=paired.p_value is not None and paired.p_value < ALPHA,
        )
    if not is_small(int(pre_all.size)) and not is_small(int(post_all.size)):
        unpaired = unpaired_test(pre_all, post_all)
        out["unpaired"] = {
            "n_pre": unpaired.n_pre,
            "n_post": unpaired.n_post,
            "mean_pre": _r(unpaired.mean_pre),
            "mean_post": _r(unpaired.mean_post),
            "mean_diff": _r(unpaired.mean_diff),
            "ci95": [_r(unpaired.ci95[0]), _r(unpaired.ci95[1])],
            "effect_size_g": _r(unpaired.effect_size_g, 3),
            "t_statistic": _r(unpaired.t_statistic, 3),
            "p_value": unpaired.p_value,
        }
        if out["method"] == "none":
            out.update(
                method="unpaired",
                mean_pre=out["unpaired"]["mean_pre"],
                mean_post=out["unpaired"]["mean_post"],
                mean_diff=out["unpaired"]["mean_diff"],
                ci95=out["unpaired"]["ci95"],
                p_value=unpaired.p_value,
                significant=unpaired.p_value is not None and unpaired.p_value < ALPHA,
            )
    by_audience = defaultdict(list)
    for cell in cells:
        by_audience[cell.audience].append(cell)
    labels = dict(Audience.choices)
    out["by_audience"] = [
        {"audience": code, "label": str(labels[code]), **_group_gain(by_audience[code])}
        for code in labels
        if by_audience.get(code) and _sum(by_audience[code], "kg_paired")
    ]
    return out


def _rate(metric: str, label: str, group: str, n: int, positives: int) -> dict[str, Any]:
    if is_small(n):
        return {"metric": metric, "label": label, "group": group, "n": suppress(int(n)),
                "rate": None, "ci95": [None, None]}  # fmt: skip
    ci = wilson_interval(int(positives), int(n))
    return {
        "metric": metric,
        "label": label,
        "group": group,
        "n": int(n),
        "rate": _r(positives / n, 4),
        "ci95": [_r(ci[0], 4), _r(ci[1], 4)] if ci else [None, None],
    }


def _satisfaction_and_followup(agg: Aggregates) -> tuple[dict[str, Any], dict[str, Any]]:
    from wanlixing.surveys.models import METRICS

    merged = agg.measures
    satisfaction: dict[str, Any] = {"n": 0, "mean": None, "satisfied_rate": None,
                                    "ci95": [None, None], "items": []}  # fmt: skip
    followup: dict[str, Any] = {"behaviour": [], "risk": []}
    for code, metric in METRICS.items():
        if code not in merged:
            continue
        n, total, high = merged[code]
        n = int(n)
        if metric.scale:
            item: dict[str, Any] = {
                "metric": code,
                "label": metric.label,
                "n": suppress(n),
                "mean": None,
                "satisfied_rate": None,
                "ci95": [None, None],
            }
            if not is_small(n):
                ci = wilson_interval(int(high), n)
                item.update(
                    mean=_r(total / n),
                    satisfied_rate=_r(high / n, 4),
                    ci95=[_r(ci[0], 4), _r(ci[1], 4)] if ci else [None, None],
                )
            satisfaction["items"].append(item)
            if code == "satisfaction":
                satisfaction.update({k: item[k] for k in ("n", "mean", "satisfied_rate", "ci95")})
        elif metric.group == "satisfaction":
            satisfaction["items"].append(_rate(code, metric.label, metric.group, n, int(total)))
        else:
            followup[metric.group].append(_rate(code, metric.label, metric.group, n, int(total)))
    return satisfaction, followup


def _regions(cells: list[Cell], agg: Aggregates, filters: Filters) -> list[dict[str, Any]]:
    depth = 4 if len(filters.region) >= 2 else 2

    def region_of(city: str) -> str:
        if not city:
            return ""
        return city[:depth] + "0" * (6 - depth)

    groups: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        groups[region_of(cell.city_code)].append(cell)
    events: dict[str, int] = defaultdict(int)
    route_people: dict[str, int] = defaultdict(int)
    if filters.audience:
        for cell in cells:
            events[region_of(cell.city_code)] += cell.events_reached
    for row in agg.event_rows:
        if not filters.audience:
            events[region_of(row.city_code)] += row.events
        route_people[region_of(row.city_code)] += row.route_people
    out = []
    for code in sorted(set(groups) | set(events) | set(route_people)):
        chosen = groups.get(code, [])
        person_times = (
            _sum(chosen, "attended_onsite")
            + _sum(chosen, "attended_online")
            + route_people.get(code, 0)
        )
        gain = _group_gain(chosen)
        out.append(
            {
                "code": code,
                "name": region_full_name(code) or (code if code else "未注明地区"),
                "events": events.get(code, 0),
                "person_times": suppress(person_times),
                "n_paired": gain["n_paired"],
                "mean_diff": gain["mean_diff"],
            }
        )
    return out


def _audiences(cells: list[Cell]) -> list[dict[str, Any]]:
    labels = dict(Audience.choices)
    groups: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        groups[cell.audience].append(cell)
    total = sum(_sum(c, "attended_onsite") + _sum(c, "attended_online") for c in groups.values())
    out = []
    for code in [*labels, ""]:
        chosen = groups.get(code)
        if not chosen:
            continue
        n = _sum(chosen, "attended_onsite") + _sum(chosen, "attended_online")
        if n == 0:
            continue
        out.append(
            {
                "audience": code,
                "label": str(labels.get(code, "未填写")),
                "person_times": suppress(n),
                "share": None if is_small(n) or not total else _r(n / total, 4),
            }
        )
    return out


def _months(cells: list[Cell]) -> list[dict[str, Any]]:
    groups: dict[str, int] = defaultdict(int)
    for cell in cells:
        if cell.month:
            groups[cell.month.isoformat()[:7]] += cell.attended_onsite + cell.attended_online
    return [{"month": m, "person_times": suppress(groups[m])} for m in sorted(groups)]


def _cost(agg: Aggregates, cells: list[Cell], filters: Filters, gain: dict, reach: dict) -> dict:
    if filters.audience:
        total = sum(c.cost_share for c in cells)
    else:
        total = sum(r.cost for r in agg.event_rows)
    people = agg.unique_people
    per_person = total / people if people and not is_small(people) else None
    per_point = None
    if per_person is not None and gain.get("method") == "paired" and (gain["mean_diff"] or 0) > 0:
        per_point = per_person / gain["mean_diff"]
    times = reach["person_times"]
    return {
        "total": _r(total),
        "per_participant": _r(per_person),
        "per_person_time": _r(total / times) if times and not is_small(times) else None,
        "per_knowledge_point": _r(per_point),
    }


def figures_compute(agg: Aggregates, filters: Filters) -> dict[str, Any]:
    """Every figure of a selection, suppression applied; JSON-serialisable."""
    cells = agg.cells
    route_people = sum(r.route_people for r in agg.event_rows)
    views = sum(r.online_views for r in agg.event_rows)
    reach = _reach(cells, agg, route_people, views)
    knowledge = _knowledge(agg, cells)
    satisfaction, followup = _satisfaction_and_followup(agg)
    return {
        "events": _events(agg, cells, filters),
        "reach": reach,
        "audiences": _audiences(cells),
        "months": _months(cells),
        "regions": _regions(cells, agg, filters),
        "knowledge_gain": knowledge,
        "satisfaction": satisfaction,
        "followup": followup,
        "cost": _cost(agg, cells, filters, knowledge, reach),
        "suppression": {"threshold": 5, "label": SUPPRESSED},
    }
