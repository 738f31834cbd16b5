"""Known values for every calculator method (FACTS.md §2.2 and hand-checked cases)."""

from __future__ import annotations

import io
import json
import math
import sys
from datetime import date

import pytest
from django.core.management import call_command

from wanlixing.antifraud.loan import LoanInputError, loan_rate, periodic_irr
from wanlixing.antifraud.selectors import civil_cap_on


def rates(data):
    r = loan_rate(data)
    return round(r.apr_nominal * 100, 2), round(r.apr_effective * 100, 2)


def test_pboc_worked_example_reproduces_12_80_and_13_58():
    data = {
        "method": "payments",
        "principal": 100000,
        "upfront_fee": 1000,
        "payment": 8833.3,
        "periods": 12,
    }
    assert rates(data) == (12.80, 13.58)
    result = loan_rate(data)
    assert result.periodic_rate == pytest.approx(0.010670, abs=5e-6)
    # Without the fee the same payments cost 10.90% (FACTS §2.1).
    assert rates({**data, "upfront_fee": 0})[0] == 10.90


@pytest.mark.parametrize(
    ("fee", "n", "apr", "ear"),
    [
        (0.006, 12, 13.03, 13.84),
        (0.006, 3, 10.77, 11.32),
        (0.006, 6, 12.24, 12.95),
        (0.006, 24, 13.27, 14.10),
        (0.005, 12, 10.90, 11.46),
        (0.0075, 12, 16.22, 17.48),
    ],
)
def test_flat_fee_instalments_match_fact_sheet_table(fee, n, apr, ear):
    assert rates(
        {"method": "flat_fee", "principal": 10000, "fee_rate_per_period": fee, "periods": n}
    ) == (apr, ear)


def test_equal_installment_without_fees_returns_the_contract_rate():
    result = loan_rate(
        {"method": "equal_installment", "principal": 100000, "annual_rate": 0.12, "periods": 12}
    )
    assert result.apr_nominal == pytest.approx(0.12, abs=1e-9)
    assert result.apr_effective == pytest.approx(1.01**12 - 1, abs=1e-9)
    assert result.schedule[0].payment == pytest.approx(8884.88, abs=0.01)
    assert result.schedule[-1].balance == 0


def test_equal_principal_interest_falls_with_the_balance():
    result = loan_rate(
        {"method": "equal_principal", "principal": 120000, "annual_rate": 0.12, "periods": 12}
    )
    assert result.apr_nominal == pytest.approx(0.12, abs=1e-9)
    assert result.total_cost == pytest.approx(7800.0, abs=1e-6)  # 1% × (12+11+…+1)/12 × 120000
    assert [round(r.interest) for r in result.schedule[:3]] == [1200, 1100, 1000]


def test_interest_only_with_deducted_interest_costs_far_more_than_quoted():
    plain = loan_rate(
        {"method": "interest_only", "principal": 10000, "annual_rate": 0.12, "periods": 12}
    )
    assert plain.apr_nominal == pytest.approx(0.12, abs=1e-9)
    cut = loan_rate(
        {
            "method": "interest_only",
            "principal": 10000,
            "annual_rate": 0.12,
            "periods": 12,
            "upfront_interest": 1200,
        }
    )
    assert cut.net_proceeds == 8800
    # The solved rate really zeroes the cash flows: 8800 = Σ 100/(1+r)^k + 10000/(1+r)^12.
    r = cut.periodic_rate
    npv = sum(100 / (1 + r) ** k for k in range(1, 13)) + 10000 / (1 + r) ** 12
    assert npv == pytest.approx(8800, abs=1e-6)
    assert round(cut.apr_nominal * 100, 2) == 25.74
    assert any("第670条" in note for note in cut.notes)


def test_recurring_fee_on_principal_equals_flat_fee_method():
    data = {
        "method": "equal_principal",
        "principal": 10000,
        "annual_rate": 0,
        "periods": 12,
        "recurring_fee_rate": 0.006,
    }
    assert rates(data) == (13.03, 13.84)
    fixed = {
        "method": "equal_installment",
        "principal": 10000,
        "annual_rate": 0.0,
        "periods": 12,
        "recurring_fee": 60,
    }
    assert rates(fixed) == (13.03, 13.84)


def test_xirr_on_dated_cash_flows_matches_hand_checked_cases():
    one_year = {
        "method": "cashflows",
        "flows": [
            {"date": "2025-01-01", "amount": 10000},
            {"date": "2026-01-01", "amount": -11000},
        ],
    }
    assert loan_rate(one_year).apr_effective == pytest.approx(0.10, abs=1e-9)
    two_years = {
        "method": "cashflows",
        "flows": [
            {"date": "2025-01-01", "amount": 10000},
            {"date": "2027-01-01", "amount": -12100},
        ],
    }
    assert loan_rate(two_years).apr_effective == pytest.approx(0.10, abs=1e-9)
    daily = loan_rate(one_year).apr_nominal
    assert (1 + daily / 365) ** 365 - 1 == pytest.approx(0.10, abs=1e-9)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"method": "flat_fee", "principal": -1, "fee_rate_per_period": 0.006, "periods": 12},
            "principal",
        ),
        (
            {"method": "flat_fee", "principal": 1000, "fee_rate_per_period": 0.006, "periods": 0},
            "periods",
        ),
        (
            {"method": "flat_fee", "principal": 1000, "fee_rate_per_period": 0.006, "periods": 2.5},
            "periods",
        ),
        ({"method": "payments", "principal": 1000, "payment": "abc", "periods": 12}, "payment"),
        (
            {"method": "payments", "principal": 1000, "payment": float("nan"), "periods": 12},
            "payment",
        ),
        ({"method": "payments", "principal": 1000, "payment": 1e400, "periods": 12}, "payment"),
        ({"method": "nope"}, "method"),
        (
            {
                "method": "payments",
                "principal": 1000,
                "upfront_fee": 1000,
                "payment": 100,
                "periods": 12,
            },
            "upfront_fee",
        ),
    ],
)
def test_nonsense_input_gets_a_message_not_nan(data, field):
    with pytest.raises(LoanInputError) as info:
        loan_rate(data)
    assert info.value.field == field
    assert info.value.message


def test_payments_that_never_repay_are_refused():
    with pytest.raises(LoanInputError, match="还不清"):
        loan_rate({"method": "payments", "principal": 100000, "payment": 100, "periods": 12})
    with pytest.raises(LoanInputError, match="还不清"):
        periodic_irr(1000, [10, 10])


def test_extreme_but_valid_input_stays_finite():
    # 1000 = 900/1.5 + 900/1.5²: 50% a month, 600% a year nominal.
    result = loan_rate({"method": "payments", "principal": 1000, "payment": 900, "periods": 2})
    assert result.periodic_rate == pytest.approx(0.5, abs=1e-12)
    assert math.isfinite(result.apr_effective)
    assert result.apr_effective == pytest.approx(1.5**12 - 1)


@pytest.mark.parametrize(
    ("day", "cap"),
    [
        ("2019-08-19", None),
        ("2019-08-20", "17.00"),
        ("2024-10-20", "13.40"),
        ("2024-10-21", "12.40"),
        ("2025-05-19", "12.40"),
        ("2025-05-20", "12.00"),
        ("2026-02-24", "12.00"),
    ],
)
def test_civil_cap_is_four_times_lpr_on_the_contract_date(starter, day, cap):
    value = civil_cap_on(date.fromisoformat(day))
    assert (None if value is None else f"{value:.2f}") == cap


def run_loanrate(monkeypatch, capsys, payload: str):
    monkeypatch.setattr(sys, "stdin", io.StringIO(payload))
    code = 0
    try:
        call_command("loanrate", json=True)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(capsys.readouterr().out)


def test_loanrate_cli_contract(starter, monkeypatch, capsys):
    code, out = run_loanrate(
        monkeypatch,
        capsys,
        json.dumps(
            {
                "method": "payments",
                "principal": 100000,
                "upfront_fee": 1000,
                "payment": 8833.3,
                "periods": 12,
            }
        ),
    )
    assert code == 0
    assert round(out["apr_nominal"], 4) == 0.128
    assert round(out["apr_effective"], 4) == 0.1358
    code, out = run_loanrate(
        monkeypatch,
        capsys,
        json.dumps(
            {"method": "flat_fee", "principal": 10000, "fee_rate_per_period": 0.006, "periods": 12}
        ),
    )
    assert round(out["apr_nominal"], 4) == 0.1303
    assert round(out["apr_effective"], 4) == 0.1384
    assert out["cap"]["explanation"]


def test_loanrate_cli_bad_input_prints_error_json(starter, monkeypatch, capsys):
    code, out = run_loanrate(monkeypatch, capsys, "{not json")
    assert code == 2
    assert out["error"]["code"] == "bad_json"
    code, out = run_loanrate(monkeypatch, capsys, '{"method": "flat_fee", "principal": 0}')
    assert code == 2
    assert out["error"]["field"] == "principal"


def test_loan_page_and_api(client, starter):
    page = client.get(
        "/antifraud/loan-rate/",
        {
            "method": "flat_fee",
            "principal": "10000",
            "periods": "12",
            "fee_rate_per_period": "0.6",
            "contract_date": "2025-06-01",
        },
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "13.03%" in body
    assert "13.84%" in body
    assert "<svg" in body
    assert "36%" in body
    assert "两线三区" in body
    bad = client.get(
        "/antifraud/loan-rate/",
        {"method": "payments", "principal": "100000", "periods": "12", "payment": "1"},
    )
    assert bad.status_code == 200
    assert "还不清" in bad.content.decode()
    api = client.post(
        "/api/v1/antifraud/loan-rate",
        {
            "method": "flat_fee",
            "principal": 10000,
            "fee_rate_per_period": 0.0075,
            "periods": 12,
            "contract_date": "2025-06-01",
        },
        content_type="application/json",
    )
    assert api.status_code == 200
    assert api.json()["cap"]["exceeds_civil_cap"] is True  # 16.22% > 12.0%
    err = client.post(
        "/api/v1/antifraud/loan-rate",
        {"method": "flat_fee", "principal": 10000, "periods": -3},
        content_type="application/json",
    )
    assert err.status_code == 400
    assert err.json()["error"]["message"]
