from __future__ import annotations

import asyncio

from wanlixing.livequiz import live


def test_greeting_state_is_shared_for_half_a_second_then_read_again(monkeypatch):
    reads: list[str] = []
    clock = [100.0]

    async def fake_state(game_key: str) -> dict[str, str]:
        reads.append(game_key)
        return {"status": f"read {len(reads)}"}

    monkeypatch.setattr(live, "game_state", fake_state)
    monkeypatch.setattr(live.time, "monotonic", lambda: clock[0])
    live.reset_for_tests()

    async def greet(key: str) -> str:
        return (await live.game_state_for_greeting(key))["status"]

    assert asyncio.run(greet("g1")) == "read 1"
    clock[0] += 0.4
    assert asyncio.run(greet("g1")) == "read 1"  # a reconnect burst shares one read
    assert asyncio.run(greet("g2")) == "read 2"  # another game is read on its own
    clock[0] += 0.2
    assert asyncio.run(greet("g1")) == "read 3"  # older than 0.5 s: read afresh
    assert reads == ["g1", "g2", "g1"]
    live.reset_for_tests()


def test_a_game_is_forgotten_when_its_last_local_socket_goes(monkeypatch):
    live.reset_for_tests()
    live._questions["g1"] = [{"i": 0}]
    live._questions["g2"] = [{"i": 0}]
    live._ack_tails[("g1", 0)] = "tail"
    live._ack_tails[("g2", 0)] = "tail"
    live._greetings.put("g1", {"status": "open"})
    live.game_forget("g1")
    assert list(live._questions) == ["g2"]
    assert list(live._ack_tails) == [("g2", 0)]
    assert live._greetings.get("g1") is None
    live.reset_for_tests()


def test_remembered_values_expire_and_are_pruned(monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(live.time, "monotonic", lambda: clock[0])
    recent = live.Recent(1.0)
    for n in range(256):
        recent.put(f"k{n}", n)
    assert recent.get("k5") == 5
    clock[0] = 2.0
    assert recent.get("k5") is None
    recent.put("new", 1)  # the 257th entry: the expired ones go
    assert list(recent.items) == ["new"]
