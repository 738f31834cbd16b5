"""Normalised text with a map back to the original characters.

Red-flag patterns are written against normalised text: NFKC, lower case, whitespace
removed. Evidence must be shown on what the person pasted, so every normalised
character remembers the index of the original character it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Zero-width and format characters scammers use to break up keywords.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


@lru_cache(maxsize=1)
def _traditional_to_simplified() -> dict[str, str]:
    """Character-level 繁→简 table (OpenCC t2s), one character to one, so spans map back."""
    import opencc

    chars = "".join(chr(code) for code in range(0x3400, 0x9FFF + 1))
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {a: b for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1}


@dataclass(frozen=True, slots=True)
class NormalizedText:
    original: str
    text: str
    origin: tuple[int, ...]  # origin[i] = index in ``original`` of text[i]

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to the covering span of ``original``."""
        if not self.text or end <= start:
            return (0, 0)
        start = max(0, min(start, len(self.text) - 1))
        end = max(start + 1, min(end, len(self.text)))
        return (self.origin[start], self.origin[end - 1] + 1)


_FOLDED: dict[str, str] = {}


def _fold(char: str) -> str:
    """One character as it appears in normalised text ("" for whitespace)."""
    folded = _FOLDED.get(char)
    if folded is None:
        simplified = _traditional_to_simplified().get(char, char)
        folded = "".join(
            piece
            for piece in unicodedata.normalize("NFKC", simplified).lower()
            if not piece.isspace() and piece not in _INVISIBLE
        )
        if char in _INVISIBLE or char.isspace():
            folded = ""
        if len(_FOLDED) < 200_000:
            _FOLDED[char] = folded
    return folded


def normalize(original: str) -> NormalizedText:
    """NFKC, 繁→简, lower case, whitespace and invisible characters removed, with origins."""
    out: list[str] = []
    origin: list[int] = []
    fold = _FOLDED.get
    for index, char in enumerate(original):
        folded = fold(char)
        if folded is None:
            folded = _fold(char)
        if len(folded) == 1:
            out.append(folded)
            origin.append(index)
        elif folded:
            out.extend(folded)
            origin.extend([index] * len(folded))
    return NormalizedText(original, "".join(out), tuple(origin))


_URL = re.compile(
    r"(?:https?://|www\.)[a-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
    r"|[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:com|cn|net|org|top|xyz|vip|cc|me|io|co|info|shop|club"
    r"|site|online|app|ly|im|gl|tk|ml|ga|link)(?:/[a-z0-9\-._~:/?#@!$&'()*+,;=%]*)?",
)
_DIGITS = re.compile(r"\d+")
_LATIN = re.compile(r"[a-z]{2,}")
# Punctuation and symbols carry the writer's style rather than the message's meaning.
_STYLE = re.compile(r"[^\w\u4e00-\u9fff]+")


def model_text(normalized: str) -> str:
    """The text the statistical model sees: links, digits and punctuation abstracted.

    Links become one marker, every number one digit, so the model learns that a
    message *has* a link or a number, not which one; punctuation and emoji are dropped,
    since they mostly tell who wrote the training corpus.
    """
    text = _URL.sub("网址", normalized)
    text = _DIGITS.sub("0", text)
    text = _STYLE.sub("", text).replace("_", "")
    return text
