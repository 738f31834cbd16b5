"""Skip red-flag regexes that cannot match a text, without changing what matches.

A rule set has a few hundred positive patterns and several hundred negative ones; a
message matches a handful. From each pattern's parse tree we derive *needles*: strings
one of which every match must contain (for ``(把|告诉).{0,12}(验证码|动态码)`` that is
{验证码, 动态码}). Each needle is indexed by its first one or two characters; a text's
own characters and character pairs then select, in a few dictionary look-ups, the
patterns that could match it. Only those run. A pattern whose needles cannot be derived
(case-insensitive flags, only wildcards, back-references) always runs, so the screen
never hides a match: it only skips searches that would have found nothing.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from functools import reduce
from operator import add, or_
from typing import Any

# The standard library's regex parser (``re._parser``, formerly ``sre_parse``) and its
# opcodes; typeshed has no stubs for the private names, hence the dynamic import.
sre_parse: Any = importlib.import_module("re._parser")
sre: Any = importlib.import_module("re._constants")

# Largest set of strings tracked for one piece of a pattern; bigger ones stop growing.
LANGUAGE_CAP = 64

Strings = frozenset[str]
_EMPTY: Strings = frozenset({""})


def _best(candidates: Iterable[Strings | None]) -> Strings | None:
    """The most selective needle set: longest shortest needle, then fewest needles."""
    usable = [c for c in candidates if c and "" not in c]
    if not usable:
        return None
    return max(usable, key=lambda s: (min(map(len, s)), -len(s)))


def _node(op: Any, av: Any) -> tuple[Strings | None, Strings | None]:
    """(exact language if finite and small, needle set) of one parse-tree node."""
    if op is sre.LITERAL:
        one = frozenset({chr(av)})
        return one, one
    if op is sre.IN:
        chars: set[str] = set()
        for item_op, item_av in av:
            if item_op is sre.LITERAL:
                chars.add(chr(item_av))
            elif item_op is sre.RANGE and item_av[1] - item_av[0] < LANGUAGE_CAP:
                chars.update(map(chr, range(item_av[0], item_av[1] + 1)))
            else:  # NEGATE, CATEGORY (\d, \w) or a wide range
                return None, None
        if len(chars) > LANGUAGE_CAP:
            return None, None
        return frozenset(chars), frozenset(chars)
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & (re.IGNORECASE | re.LOCALE):
            return None, None
        return _sequence(sub)
    if op is sre.ATOMIC_GROUP:
        return _sequence(av)
    if op is sre.BRANCH:
        results = [_sequence(branch) for branch in av[1]]
        language: Strings | None = None
        if all(lang is not None for lang, _ in results):
            union = frozenset().union(*(lang for lang, _ in results if lang is not None))
            language = union if len(union) <= LANGUAGE_CAP else None
        needles: Strings | None = None
        if all(n is not None for _, n in results):
            needles = frozenset().union(*(n for _, n in results if n is not None))
        return language, needles
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, sub = av
        sub_language, sub_needles = _sequence(sub)
        if low == 0:
            if high == 1 and sub_language is not None and len(sub_language) < LANGUAGE_CAP:
                return sub_language | _EMPTY, None
            return None, None
        repeated: Strings | None = None
        if low == high and sub_language is not None:
            repeated = _EMPTY
            for _ in range(low):
                repeated = frozenset(a + b for a in repeated for b in sub_language)
                if len(repeated) > LANGUAGE_CAP:
                    repeated = None
                    break
        return repeated, sub_needles
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):  # zero-width: consumes nothing
        return _EMPTY, None
    return None, None  # ANY, CATEGORY, NOT_LITERAL, GROUPREF, ...


def _sequence(nodes: Iterable[tuple[Any, Any]]) -> tuple[Strings | None, Strings | None]:
    """(exact language, needle set) of a sequence: adjacent finite pieces are joined
    (cross product) into longer needles while the set stays small."""
    candidates: list[Strings | None] = []
    run = _EMPTY
    exact = True
    for op, av in nodes:
        language, needles = _node(op, av)
        candidates.append(needles)
        if language is not None:
            joined = frozenset(a + b for a in run for b in language)
            if len(joined) <= LANGUAGE_CAP:
                run = joined
                continue
            candidates.append(run)
            run = language
        else:
            candidates.append(run)
            run = _EMPTY
        exact = False
    candidates.append(run)
    return (run if exact else None), _best(candidates)


def pattern_needles(pattern: re.Pattern[str]) -> Strings | None:
    """Strings one of which every match of ``pattern`` contains; None when unknown."""
    if pattern.flags & (re.IGNORECASE | re.LOCALE):
        return None
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
        return _sequence(list(tree))[1]
    except Exception:  # an unfamiliar parse tree: no screen, the pattern always runs
        return None


class GramScreen:
    """Which of ``patterns`` could match a text, as a bit mask (bit i = patterns[i])."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.always = 0
        index: dict[str, int] = {}
        for bit, pattern in enumerate(patterns):
            needles = pattern_needles(pattern)
            if needles is None:
                self.always |= 1 << bit
                continue
            for needle in needles:
                key = needle[:2]
                index[key] = index.get(key, 0) | (1 << bit)
        self._get = index.get
        self._chars = any(len(key) == 1 for key in index)

    def mask(self, text: str) -> int:
        grams: set[str] = set(map(add, text, text[1:]))
        if self._chars:
            grams.update(text)
        return reduce(or_, filter(None, map(self._get, grams)), self.always)
