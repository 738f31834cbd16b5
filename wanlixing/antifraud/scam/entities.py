"""Entities in a message (links, phone numbers, account numbers, amounts) and their flags.

Patterns run on the normalised text (see ``normalize``); spans are reported on the
original text. Flags here describe the entity itself: a short link hides where it
goes, a domain that spells a bank's name but is not the bank's, a number from a
virtual carrier (170/171/165/167/162) that fraud rings favour, a card number with a
personal name beside it, an unusually large amount.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from .normalize import NormalizedText


@dataclass(frozen=True, slots=True)
class EntityFlag:
    code: str
    name: Any  # lazy translation
    explanation: Any
    weight: float  # 0–1, like a red flag's weight


@dataclass(slots=True)
class Entity:
    kind: str  # link, phone, account, amount
    value: str
    span: tuple[int, int]
    flags: list[EntityFlag] = field(default_factory=list)


ENTITY_FLAGS: dict[str, EntityFlag] = {
    flag.code: flag
    for flag in [
        EntityFlag(
            "short-link",
            _("短链接"),
            _("短链接看不出最终会打开哪个网站，骗子常用它藏起假网站。"),
            0.45,
        ),
        EntityFlag(
            "lookalike-domain",
            _("仿冒机构的网址"),
            _("网址里带着银行或机构的名字，却不是它的官方网站，是典型的钓鱼网站。"),
            0.85,
        ),
        EntityFlag(
            "ip-or-odd-link",
            _("可疑网址"),
            _("用数字IP地址或少见后缀的网址，正规机构很少这样发链接。"),
            0.6,
        ),
        EntityFlag(
            "virtual-carrier-number",
            _("虚拟运营商号段"),
            _("170、171、165、167、162 等号段属于虚拟运营商，常被诈骗团伙使用。"),
            0.5,
        ),
        EntityFlag(
            "overseas-number",
            _("境外来电号码"),
            _("以 00 或 + 开头的境外号码，自称国内机构或熟人的，要格外小心。"),
            0.55,
        ),
        EntityFlag(
            "personal-account",
            _("个人账户收款"),
            _("正规机构和公检法都不会让你把钱转到个人账户或所谓“安全账户”。"),
            0.7,
        ),
        EntityFlag(
            "large-amount",
            _("金额较大"),
            _("涉及大额转账，请务必当面或通过官方电话核实后再操作。"),
            0.3,
        ),
    ]
}

SHORTENERS = {
    "t.cn",
    "dwz.cn",
    "url.cn",
    "suo.im",
    "bit.ly",
    "tinyurl.com",
    "is.gd",
    "goo.gl",
    "w.url.cn",
    "sohu.gg",
    "mrw.so",
    "u.nu",
    "t.co",
    "ow.ly",
    "tb.cn",
    "m.tb.cn",
    "c.tb.cn",
    "s.tb.cn",
    "sourl.cn",
    "3.cn",
    "dwz.date",
    "reurl.cc",
    "rb.gy",
    "cutt.ly",
}
# Institutions whose names phishing domains borrow, with their real registrable domains.
BRANDS: dict[str, tuple[str, ...]] = {
    "icbc": ("icbc.com.cn", "icbc.com"),
    "ccb": ("ccb.com", "ccb.cn"),
    "boc": ("boc.cn", "bankofchina.com"),
    "abchina": ("abchina.com", "abchina.com.cn"),
    "cmb": ("cmbchina.com", "cmbc.com.cn"),
    "bankcomm": ("bankcomm.com", "bankcomm.cn"),
    "psbc": ("psbc.com",),
    "spdb": ("spdb.com.cn",),
    "cib": ("cib.com.cn",),
    "citic": ("citicbank.com", "citic.com"),
    "pingan": ("pingan.com", "pingan.com.cn"),
    "alipay": ("alipay.com",),
    "taobao": ("taobao.com", "tb.cn"),
    "jd": ("jd.com", "3.cn"),
    "10086": ("10086.cn",),
    "10010": ("10010.cn", "10010.com"),
    "189": ("189.cn",),
    "chinamobile": ("10086.cn", "chinamobile.com"),
    "unionpay": ("unionpay.com", "95516.com"),
    "95516": ("95516.com",),
    "95588": ("icbc.com.cn",),
    "pbc": ("pbc.gov.cn",),
    "pbccrc": ("pbccrc.org.cn",),
    "gov": ("gov.cn",),
    "weixin": ("weixin.qq.com", "qq.com"),
    "wechat": ("wechat.com", "qq.com"),
    "sf-express": ("sf-express.com",),
    "ems": ("ems.com.cn", "11183.com.cn"),
    "cainiao": ("cainiao.com",),
    "12306": ("12306.cn",),
    "chsi": ("chsi.com.cn",),
    "12123": ("gab.122.gov.cn", "122.gov.cn"),
    "etc": ("etc.com.cn",),
}
ODD_TLDS = (
    ".top",
    ".xyz",
    ".vip",
    ".cc",
    ".tk",
    ".ml",
    ".ga",
    ".club",
    ".site",
    ".online",
    ".shop",
    ".link",
    ".icu",
    ".buzz",
    ".work",
    ".ltd",
)
VIRTUAL_PREFIXES = ("170", "171", "162", "165", "167")

_LINK = re.compile(
    r"(?:https?://|www\.)[a-z0-9\-._~:/?#@!$&'()*+,;=%]+"
    r"|(?<![a-z0-9@.\-])[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:com|cn|net|org|top|xyz|vip|cc|me|io"
    r"|co|info|shop|club|site|online|app|ly|im|gl|gd|tk|ml|ga|link|icu|buzz|work|ltd|gg|so|date)"
    r"(?![a-z0-9\-])(?:[/:][a-z0-9\-._~:/?#@!$&'()*+,;=%]*)?"
)
_PHONE = re.compile(
    r"(?<![\d.])(?:(?:\+|00)\d{1,3}[\-]?)?1[3-9]\d{9}(?!\d)"
    r"|(?<![\d.])0\d{2,3}-?\d{7,8}(?!\d)"
    r"|(?<![\d.])(?:\+|00)(?!86)\d{6,15}(?!\d)"
    r"|(?<![\d.])(?:400|800)-?\d{3}-?\d{4}(?!\d)"
)
_ACCOUNT = re.compile(r"(?<![\d.])(?:\d[\d\-x*]{14,21}\d)(?![\d])")
_AMOUNT = re.compile(
    r"(?:[¥￥]|人民币|rmb)?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(万元|万|千元|元|块钱|块)"
    r"|(?:[¥￥]|人民币|rmb)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
)
_PERSONAL_HINT = re.compile(
    r"户名|收款人|个人账户|个人卡|私人账户|安全账户|指定账户|对公账户不方便|转到这个卡|打到这张卡|这个卡号"
)
LARGE_AMOUNT = Decimal(50000)


def _host(link: str) -> str:
    host = re.sub(r"^(?:https?://)", "", link).split("/")[0].split("?")[0].split("#")[0]
    return host.split("@")[-1].split(":")[0].strip(".")


def _registrable_matches(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _link_flags(link: str) -> list[EntityFlag]:
    host = _host(link)
    flags: list[EntityFlag] = []
    if host in SHORTENERS:
        flags.append(ENTITY_FLAGS["short-link"])
        return flags
    if (
        re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", host)
        or host.startswith("xn--")
        or any(host.endswith(tld) for tld in ODD_TLDS)
    ):
        flags.append(ENTITY_FLAGS["ip-or-odd-link"])
    labels = re.split(r"[.\-]", host)
    for brand, domains in BRANDS.items():
        if any(_registrable_matches(host, d) for d in domains):
            return flags  # the institution's own domain
        if brand in labels or (len(brand) >= 5 and brand in host):
            flags.append(ENTITY_FLAGS["lookalike-domain"])
            break
    return flags


def _phone_flags(number: str) -> list[EntityFlag]:
    digits = re.sub(r"\D", "", number)
    if number.startswith(("+", "00")) and not digits.startswith(("86", "0086")):
        return [ENTITY_FLAGS["overseas-number"]]
    local = digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
    if len(local) == 11 and local.startswith(VIRTUAL_PREFIXES):
        return [ENTITY_FLAGS["virtual-carrier-number"]]
    return []


def _amount_value(number: str, unit: str) -> Decimal | None:
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None
    if unit.startswith("万"):
        value *= 10000
    elif unit.startswith("千"):
        value *= 1000
    return value


_FOLD_ONE: dict[str, str] = {}


def _fold_one(char: str) -> str:
    folded = _FOLD_ONE.get(char)
    if folded is None:
        folded = unicodedata.normalize("NFKC", char).lower()
        folded = folded if len(folded) == 1 else char
        if len(_FOLD_ONE) < 200_000:
            _FOLD_ONE[char] = folded
    return folded


def entities_find(norm: NormalizedText) -> list[Entity]:
    """Links, phone numbers, account numbers and amounts, each with its own flags."""
    text = norm.text
    found: list[Entity] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    # Links are found on the original text (folded one character to one), where spaces
    # still separate a link from the words around it.
    spaced = "".join(_fold_one(c) for c in norm.original) if "." in text else ""
    for match in _LINK.finditer(spaced):
        value = match.group(0).rstrip(".,;:!?)'")
        if "." not in value or (value.replace(".", "").isdigit() and value.count(".") < 3):
            continue
        span = (match.start(), match.start() + len(value))
        start = bisect_left(norm.origin, span[0])
        end = bisect_left(norm.origin, span[1])
        taken.append((start, end))
        found.append(Entity("link", value, span, _link_flags(value)))
    for match in _PHONE.finditer(text):
        start, end = match.span()
        if not free(start, end):
            continue
        taken.append((start, end))
        found.append(
            Entity(
                "phone",
                match.group(0),
                norm.span_to_original(start, end),
                _phone_flags(match.group(0)),
            )
        )
    for match in _ACCOUNT.finditer(text):
        start, end = match.span()
        digits = re.sub(r"[^\dx*]", "", match.group(0))
        if not free(start, end) or not 16 <= len(digits) <= 21:
            continue
        taken.append((start, end))
        window = text[max(0, start - 24) : end + 24]
        flags = [ENTITY_FLAGS["personal-account"]] if _PERSONAL_HINT.search(window) else []
        found.append(Entity("account", match.group(0), norm.span_to_original(start, end), flags))
    for match in _AMOUNT.finditer(text):
        start, end = match.span()
        if not free(start, end):
            continue
        number = match.group(1) or match.group(3)
        unit = match.group(2) or "元"
        amount = _amount_value(number, unit)
        if amount is None or amount <= 0:
            continue
        taken.append((start, end))
        flags = [ENTITY_FLAGS["large-amount"]] if amount >= LARGE_AMOUNT else []
        found.append(Entity("amount", match.group(0), norm.span_to_original(start, end), flags))
    found.sort(key=lambda e: e.span)
    return found
