"""Mainland China mobile numbers: normalisation and masking."""

from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()（）.·]")


class InvalidPhone(ValueError):  # noqa: N818 (domain name reads better)
    """The text is not a mainland mobile number."""


def phone_normalize(raw: str) -> str:
    """Return the 11-digit form of a mainland mobile number or raise InvalidPhone.

    Accepts full-width digits, spaces and dashes, and a +86 / 0086 / 86 prefix.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    text = _SEPARATORS.sub("", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not _MOBILE.match(text):
        raise InvalidPhone(text)
    return text


def phone_looks_like(raw: str) -> bool:
    try:
        phone_normalize(raw)
    except InvalidPhone:
        return False
    return True


def phone_mask(phone: str | None) -> str:
    """138****1234 style mask for staff views; empty string for no number."""
    if not phone:
        return ""
    if len(phone) != 11:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"
