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
