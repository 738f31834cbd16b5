from __future__ import annotations

import pytest

from wanlixing.advisor.retrieval.normalise import (
    Normaliser,
    basic_form,
    pinyin_syllables,
    read_synonym_file,
)


@pytest.fixture(scope="module")
def norm() -> Normaliser:
    return Normaliser(read_synonym_file())


def test_full_width_and_traditional_are_folded():
    assert basic_form("ＡＴＭ機，徵信！") == "atm机 征信"


def test_colloquialisms_become_canonical(norm):
    assert norm("卡丢了咋整") == "卡丢了怎么办"
    assert norm("啥时候还款") == "什么时候还款"


def test_longest_variant_wins(norm):
    # 咋回事儿 (→怎么回事) must not be read as 咋 (→怎么) + 回事儿.
    assert norm("卡被冻结咋回事儿") == "卡被冻结怎么回事"


def test_typo_fixed_but_word_containing_it_left_alone(norm):
    assert norm("我的证信花了") == "我的征信花了"
    assert norm("收到一条验证信息") == "收到一条验证信息"


def test_latin_shorthand_and_case(norm):
    assert norm("XYK逾欺了") == "信用卡逾期了"
    assert norm("发我yzm") == "发我验证码"


def test_pinyin_keeps_latin_runs():
    assert pinyin_syllables("征信abc12") == ["zheng", "xin", "abc", "12"]


def test_empty_text_stays_empty(norm):
    assert norm("") == ""
    assert norm("？？！！") == ""
