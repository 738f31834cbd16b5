"""Role-play drills (防诈模拟演练): validation of scenario data and the play engine.

A drill is a graph of nodes. A node either speaks (``speaker``, ``messages``) and offers
``choices`` (each with ``text``, ``next``, ``catches``/``misses`` red-flag codes and
``points``), or ends the drill (``ending``: safe, partial or scammed). Validation
rejects a drill where some path never ends (a cycle), a choice leads nowhere, a node
cannot be reached, or a flag is used but not defined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .models import FRAUD_TYPE_NAMES

ENDINGS = ("safe", "partial", "scammed")
SPEAKERS = ("scammer", "system", "friend", "narrator", "self", "bank", "police", "family")


class DrillError(ValueError):
    """A drill that cannot be used; ``problems`` lists every reason, in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


def drill_parse(source: str) -> dict[str, Any]:
    """Parse YAML text and validate it; returns the drill data or raises DrillError."""
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise DrillError([f"YAML 格式错误：{exc}"]) from exc
    drill_validate(data)
    return data


def drill_validate(data: Any) -> None:
    problems: list[str] = []
    if not isinstance(data, dict):
        raise DrillError(["剧本必须是一个 YAML 映射（键: 值）。"])
    for key in ("slug", "title", "fraud_type", "intro", "start", "nodes", "red_flags"):
        if not data.get(key):
            problems.append(f"缺少必填项“{key}”。")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("version 必须是正整数。")
    if data.get("fraud_type") and data["fraud_type"] not in FRAUD_TYPE_NAMES:
        problems.append(f"未知的诈骗类型“{data['fraud_type']}”。")
    flags = data.get("red_flags") or {}
    nodes = data.get("nodes") or {}
    if not isinstance(flags, dict) or not isinstance(nodes, dict):
        problems.append("red_flags 和 nodes 都必须是映射。")
        raise DrillError(problems)
    for code, flag in flags.items():
        if not isinstance(flag, dict) or not flag.get("name") or not flag.get("explanation"):
            problems.append(f"红旗“{code}”需要 name 和 explanation。")
    start = data.get("start")
    if start and start not in nodes:
        problems.append(f"起点“{start}”不存在。")
    for node_id, node in nodes.items():
        if not isinstance(node, dict):
            problems.append(f"节点“{node_id}”格式不对。")
            continue
        messages = node.get("messages")
        if not isinstance(messages, list) or not messages:
            problems.append(f"节点“{node_id}”没有消息。")
        if "ending" in node:
            if node["ending"] not in ENDINGS:
                problems.append(f"结局节点“{node_id}”的 ending 必须是 safe、partial 或 scammed。")
            if node.get("choices"):
                problems.append(f"结局节点“{node_id}”不能再有选项。")
            continue
        choices = node.get("choices")
        if not isinstance(choices, list) or not choices:
            problems.append(f"节点“{node_id}”既不是结局也没有选项（死胡同）。")
            continue
        for i, choice in enumerate(choices, 1):
            where = f"节点“{node_id}”第 {i} 个选项"
            if not isinstance(choice, dict) or not choice.get("text"):
                problems.append(f"{where}缺少文字。")
                continue
            if choice.get("next") not in nodes:
                problems.append(f"{where}指向不存在的节点“{choice.get('next')}”。")
            points = choice.get("points", 0)
            if not isinstance(points, int) or isinstance(points, bool) or points < 0:
                problems.append(f"{where}的 points 必须是非负整数。")
            for key in ("catches", "misses"):
                for code in choice.get(key) or []:
                    if code not in flags:
                        problems.append(f"{where}用到了未定义的红旗“{code}”。")
    if problems:
        raise DrillError(problems)

    # Reachability and termination: depth-first search from the start.
    reached: set[str] = set()
    on_path: set[str] = set()
    cycle: list[str] = []

    def visit(node_id: str) -> None:
        if cycle:
            return
        if node_id in on_path:
            cycle.append(node_id)
            return
        if node_id in reached:
            return
        reached.add(node_id)
        on_path.add(node_id)
        for choice in nodes[node_id].get("choices") or []:
            visit(choice["next"])
        on_path.discard(node_id)

    visit(str(start))
    if cycle:
        problems.append(f"剧本在节点“{cycle[0]}”处形成循环，有的路径永远走不到结局。")
    unreachable = sorted(set(nodes) - reached)
    if unreachable:
        problems.append(f"这些节点从起点走不到：{'、'.join(unreachable)}。")
    if not any("ending" in nodes[n] for n in reached):
        problems.append("剧本没有结局节点。")
    if problems:
        raise DrillError(problems)


def drill_max_points(data: dict[str, Any]) -> int:
    """The best score a player can reach (longest-points path to an ending)."""
    nodes = data["nodes"]
    memo: dict[str, int] = {}

    def best(node_id: str) -> int:
        if node_id not in memo:
            choices = nodes[node_id].get("choices") or []
            memo[node_id] = max(
                (int(c.get("points", 0)) + best(c["next"]) for c in choices), default=0
            )
        return memo[node_id]

    return best(data["start"])


@dataclass
class DrillState:
    """One person's progress through a drill (kept in the server-side session)."""

    slug: str
    version: int
    node: str
    score: int = 0
    caught: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    transcript: list[dict[str, Any]] = field(default_factory=list)

    def as_session(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "version": self.version,
            "node": self.node,
            "score": self.score,
            "caught": self.caught,
            "missed": self.missed,
            "transcript": self.transcript,
        }

    @classmethod
    def from_session(cls, raw: Any) -> DrillState | None:
        if not isinstance(raw, dict):
            return None
        try:
            return cls(
                slug=str(raw["slug"]),
                version=int(raw["version"]),
                node=str(raw["node"]),
                score=int(raw.get("score", 0)),
                caught=list(raw.get("caught", [])),
                missed=list(raw.get("missed", [])),
                transcript=list(raw.get("transcript", [])),
            )
        except (KeyError, TypeError, ValueError):
            return None


def drill_begin(data: dict[str, Any]) -> DrillState:
    state = DrillState(slug=data["slug"], version=int(data["version"]), node=data["start"])
    _record_node(data, state)
    return state


def _record_node(data: dict[str, Any], state: DrillState) -> None:
    node = data["nodes"][state.node]
    speaker = "ending" if "ending" in node else node.get("speaker", "scammer")
    for message in node.get("messages") or []:
        state.transcript.append({"from": speaker, "text": str(message)})


def drill_choose(data: dict[str, Any], state: DrillState, choice_index: int) -> DrillState:
    """Apply a choice; raises DrillError if it is not one of the current node's choices."""
    node = data["nodes"].get(state.node)
    choices = (node or {}).get("choices") or []
    if not 0 <= choice_index < len(choices):
        raise DrillError(["这个选项不存在，请重新选择。"])
    choice = choices[choice_index]
    state.transcript.append({"from": "me", "text": str(choice["text"])})
    state.score += int(choice.get("points", 0))
    for code in choice.get("catches") or []:
        if code not in state.caught:
            state.caught.append(code)
    for code in choice.get("misses") or []:
        if code not in state.missed and code not in state.caught:
            state.missed.append(code)
    state.node = choice["next"]
    _record_node(data, state)
    return state


def drill_ending(data: dict[str, Any], state: DrillState) -> str | None:
    return data["nodes"].get(state.node, {}).get("ending")


def drill_debrief(data: dict[str, Any], state: DrillState) -> dict[str, Any]:
    """Flags caught, missed and not met on this path, with the score out of the best."""
    flags = data["red_flags"]

    def describe(codes: list[str]) -> list[dict[str, str]]:
        return [
            {"code": c, **{k: str(v) for k, v in flags[c].items()}} for c in codes if c in flags
        ]

    met = set(state.caught) | set(state.missed)
    return {
        "ending": drill_ending(data, state),
        "score": state.score,
        "max_score": drill_max_points(data),
        "caught": describe(state.caught),
        "missed": describe(state.missed),
        "not_met": describe([c for c in flags if c not in met]),
    }
