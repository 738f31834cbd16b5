"""Nickname checks for players who join without an account.

A nickname is shown on a big screen in a hall or a livestream, so it must not carry
abuse, contact details (phone numbers, QQ/WeChat ids used for spam) or control
characters. The word list is deliberately short and matched after folding (width,
case, spaces and punctuation removed), which catches the usual ways around it.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from wanlixing.lib.phone import phone_looks_like

MAX_LENGTH = 12

# Abuse and spam words, folded (lower case, no spaces). Kept small on purpose: a host
# can still kick anyone who slips through.
BLOCKED_WORDS = (
    "傻逼",
    "煞笔",
    "沙比",
    "傻b",
    "sb",
    "操你",
    "草你",
    "cnm",
    "nmsl",
    "尼玛",
    "你妈",
    "他妈",
    "tmd",
    "妈的",
    "去死",
    "滚蛋",
    "贱人",
    "婊子",
    "畜生",
    "狗日",
    "杂种",
    "王八蛋",
    "fuck",
    "shit",
    "bitch",
    "色情",
    "约炮",
    "赌博",
    "博彩",
    "代开发票",
    "贷款",
    "套现",
    "加微信",
    "加v",
    "加qq",
    "vx",
    "wx号",
)

_DIGIT_RUN = re.compile(r"\d{7,}")
_FOLD_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


class NicknameError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def nickname_fold(nickname: str) -> str:
    """The comparable form: NFKC, lower case, without spaces or punctuation."""
    return _FOLD_DROP.sub("", unicodedata.normalize("NFKC", nickname).lower())


def nickname_clean(raw: object) -> str:
    """A nickname fit to show, or NicknameError with a Chinese message."""
    if not isinstance(raw, str):
        raise NicknameError("bad_nickname", _("请输入昵称。"))
    text = unicodedata.normalize("NFKC", raw).strip()
    text = " ".join(text.split())
    if not text:
        raise NicknameError("bad_nickname", _("请输入昵称。"))
    if len(text) > MAX_LENGTH:
        raise NicknameError("bad_nickname", _("昵称最多 12 个字。"))
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in text):
        raise NicknameError("bad_nickname", _("昵称里有不能显示的字符。"))
    folded = nickname_fold(text)
    if not folded:
        raise NicknameError("bad_nickname", _("昵称至少要有一个字或字母。"))
    digits = re.sub(r"\D", "", text)
    if _DIGIT_RUN.search(folded) or phone_looks_like(digits if len(digits) >= 11 else text):
        raise NicknameError("nickname_contact", _("昵称里不能有电话号码或其他联系方式。"))
    if any(word in folded for word in BLOCKED_WORDS):
        raise NicknameError("nickname_blocked", _("这个昵称不合适，请换一个。"))
    return text
