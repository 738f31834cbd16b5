"""Red flags, entities, the checker's verdicts, its CLI contract and its privacy."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command

from wanlixing.antifraud.models import ScamReport
from wanlixing.antifraud.scam.checker import (
    CheckInputError,
    scam_check,
    text_validate,
    weights_in_context,
)
from wanlixing.antifraud.scam.entities import entities_find
from wanlixing.antifraud.scam.normalize import normalize
from wanlixing.antifraud.scam.rules import RuleError, RuleSet, pattern_compile, rule_build


def flags_of(rules, text):
    return {h.code for h in rules.match(normalize(text).text)}


def test_normalisation_maps_spans_back_to_the_original_text():
    original = "請把 驗證碼\u200b 告訴我！ＡＢＣ"
    norm = normalize(original)
    assert norm.text == "请把验证码告诉我!abc"
    start = norm.text.index("验证码")
    s, e = norm.span_to_original(start, start + 3)
    assert original[s:e] == "驗證碼"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("您好，请把手机收到的验证码告诉我，我帮您办理退款", "ask-verification-code"),
        ("你涉嫌洗钱，必须把资金转到安全账户接受审查", "safe-account"),
        ("请下载腾讯会议，打开屏幕共享，我一步步指导您", "screen-share"),
        ("贷款已审批，放款前需要先交一笔保证金，解冻后马上到账", "pay-before-loan"),
        ("本项目保本保息，稳赚不赔，年化收益30%", "guaranteed-return"),
    ],
)
def test_red_flags_fire_on_scam_phrases(rules, text, flag):
    assert flag in flags_of(rules, text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        (
            "【建设银行】验证码482913，请勿将验证码告知他人，银行工作人员不会向您索取。",
            "ask-verification-code",
        ),
        ("公安机关没有安全账户，凡是让你转到安全账户的都是诈骗", "safe-account"),
        ("正规客服不会让您共享屏幕，接到这种要求请挂断", "screen-share"),
    ],
)
def test_negative_patterns_keep_warnings_and_notices_clean(rules, text, flag):
    assert flag not in flags_of(rules, text)


def test_rule_validation_rejects_bad_patterns():
    with pytest.raises(RuleError, match="不是有效的正则"):
        pattern_compile("(安全账户")
    with pytest.raises(RuleError, match="空白"):
        pattern_compile("安全 账户")
    with pytest.raises(RuleError, match="空文本"):
        pattern_compile("a*")
    with pytest.raises(RuleError, match="大写"):
        pattern_compile("QQ群")
    assert pattern_compile(r"\d{6}").search("123456")
    with pytest.raises(RuleError, match="权重"):
        rule_build({"code": "x-y", "weight": 2, "patterns": ["安全账户"]})


def test_rule_set_reports_one_span_per_overlapping_hit():
    rules = RuleSet([rule_build({"code": "demo", "weight": 0.5, "patterns": ["安全账户", "安全"]})])
    hits = rules.match("转到安全账户")
    assert [(h.code, h.span) for h in hits] == [("demo", (2, 6))]


def test_entities_and_their_flags():
    text = (
        "爸，转到这个卡上：6222 0212 3456 7890 123 户名张三，急用5万元。"
        "点 http://icbc-verify.top/login 或 t.cn/A6x，联系 17012345678，"
        "官网 www.icbc.com.cn，客服 95588。"
    )
    found = entities_find(normalize(text))
    by_value = {text[e.span[0] : e.span[1]]: {f.code for f in e.flags} for e in found}
    assert by_value["6222 0212 3456 7890 123"] == {"personal-account"}
    assert by_value["5万元"] == {"large-amount"}
    assert by_value["http://icbc-verify.top/login"] == {"lookalike-domain", "ip-or-odd-link"}
    assert by_value["t.cn/A6x"] == {"short-link"}
    assert by_value["17012345678"] == {"virtual-carrier-number"}
    assert by_value["www.icbc.com.cn"] == set()
    kinds = {e.kind for e in found}
    assert kinds == {"account", "amount", "link", "phone"}


@pytest.mark.parametrize(
    "text",
    [
        "您好，我是京东客服，您开通的百万保障即将扣费，请下载腾讯会议打开屏幕共享，把验证码告诉我",
        "我是市公安局的，你的身份证涉嫌一起洗钱案，马上把钱转到安全账户配合调查，不要告诉家人",
        "刷单兼职，日结200，先垫付做任务，完成后返佣金，连单必须继续充值才能提现",
    ],
)
def test_obvious_scams_are_high_risk_with_a_type(rules, model, text):
    result = scam_check(text, rules=rules, model=model)
    assert result.verdict == "fraud"
    assert result.risk >= 0.9
    assert result.fraud_type is not None


@pytest.mark.parametrize(
    "text",
    [
        "【工商银行】您尾号6617卡12月03日09:12工资收入人民币8,520.00元，余额9,304.77元。",
        "【支付宝】验证码 665201，用于登录验证，切勿告诉任何人，支付宝工作人员不会向你索取。",
        "【顺丰速运】您的快件已到达小区北门丰巢柜，取件码58213，请于24小时内取件。",
        "【12381】您好！您接到的电话，疑似为冒充客服退款类诈骗，请勿相信，谨防上当受骗！",
        "妈，我到学校了，生活费收到了，这个月不用再给我转了。",
        "【菜鸟驿站】您的包裹已到幸福里东门驿站，取件码 6-2-3018，请凭码取件。",
        "【美团】验证码 482913，用于登录，5分钟内有效，切勿告知他人。",
        "【某市医保】城乡居民医保集中缴费已开始，请通过税务APP缴纳，谨防冒充医保工作人员的诈骗。",
        "各位同事，团建费用每人200，公司出一半，剩下的100周五前交给行政小张。",
    ],
)
def test_real_bank_courier_and_warning_messages_stay_safe(rules, model, text):
    result = scam_check(text, rules=rules, model=model)
    assert result.verdict == "safe", (result.risk, result.flags)
    assert result.fraud_type is None


def test_an_opted_out_marketing_message_makes_links_and_soft_flags_weak():
    rules = {"urgency-pressure": 0.25}
    entities = {"short-link": 0.45, "large-amount": 0.3}
    damped_rules, damped_entities = weights_in_context("双十一领券t.cn/ab退订回t", rules, entities)
    assert damped_rules == {"urgency-pressure": pytest.approx(0.075)}
    assert damped_entities == {"short-link": pytest.approx(0.135), "large-amount": 0.3}
    # Without an opt-out line, or with a hard flag beside the link: full weight.
    assert weights_in_context("双十一领券t.cn/ab", rules, entities) == (rules, entities)
    hard = {"ask-verification-code": 0.9, "urgency-pressure": 0.25}
    assert weights_in_context("验证码发我t.cn/ab退订回t", hard, entities) == (hard, entities)


@pytest.mark.parametrize(
    "text",
    [
        "双十一狂欢，点击 t.cn/abc 领取优惠券，退订回T",
        "【某商城】周年庆全场满199减30，名额有限先到先得，戳 t.cn/Ab12 领券，拒收请回复R",
        "【中国移动】冬季流量加油包10元得5GB，办理入口 dwz.cn/k8Pq，退订回TD",
    ],
)
def test_marketing_with_a_short_link_and_an_opt_out_line_is_safe(rules, model, text):
    result = scam_check(text, rules=rules, model=model)
    assert "short-link" in result.flags
    assert result.verdict == "safe", (result.risk, result.flags)


@pytest.mark.parametrize(
    "text",
    [
        "【某商城】您的账户异常已冻结，点击 t.cn/Ab12 输入银行卡号和验证码解冻，退订回T",
        "您的包裹丢失，点击 t.cn/Ab12 领取理赔，回TD退订",
        "兼职刷单日结，点击 t.cn/Ab12 下载APP做任务，退订回T",
        "您涉嫌洗钱，请把存款转到安全账户 t.cn/Ab12 核查，退订回T",
    ],
)
def test_a_link_beside_a_hard_flag_stays_fraud_despite_an_opt_out_line(rules, model, text):
    result = scam_check(text, rules=rules, model=model)
    assert result.verdict == "fraud", (result.risk, result.flags)


def test_signal_spans_point_into_the_original_text(rules, model):
    text = "您好 ，请 把 验 证 码 告诉我"
    result = scam_check(text, rules=rules, model=model)
    signal = next(s for s in result.signals if s.flag == "ask-verification-code")
    assert "验 证 码" in text[signal.span[0] : signal.span[1]]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("a" * 5001, "too_long"),
        ("ab\x00cd", "binary"),
        (None, "invalid_text"),
        ("\x01\x02\x03\x04\x05\x06", "binary"),
    ],
)
def test_bad_input_is_refused_with_a_code(value, code):
    with pytest.raises(CheckInputError) as info:
        text_validate(value)
    assert info.value.code == code
    assert info.value.message


def test_emoji_only_and_mixed_script_input_get_an_answer(rules, model):
    emoji = scam_check("😀😀🎉", rules=rules, model=model)
    assert emoji.verdict == "safe"
    assert emoji.note
    mixed = scam_check(
        "Hello 您好, your パッケージ 已到，click t.cn/x1 to pay 关税", rules=rules, model=model
    )
    assert mixed.verdict in ("fraud", "suspicious", "safe")
    assert "short-link" in mixed.flags


def run_cli(monkeypatch, capsys, data: bytes):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    call_command("scamcheck", jsonl=True)
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_scamcheck_jsonl_contract(db, monkeypatch, capsys):
    scam = "请把验证码告诉我，然后打开屏幕共享"
    lines = [
        json.dumps({"id": "a", "text": scam}, ensure_ascii=False).encode(),
        json.dumps(
            {"id": 7, "text": "【工商银行】您尾号1234卡支出500.00元"}, ensure_ascii=False
        ).encode(),
        b"not json",
        b'{"id": "e", "text": ""}',
        b'{"id": "bin", "text": "\\u0000\\u0001"}',
        b"\xff\xfe\x00",
        b'{"text": "no id here"}',
    ]
    out = run_cli(monkeypatch, capsys, b"\n".join(lines) + b"\n")
    assert [o["id"] for o in out] == ["a", 7, 3, "e", "bin", 6, 7]
    first = out[0]
    assert set(first) == {"id", "verdict", "risk", "fraud_type", "signals"}
    assert first["verdict"] == "fraud"
    assert 0 <= first["risk"] <= 1
    for signal in first["signals"]:
        start, end = signal["span"]
        assert 0 <= start < end <= len(scam)
    code_span = next(s["span"] for s in first["signals"] if s["flag"] == "ask-verification-code")
    assert "验证码" in scam[code_span[0] : code_span[1]]
    assert out[1]["verdict"] == "safe"
    assert out[1]["fraud_type"] is None
    assert out[2]["error"]["code"] == "bad_json"
    assert out[3]["error"]["code"] == "empty"
    assert out[4]["error"]["code"] == "binary"
    assert out[5]["error"]["code"] == "bad_encoding"
    assert "verdict" in out[6]


def test_checking_stores_nothing(starter, client, monkeypatch, capsys):
    text = "你涉嫌洗钱，马上把钱转到安全账户"
    assert client.post("/antifraud/check/", {"text": text}).status_code == 200
    assert (
        client.post(
            "/api/v1/antifraud/check", {"text": text}, content_type="application/json"
        ).status_code
        == 200
    )
    run_cli(monkeypatch, capsys, json.dumps({"id": 1, "text": text}).encode())
    assert ScamReport.objects.count() == 0


def test_check_page_shows_verdict_evidence_and_advice(starter, client):
    text = (
        "我是京东客服，您的百万保障要扣费，下载腾讯会议开屏幕共享，把验证码告诉我，联系17012345678"
    )
    body = client.post("/antifraud/check/", {"text": text}).content.decode()
    assert "高风险" in body
    assert "冒充电商物流客服" in body
    assert "<mark" in body
    assert "屏幕共享" in body
    assert "虚拟运营商号段" in body
    assert "96110" in body
    assert "110" in body
    assert "三不一多" in body


def test_check_page_and_api_refuse_over_long_text(starter, client):
    page = client.post("/antifraud/check/", {"text": "骗" * 5001})
    assert page.status_code == 413
    assert "5000" in page.content.decode()
    api = client.post(
        "/api/v1/antifraud/check", {"text": "骗" * 5001}, content_type="application/json"
    )
    assert api.status_code == 413
    assert api.json()["error"]["code"] == "too_long"
    empty = client.post("/api/v1/antifraud/check", {"text": " "}, content_type="application/json")
    assert empty.status_code == 400
    assert empty.json()["error"]["code"] == "empty"


def test_api_check_returns_entities_and_articles_shape(starter, client):
    data = client.post(
        "/api/v1/antifraud/check",
        {"text": "点 t.cn/A6x 领取补贴，先交100元手续费"},
        content_type="application/json",
    ).json()
    assert {
        "verdict",
        "verdict_label",
        "risk",
        "fraud_type",
        "signals",
        "entities",
        "advice",
        "articles",
    } <= set(data)
    assert data["entities"][0]["flags"][0]["code"] == "short-link"
