"""Safety rules applied to every question and every worded answer.

- Input checks: empty, over-long, markup, prompt injection and abuse get a clear
  message and nothing else happens.
- Fraud red flags (转账, 验证码, 安全账户 …) add an immediate warning on top of
  whatever the advisor answers (FACTS.md §4.2, §8.2–8.3).
- Requests for personalised investment advice are declined with a standard
  explanation (suitability rules, FACTS.md §5); the advisor never names a product
  to buy or promises returns.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field

import nh3
from django.conf import settings
from django.utils.translation import gettext as _

from .retrieval.normalise import basic_form


@dataclass(frozen=True)
class RedFlag:
    code: str
    label: str
    pattern: re.Pattern[str]


# Each pattern runs on the folded text (width, case, script, punctuation removed)
# and on the synonym-normalised text, so 转帐/打钱/yzm are caught too.
RED_FLAGS: list[RedFlag] = [
    RedFlag(
        "transfer",
        "转账汇款",
        re.compile(r"转账|转帐|转钱|汇款|汇钱|打钱|打款|转过去|把钱转|付款给|先交钱|先交费|先付"),
    ),
    RedFlag("code", "验证码", re.compile(r"验证码|校验码|动态码|短信码|yzm")),
    RedFlag(
        "safe_account", "安全账户", re.compile(r"安全账户|安全帐户|安全账号|资金核查|清查资金")
    ),
    RedFlag(
        "screen_share", "屏幕共享", re.compile(r"屏幕共享|共享屏幕|屏幕分享|会议软件|远程控制")
    ),
    RedFlag(
        "upfront_fee",
        "放款前收费",
        re.compile(r"解冻费|保证金|工本费|刷流水|激活费|(放款|贷款|提现).{0,6}(交|缴|收).{0,4}费"),
    ),
    RedFlag("brushing", "刷单返利", re.compile(r"刷单|做任务.{0,6}(返|佣金)|点赞.{0,4}赚钱|垫付")),
    RedFlag(
        "authority",
        "冒充公检法",
        re.compile(r"(公安|警察|检察院|法院|公检法).{0,12}(转|汇|账户|涉嫌|洗钱|通缉)|涉嫌洗钱"),
    ),
    RedFlag(
        "credit_cancel",
        "注销账户/修复征信",
        re.compile(r"注销.{0,6}(校园贷|学生|账户|账号).{0,10}征信|征信修复|修复征信|洗白征信"),
    ),
    RedFlag(
        "card_secret", "卡号密码", re.compile(r"(银行卡|卡号).{0,6}密码|密码.{0,6}(告诉|发给|给了)")
    ),
]

# Personalised investment advice: which product to buy, what return to expect.
_ADVICE = re.compile(
    r"(推荐|介绍|建议|帮我选|帮我挑|给我选).{0,8}(股票|基金|理财|产品|保险|债券|币|黄金|p2p|项目)"
    r"|(买|投|选|入手|配置)(哪|什么|啥).{0,6}(股票|基金|理财|产品|保险|债券|币|项目)"
    r"|(哪|什么|啥).{0,4}(股票|基金|理财|理财产品|保险|币).{0,6}(好|赚|收益|涨|值得|靠谱|稳)"
    r"|(股票|基金|理财|币|黄金).{0,10}(该不该|能不能|可不可以|要不要|值不值得)(买|投|入手|卖|抛)"
    r"|(值得|可以|能)(买|投|入手)吗|稳赚|保本.{0,4}(高收益|高息)|收益(最高|最好)|(明天|下周|今年).{0,6}(涨|跌)"
    r"|(我|我家).{0,12}(万|钱|存款|积蓄|退休金|养老金).{0,10}(怎么投|怎么理财|买什么|投什么|怎么配置)"
)

_INJECTION = re.compile(
    r"忽略.{0,8}(指令|指示|规则|提示|设定|要求)|无视.{0,8}(指令|规则|设定)|(系统|system)\s*提示词"
    r"|system\s*prompt|ignore.{0,20}(instruction|prompt|rule)|jailbreak|越狱模式"
    r"|你现在(是|扮演)|从现在开始你|扮演.{0,10}(角色|助手)|developer\s*mode|开发者模式|prompt"
)

_ABUSE = re.compile(
    r"傻逼|傻b|煞笔|沙比|操你|草泥马|去死吧|滚蛋|智障|脑残|垃圾机器人|狗东西"
    r"|(?<![a-z])(sb|cnm|nmsl|fuck|shit)(?![a-z])"
)

_TAG = re.compile(r"<[^>]*>")


@dataclass
class Screening:
    """The outcome of screening one question."""

    text: str = ""  # the cleaned question (tags removed)
    refusal: str = ""  # non-empty: show this message and do nothing else
    refusal_code: str = ""
    red_flags: list[RedFlag] = field(default_factory=list)
    investment_advice: bool = False


def max_question_chars() -> int:
    return int(getattr(settings, "ADVISOR_MAX_QUESTION_CHARS", 300))


def clean(text: str) -> str:
    """Markup removed (tags and their script/style content), entities decoded, spaces folded."""
    stripped = nh3.clean(text or "", tags=set(), clean_content_tags={"script", "style"})
    stripped = html.unescape(_TAG.sub(" ", stripped))
    return " ".join(stripped.split())


def screen(raw: str, normalised: str = "") -> Screening:
    """Check a question before anything else sees it."""
    raw = raw or ""
    if len(raw) > max_question_chars() * 4:
        return Screening(
            refusal=_("问题太长了，请精简到 %(n)d 个字以内再问。") % {"n": max_question_chars()},
            refusal_code="too_long",
        )
    text = clean(raw)
    if not text:
        return Screening(refusal=_("请先输入您的问题。"), refusal_code="empty")
    if len(text) > max_question_chars():
        return Screening(
            text=text,
            refusal=_("问题太长了，请精简到 %(n)d 个字以内再问。") % {"n": max_question_chars()},
            refusal_code="too_long",
        )
    folded = basic_form(text).replace(" ", "")
    forms = (folded, (normalised or "").replace(" ", ""))
    if any(_INJECTION.search(f) for f in forms if f):
        return Screening(
            text=text,
            refusal=_(
                "我是金融知识顾问，只能回答金融知识方面的问题，不能更改我的工作规则。"
                "请直接说说您想了解的金融问题。"
            ),
            refusal_code="injection",
        )
    if any(_ABUSE.search(f) for f in forms if f):
        return Screening(
            text=text,
            refusal=_("请文明提问。我很乐意为您解答存款、贷款、防诈骗等金融知识问题。"),
            refusal_code="abuse",
        )
    if not re.search(r"[\u3400-\u9fffA-Za-z0-9]", text):
        return Screening(
            text=text, refusal=_("没看懂您的问题，请用文字描述一下。"), refusal_code="empty"
        )
    flags = [f for f in RED_FLAGS if any(f.pattern.search(x) for x in forms if x)]
    advice = any(_ADVICE.search(x) for x in forms if x)
    return Screening(text=text, red_flags=flags, investment_advice=advice)


def antifraud_signals(text: str) -> list[str]:
    """Names of the anti-fraud checker's red flags (staff-maintained) that the question
    raises, when the checker judges it suspicious; [] if the checker is absent or fails."""
    try:
        from wanlixing.antifraud.services import scam_check_text
    except ImportError:
        return []
    try:
        result = scam_check_text(text=text)
    except Exception:  # the advisor must answer even if the checker breaks
        logging.getLogger(__name__).warning("anti-fraud check failed", exc_info=True)
        return []
    if result.verdict == "safe":
        return []
    return [s.name for s in result.signals if getattr(s, "name", "")]


def fraud_warning(flags: list[RedFlag], extra: list[str] | None = None) -> dict:
    """The warning shown above the answer when a question carries fraud red flags."""
    labels = list(dict.fromkeys([f.label for f in flags] + list(extra or [])))
    return {
        "title": _("防诈骗提醒"),
        "flags": labels,
        "text": _(
            "您的问题涉及%(flags)s。请记住：公检法不会通过电话办案，也没有“安全账户”；"
            "任何人索要短信验证码、让您屏幕共享或转账汇款，都要先停下来核实。"
            "如果已经转账，请立即拨打 110 报警，并联系银行紧急止付；"
            "拿不准时可拨打 96110 反诈专线咨询。"
        )
        % {"flags": "、".join(f"“{label}”" for label in labels)},
    }


def investment_notice() -> str:
    return _(
        "我不能为您推荐具体的投资产品，也不能预测或承诺收益。"
        "投资前，正规金融机构应先评估您的风险承受能力，只向您销售与之相适应的产品（投资者适当性管理）。"
        "请通过持牌金融机构的正规渠道了解产品，看清风险等级，不要相信“稳赚不赔”“保本高收益”的说法。"
        "下面是一些可能对您有帮助的知识："
    )


# A worded answer (LLM) must never promise returns or push a product.
_PROMISE = re.compile(
    r"稳赚|保本保息|保证收益|保证.{0,4}(赚|回报|收益)|一定(能|会)?赚|零风险|无风险.{0,4}(收益|回报)"
    r"|(推荐|建议)(您|你)?(购买|买入|投资)|年化.{0,6}(保证|承诺)|包赚|只赚不赔"
)


def promises_returns(text: str) -> bool:
    return bool(_PROMISE.search(basic_form(text).replace(" ", "")))
