"""The live store: a game's state in Redis, changed only by atomic Lua scripts.

Every worker process reads and writes the same keys, so any worker can serve any
player of any game. Without ``REDIS_URL`` the store is an in-process fakeredis server
(same scripts, same commands) for ``make run`` on a laptop and for the tests.

Keys of game ``K`` (prefix ``P`` = ``<CACHE_KEY_PREFIX>:lq``)::

    P:K        hash   status lobby|open|closed|paused|ended, qidx, nq, seconds, scoring,
                      approval, opened_ms, deadline_ms, remaining_ms, answered, players, seq
    P:K:q      hash   question index -> JSON (public part, "c" correct "0,2", explanation)
    P:K:p      hash   player number -> JSON {n nickname, t team, u user id, s a|p|k}
    P:K:tok    hash   sha256(device token) -> player number
    P:K:nick   hash   folded nickname -> player number
    P:K:sc     zset   player number -> score (active players only)
    P:K:cc     hash   player number -> correct answers
    P:K:tm     zset   team number -> total score;  P:K:tn hash team number -> members
    P:K:a:I    hash   player number -> "chosen|ok|points|ms|at_ms" for question I
    P:K:d:I    hash   option index -> count for question I
    P:K:pend   list   answers not yet in the database (flushed in order, then trimmed)
    P:K:newp   list   players not yet in the database
    P:K:wait   set    players waiting for the host's approval
    P:K:recent list   the last nicknames that joined (lobby display)
    P:pin:PIN  string -> K
    P:ch:K     pub/sub channel of the game
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import redis
import redis.asyncio as aredis
from django.conf import settings

# Answers a little after the countdown are still taken: the countdown is shown on the
# phone, and the frame needs time to travel.
GRACE_MS = 500

_TIME = """
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
"""

# KEYS: game, players, tokens, nicks, newp, throttle, scores, team_members, team_scores,
#       wait, recent
# ARGV: token hash, nickname, folded nickname, team, user id, throttle limit, max players
JOIN = (
    _TIME
    + """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'gone'} end
if status == 'ended' then return {'ended'} end
local limit = tonumber(ARGV[6])
if limit > 0 then
  local c = redis.call('INCR', KEYS[6])
  if c == 1 then redis.call('EXPIRE', KEYS[6], 60) end
  if c > limit then return {'throttled'} end
end
if redis.call('HEXISTS', KEYS[4], ARGV[3]) == 1 then return {'nickname_taken'} end
local count = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if count >= tonumber(ARGV[7]) then return {'full'} end
local pid = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local s = 'a'
if redis.call('HGET', KEYS[1], 'approval') == '1' then s = 'p' end
local rec = cjson.encode({n = ARGV[2], t = ARGV[4], u = ARGV[5], s = s, j = now_ms()})
redis.call('HSET', KEYS[2], pid, rec)
redis.call('HSET', KEYS[3], ARGV[1], pid)
redis.call('HSET', KEYS[4], ARGV[3], pid)
redis.call('RPUSH', KEYS[5], pid)
if s == 'a' then
  redis.call('ZADD', KEYS[7], 0, pid)
  redis.call('HINCRBY', KEYS[1], 'players', 1)
  if ARGV[4] ~= '' then
    redis.call('HINCRBY', KEYS[8], ARGV[4], 1)
    redis.call('ZINCRBY', KEYS[9], 0, ARGV[4])
  end
  redis.call('LPUSH', KEYS[11], ARGV[2])
  redis.call('LTRIM', KEYS[11], 0, 29)
else
  redis.call('SADD', KEYS[10], pid)
end
return {'ok', pid, s}
"""
)

# KEYS: game, players, scores, team_members, team_scores, wait, recent
# ARGV: player number, decision approve|reject|kick
PLAYER_STATUS = """
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw then return {'no_player'} end
local rec = cjson.decode(raw)
local d = ARGV[2]
if d == 'approve' then
  if rec.s ~= 'p' then return {'not_waiting'} end
  rec.s = 'a'
  redis.call('ZADD', KEYS[3], 0, ARGV[1])
  redis.call('HINCRBY', KEYS[1], 'players', 1)
  if rec.t ~= '' then
    redis.call('HINCRBY', KEYS[4], rec.t, 1)
    redis.call('ZINCRBY', KEYS[5], 0, rec.t)
  end
  redis.call('LPUSH', KEYS[7], rec.n)
  redis.call('LTRIM', KEYS[7], 0, 29)
else
  if rec.s == 'k' then return {'already'} end
  if rec.s == 'a' then
    redis.call('ZREM', KEYS[3], ARGV[1])
    redis.call('HINCRBY', KEYS[1], 'players', -1)
    if rec.t ~= '' then redis.call('HINCRBY', KEYS[4], rec.t, -1) end
  end
  rec.s = 'k'
end
redis.call('SREM', KEYS[6], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(rec))
return {'ok', rec.s}
"""

# KEYS: tokens, players, game, scores   ARGV: token hash
# A phone coming back: who it is, the game's state and its standing, in one round trip.
REJOIN = """
local number = redis.call('HGET', KEYS[1], ARGV[1])
if not number then return {'token_unknown'} end
local raw = redis.call('HGET', KEYS[2], number)
if not raw then return {'token_unknown'} end
if cjson.decode(raw).s == 'k' then return {'kicked'} end
local rank = redis.call('ZREVRANK', KEYS[4], number)
local score = redis.call('ZSCORE', KEYS[4], number)
return {'ok', number, raw, redis.call('HGETALL', KEYS[3]), rank or -1, score or '0'}
"""

# KEYS: game, questions, players, answers(I), distribution(I), scores, correct counts,
#       pending, team scores
# ARGV: question index I, then player number and chosen "0,2" for each answer of a batch
# Returns one entry per answer, in order: {'ok', correct 0|1, points, elapsed, score} or
# {error}. A worker sends the answers to one question that arrived within a few
# milliseconds as one batch: each is checked and stored exactly as if it came alone
# (same clock reading for the batch), and nobody gets an ack before the batch is stored.
ANSWER = (
    _TIME
    + """
local out = {}
local g = redis.call('HMGET', KEYS[1], 'status', 'qidx', 'deadline_ms', 'opened_ms',
                     'seconds', 'scoring')
local status = g[1]
local refuse = nil
if not status then refuse = 'gone'
elseif g[2] ~= ARGV[1] then refuse = 'wrong_question'
elseif status == 'paused' then refuse = 'paused'
elseif status ~= 'open' then refuse = 'closed' end
local now = now_ms()
if not refuse and now > tonumber(g[3]) then refuse = 'late' end
local n = (#ARGV - 1) / 2
if refuse then
  for i = 1, n do out[i] = {refuse} end
  return out
end
local q = cjson.decode(redis.call('HGET', KEYS[2], ARGV[1]))
local elapsed = now - tonumber(g[4])
if elapsed < 0 then elapsed = 0 end
local right = 1000
if g[6] == 'speed' then
  local frac = elapsed / (tonumber(g[5]) * 1000)
  if frac > 1 then frac = 1 end
  right = math.floor(1000 * (1 - frac / 2) + 0.5)
end
local stored = 0
for i = 1, n do
  local pid = ARGV[2 * i]
  local chosen = ARGV[2 * i + 1]
  local raw = redis.call('HGET', KEYS[3], pid)
  local rec = nil
  if raw then rec = cjson.decode(raw) end
  if not rec or rec.s ~= 'a' then
    out[i] = {'not_player'}
  else
    local ok = 0
    local points = 0
    if q.c == chosen then ok = 1; points = right end
    local value = chosen .. '|' .. ok .. '|' .. points .. '|' .. elapsed .. '|' .. now
    if redis.call('HSETNX', KEYS[4], pid, value) == 0 then
      out[i] = {'duplicate'}
    else
      stored = stored + 1
      for opt in string.gmatch(chosen, '%d+') do redis.call('HINCRBY', KEYS[5], opt, 1) end
      local score = 0
      if points > 0 then
        score = redis.call('ZINCRBY', KEYS[6], points, pid)
        if rec.t ~= '' then redis.call('ZINCRBY', KEYS[9], points, rec.t) end
      else
        score = redis.call('ZSCORE', KEYS[6], pid) or 0
      end
      if ok == 1 then redis.call('HINCRBY', KEYS[7], pid, 1) end
      redis.call('RPUSH', KEYS[8], pid .. '|' .. ARGV[1] .. '|' .. value)
      out[i] = {'ok', ok, points, elapsed, tostring(score)}
    end
  end
end
if stored > 0 then redis.call('HINCRBY', KEYS[1], 'answered', stored) end
return out
"""
)

# KEYS: game, distribution(next)   ARGV: action, question index (for open/close)
# Returns {'ok', ...} or {error}. One script so that every transition is atomic.
CONTROL = (
    _TIME
    + """
local g = redis.call('HMGET', KEYS[1], 'status', 'qidx', 'nq', 'seconds', 'deadline_ms',
                     'remaining_ms', 'opened_ms')
local status = g[1]
if not status then return {'gone'} end
local action = ARGV[1]
local now = now_ms()
if action == 'open' then
  local want = tonumber(ARGV[2])
  local cur = tonumber(g[2])
  if status ~= 'lobby' and status ~= 'closed' then return {'bad_state', status} end
  if want ~= cur + 1 or want >= tonumber(g[3]) then return {'bad_index'} end
  local deadline = now + tonumber(g[4]) * 1000 + tonumber(ARGV[3])
  redis.call('HSET', KEYS[1], 'status', 'open', 'qidx', want, 'opened_ms', now,
             'deadline_ms', deadline, 'answered', 0)
  return {'ok', tostring(deadline - now)}
elseif action == 'close' then
  if (status ~= 'open' and status ~= 'paused') or g[2] ~= ARGV[2] then
    return {'bad_state', status}
  end
  if ARGV[3] == 'due' and (status ~= 'open' or now < tonumber(g[5])) then return {'not_due'} end
  redis.call('HSET', KEYS[1], 'status', 'closed')
  return {'ok'}
elseif action == 'pause' then
  if status ~= 'open' then return {'bad_state', status} end
  local remaining = tonumber(g[5]) - now
  if remaining < 0 then remaining = 0 end
  redis.call('HSET', KEYS[1], 'status', 'paused', 'remaining_ms', remaining, 'paused_at', now)
  return {'ok', tostring(remaining)}
elseif action == 'resume' then
  if status ~= 'paused' then return {'bad_state', status} end
  local remaining = tonumber(g[6])
  local paused_at = tonumber(redis.call('HGET', KEYS[1], 'paused_at'))
  redis.call('HSET', KEYS[1], 'status', 'open', 'deadline_ms', now + remaining,
             'opened_ms', tonumber(g[7]) + (now - paused_at))
  return {'ok', tostring(remaining)}
elseif action == 'end' then
  if status == 'ended' then return {'bad_state', status} end
  redis.call('HSET', KEYS[1], 'status', 'ended')
  return {'ok', status}
end
return {'bad_action'}
"""
)

# Every key of a game gets the same expiry once the game ends.
EXPIRE_ALL = """
for i, k in ipairs(KEYS) do redis.call('EXPIRE', k, tonumber(ARGV[1])) end
return #KEYS
"""


def prefix() -> str:
    return f"{settings.LIVEQUIZ_KEY_PREFIX}:lq"


class Keys:
    """Names of one game's keys."""

    def __init__(self, game_key: str) -> None:
        base = f"{prefix()}:{game_key}"
        self.game_key = game_key
        self.game = base
        self.questions = f"{base}:q"
        self.players = f"{base}:p"
        self.tokens = f"{base}:tok"
        self.nicks = f"{base}:nick"
        self.scores = f"{base}:sc"
        self.correct = f"{base}:cc"
        self.team_scores = f"{base}:tm"
        self.team_members = f"{base}:tn"
        self.pending = f"{base}:pend"
        self.new_players = f"{base}:newp"
        self.wait = f"{base}:wait"
        self.recent = f"{base}:recent"
        self.lock = f"{base}:flush-lock"
        self.channel = f"{prefix()}:ch:{game_key}"

    def answers(self, index: int) -> str:
        return f"{self.game}:a:{index}"

    def distribution(self, index: int) -> str:
        return f"{self.game}:d:{index}"

    def all(self, question_count: int) -> list[str]:
        fixed = [
            self.game,
            self.questions,
            self.players,
            self.tokens,
            self.nicks,
            self.scores,
            self.correct,
            self.team_scores,
            self.team_members,
            self.pending,
            self.new_players,
            self.wait,
            self.recent,
        ]
        for i in range(question_count):
            fixed += [self.answers(i), self.distribution(i)]
        return fixed


def pin_key(pin: str) -> str:
    return f"{prefix()}:pin:{pin}"


def throttle_key(address: str, minute: int) -> str:
    return f"{prefix()}:thr:{address}:{minute}"


# --- Connections ----------------------------------------------------------------------

_lock = threading.Lock()
_sync_client: Any = None
_fake_server: Any = None
_async_clients: dict[int, Any] = {}


def _fake() -> Any:
    global _fake_server
    import fakeredis

    if _fake_server is None:
        _fake_server = fakeredis.FakeServer()
    return _fake_server


def uses_redis() -> bool:
    return bool(settings.REDIS_URL)


def client() -> Any:
    """A synchronous client (views, services, tasks)."""
    global _sync_client
    with _lock:
        if _sync_client is None:
            if uses_redis():
                _sync_client = redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)
            else:
                import fakeredis

                _sync_client = fakeredis.FakeRedis(server=_fake(), decode_responses=True)
        return _sync_client


def aclient() -> Any:
    """An asyncio client bound to the running event loop (consumers)."""
    loop = asyncio.get_running_loop()
    found = _async_clients.get(id(loop))
    if found is not None:
        return found
    if uses_redis():
        pool = aredis.BlockingConnectionPool.from_url(
            settings.REDIS_URL, decode_responses=True, max_connections=200, timeout=60
        )
        made: Any = aredis.Redis(connection_pool=pool)
    else:
        import fakeredis

        made = fakeredis.FakeAsyncRedis(server=_fake(), decode_responses=True)
    _async_clients[id(loop)] = made
    return made


def reset_for_tests() -> None:
    """Forget every client and (in-process mode) every key."""
    global _sync_client
    with _lock:
        _async_clients.clear()
        if not uses_redis() and _sync_client is not None:
            _sync_client.flushall()
        _sync_client = None


class Scripts:
    """The Lua scripts registered on one client."""

    def __init__(self, conn: Any) -> None:
        self.join = conn.register_script(JOIN)
        self.rejoin = conn.register_script(REJOIN)
        self.player_status = conn.register_script(PLAYER_STATUS)
        self.answer = conn.register_script(ANSWER)
        self.control = conn.register_script(CONTROL)
        self.expire_all = conn.register_script(EXPIRE_ALL)


_scripts: dict[int, Scripts] = {}


def scripts(conn: Any) -> Scripts:
    found = _scripts.get(id(conn))
    if found is None:
        found = _scripts[id(conn)] = Scripts(conn)
    return found
