"""The true annual rate of a loan (贷款真实年化利率), by the IRR method.

PBoC announcement 〔2021〕 No. 3: the annual rate is all loan costs (interest and every
fee tied to the loan) over the principal actually in use, annualised; compound means
IRR, and a simple annualisation must be labelled 单利. So for a loan repaid in periods:
solve the per-period internal rate r of the borrower's cash flows (net money received
at the start, every repayment and fee after), then

    apr_nominal  = r × periods per year     (单利 label, as lenders quote)
    apr_effective = (1 + r)^(periods per year) − 1    (compound, IRR)

Dated cash flows (XIRR) solve the annual effective rate on a 365-day basis directly,
and the nominal figure is the equivalent daily rate × 365.

Methods and their fields (amounts in 元, rates as fractions):

- ``equal_installment`` 等额本息: principal, annual_rate, periods
- ``equal_principal`` 等额本金: principal, annual_rate, periods
- ``interest_only`` 先息后本: principal, annual_rate, periods
- ``flat_fee`` 分期手续费: principal, fee_rate_per_period (charged every period on the
  original principal), periods
- ``payments`` known payment: principal, payment, periods
- ``cashflows`` XIRR: flows = [{"date": "YYYY-MM-DD", "amount": ±元}] from the borrower's
  side: money received positive, repayments negative

Every periodic method also takes: ``upfront_fee`` (元 deducted or paid at the start: 服务费,
手续费), ``upfront_interest`` (砍头息: interest taken out of the principal in advance),
``upfront_fee_rate`` (fraction of principal), ``recurring_fee`` (元 every period),
``recurring_fee_rate`` (fraction of the original principal every period),
``periods_per_year`` (12 unless said otherwise) and ``contract_date`` (for the 4×LPR line).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

METHODS = (
    "equal_installment",
    "equal_principal",
    "interest_only",
    "flat_fee",
    "payments",
    "cashflows",
)
METHOD_NAMES = {
    "equal_installment": "等额本息",
    "equal_principal": "等额本金",
    "interest_only": "先息后本",
    "flat_fee": "分期手续费",
    "payments": "已知每期还款额",
    "cashflows": "不规则现金流（按日期）",
}
MAX_PERIODS = 600
MAX_AMOUNT = 1e12
MAX_FLOWS = 1000


class LoanInputError(ValueError):
    """Input that does not describe a loan; ``message`` is shown to people (Chinese)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    period: int
    payment: float  # everything paid this period
    principal: float
    interest: float
    fee: float
    balance: float
    day: date | None = None


@dataclass(slots=True)
class LoanResult:
    method: str
    principal: float
    net_proceeds: float
    periodic_rate: float | None
    periods_per_year: int | None
    apr_nominal: float
    apr_effective: float
    total_paid: float
    total_cost: float
    upfront_costs: float
    schedule: list[ScheduleRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "method_name": METHOD_NAMES[self.method],
            "principal": round(self.principal, 2),
            "net_proceeds": round(self.net_proceeds, 2),
            "periodic_rate": None if self.periodic_rate is None else round(self.periodic_rate, 8),
            "periods_per_year": self.periods_per_year,
            "apr_nominal": round(self.apr_nominal, 6),
            "apr_effective": round(self.apr_effective, 6),
            "total_paid": round(self.total_paid, 2),
            "total_cost": round(self.total_cost, 2),
            "upfront_costs": round(self.upfront_costs, 2),
            "schedule": [
                {
                    "period": row.period,
                    "date": row.day.isoformat() if row.day else None,
                    "payment": round(row.payment, 2),
                    "principal": round(row.principal, 2),
                    "interest": round(row.interest, 2),
                    "fee": round(row.fee, 2),
                    "balance": round(row.balance, 2),
                }
                for row in self.schedule
            ],
            "notes": self.notes,
        }


def _number(
    data: Mapping[str, Any],
    key: str,
    label: str,
    *,
    required: bool = True,
    default: float = 0.0,
    minimum: float | None = 0.0,
    maximum: float | None = None,
    positive: bool = False,
) -> float:
    raw = data.get(key)
    if raw is None or raw == "":
        if required:
            raise LoanInputError(f"请填写{label}。", key)
        return default
    if isinstance(raw, bool):
        raise LoanInputError(f"{label}必须是数字。", key)
    try:
        value = float(str(raw).replace(",", "").strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError) as exc:
        raise LoanInputError(f"{label}必须是数字。", key) from exc
    if not math.isfinite(value):
        raise LoanInputError(f"{label}必须是有限的数字。", key)
    if positive and value <= 0:
        raise LoanInputError(f"{label}必须大于 0。", key)
    if minimum is not None and value < minimum:
        raise LoanInputError(f"{label}不能小于 {minimum:g}。", key)
    if maximum is not None and value > maximum:
        raise LoanInputError(f"{label}不能超过 {maximum:g}。", key)
    return value


def _periods(data: Mapping[str, Any]) -> int:
    value = _number(data, "periods", "期数", positive=True, maximum=MAX_PERIODS)
    if value != int(value):
        raise LoanInputError("期数必须是整数。", "periods")
    return int(value)


def _periods_per_year(data: Mapping[str, Any]) -> int:
    value = _number(data, "periods_per_year", "每年期数", required=False, default=12, positive=True)
    if value not in (1, 2, 4, 12, 24, 26, 52, 365):
        raise LoanInputError("每年期数只能是 1、2、4、12、24、26、52 或 365。", "periods_per_year")
    return int(value)


def _solve(f: Callable[[float], float], *, lower: float = -0.99) -> float:
    """Root of an increasing NPV-type function; bracket grows until the sign changes."""
    upper = 0.1
    f_lower = f(lower)
    while f(upper) < 0:
        upper *= 4
        if upper > 1e6:
            raise LoanInputError("利率高得无法计算，请检查输入的金额和期数。")
    if f_lower > 0:
        raise LoanInputError("这些还款金额算不出利率，请检查输入。")
    # Imported here: scipy.optimize takes half a second to import, and every web worker
    # (a restarted one included) would pay it at start-up for a calculator few call.
    from scipy.optimize import brentq

    return float(brentq(f, lower, upper, xtol=1e-15, rtol=1e-13, maxiter=500))


def periodic_irr(net_proceeds: float, outflows: list[float]) -> float:
    """Per-period IRR r with net_proceeds = Σ outflows[t-1] / (1+r)^t."""
    if net_proceeds <= 0:
        raise LoanInputError("扣除费用后到手金额必须大于 0。")
    total = sum(outflows)
    if total <= net_proceeds:
        raise LoanInputError(
            "还款总额不超过到手金额：这些还款还不清这笔借款（或利率为负），请检查每期还款额和期数。"
        )

    def npv(r: float) -> float:
        # Positive when r is too high: the repayments are worth less than the proceeds.
        acc = 0.0
        factor = 1.0
        for amount in outflows:
            factor /= 1.0 + r
            acc += amount * factor
        return net_proceeds - acc

    return _solve(npv)


def _upfront(data: Mapping[str, Any], principal: float) -> tuple[float, float, list[str]]:
    fee = _number(data, "upfront_fee", "前期费用", required=False)
    interest = _number(data, "upfront_interest", "预扣利息（砍头息）", required=False)
    fee_rate = _number(data, "upfront_fee_rate", "前期费率", required=False, maximum=1)
    total = fee + interest + fee_rate * principal
    notes = []
    if interest > 0:
        notes.append(
            "借款的利息不得预先在本金中扣除（《民法典》第670条）；预扣了利息的，"
            "应按实际借到的金额计算本金和利息。"
        )
    if total >= principal:
        raise LoanInputError("前期扣除的费用不能等于或超过借款本金。", "upfront_fee")
    return total, interest, notes


def _recurring(data: Mapping[str, Any], principal: float) -> float:
    fee = _number(data, "recurring_fee", "每期费用", required=False)
    rate = _number(data, "recurring_fee_rate", "每期费率", required=False, maximum=1)
    return fee + rate * principal


def loan_rate(data: Mapping[str, Any]) -> LoanResult:
    """Compute the true annual rate of the loan described by ``data`` (see module doc)."""
    if not isinstance(data, Mapping):
        raise LoanInputError("请用 JSON 对象描述这笔贷款。")
    method = str(data.get("method") or "")
    if method not in METHODS:
        raise LoanInputError(f"还款方式必须是以下之一：{'、'.join(METHODS)}。", "method")
    if method == "cashflows":
        return _cashflows(data)

    principal = _number(data, "principal", "借款本金", positive=True, maximum=MAX_AMOUNT)
    n = _periods(data)
    per_year = _periods_per_year(data)
    upfront, _interest, notes = _upfront(data, principal)
    recurring = _recurring(data, principal)
    rows: list[ScheduleRow] = []

    if method in ("equal_installment", "equal_principal", "interest_only"):
        annual = _number(data, "annual_rate", "合同年利率", maximum=10)
        r = annual / per_year
        balance = principal
        if method == "equal_installment":
            payment = principal / n if r == 0 else principal * r / (1 - (1 + r) ** -n)
        for k in range(1, n + 1):
            interest = balance * r
            if method == "equal_installment":
                part = payment - interest if k < n else balance
            elif method == "equal_principal":
                part = principal / n if k < n else balance
            else:
                part = balance if k == n else 0.0
            balance = max(0.0, balance - part)
            rows.append(
                ScheduleRow(k, part + interest + recurring, part, interest, recurring, balance)
            )
    elif method == "flat_fee":
        fee_rate = _number(data, "fee_rate_per_period", "每期手续费率", maximum=1)
        fee = principal * fee_rate + recurring
        balance = principal
        for k in range(1, n + 1):
            part = principal / n if k < n else balance
            balance = max(0.0, balance - part)
            rows.append(ScheduleRow(k, part + fee, part, 0.0, fee, balance))
    else:  # payments
        payment = _number(data, "payment", "每期还款额", positive=True, maximum=MAX_AMOUNT)
        rows = [
            ScheduleRow(k, payment + recurring, 0.0, 0.0, recurring, 0.0) for k in range(1, n + 1)
        ]

    net = principal - upfront
    outflows = [row.payment for row in rows]
    r_irr = periodic_irr(net, outflows)
    if method == "payments":
        rows = _split_by_rate(net, outflows, r_irr, recurring)
    total_paid = sum(outflows)
    return LoanResult(
        method=method,
        principal=principal,
        net_proceeds=net,
        periodic_rate=r_irr,
        periods_per_year=per_year,
        apr_nominal=r_irr * per_year,
        apr_effective=(1 + r_irr) ** per_year - 1,
        total_paid=total_paid,
        total_cost=total_paid - net,
        upfront_costs=upfront,
        schedule=rows,
        notes=notes,
    )


def _split_by_rate(net: float, outflows: list[float], r: float, fee: float) -> list[ScheduleRow]:
    """Schedule of a known-payment loan: interest at the true rate on the money in use."""
    rows = []
    balance = net
    for k, amount in enumerate(outflows, 1):
        interest = balance * r
        part = amount - fee - interest
        balance = max(0.0, balance - part) if k < len(outflows) else 0.0
        rows.append(ScheduleRow(k, amount, part, interest, fee, balance))
    return rows


def _cashflows(data: Mapping[str, Any]) -> LoanResult:
    flows_raw = data.get("flows")
    if not isinstance(flows_raw, list) or len(flows_raw) < 2:
        raise LoanInputError("请至少提供两笔带日期的现金流（借到的钱和还款）。", "flows")
    if len(flows_raw) > MAX_FLOWS:
        raise LoanInputError(f"现金流最多 {MAX_FLOWS} 笔。", "flows")
    flows: list[tuple[date, float]] = []
    for i, item in enumerate(flows_raw, 1):
        if not isinstance(item, Mapping):
            raise LoanInputError(f"第 {i} 笔现金流格式不对，需要日期和金额。", "flows")
        try:
            day = date.fromisoformat(str(item.get("date")))
        except ValueError as exc:
            raise LoanInputError(
                f"第 {i} 笔现金流的日期无效（格式：2025-01-31）。", "flows"
            ) from exc
        amount = _number(item, "amount", f"第 {i} 笔金额", minimum=None, maximum=MAX_AMOUNT)
        if abs(amount) > MAX_AMOUNT:
            raise LoanInputError(f"第 {i} 笔金额过大。", "flows")
        flows.append((day, amount))
    flows.sort(key=lambda f: f[0])
    received = sum(a for _d, a in flows if a > 0)
    paid = -sum(a for _d, a in flows if a < 0)
    if received <= 0 or paid <= 0:
        raise LoanInputError("现金流里要有借到的钱（正数）和还款（负数）。", "flows")
    if paid <= received:
        raise LoanInputError(
            "还款总额不超过借到的钱：这些还款还不清这笔借款（或利率为负）。", "flows"
        )
    start = flows[0][0]
    if flows[-1][0] == start:
        raise LoanInputError("现金流的日期不能全在同一天。", "flows")
    years = [(d - start).days / 365.0 for d, _a in flows]

    amounts = [a for _d, a in flows]

    def npv(rate: float) -> float:
        # Money first, repayments later: increasing in the rate.
        return sum(a / (1 + rate) ** t for a, t in zip(amounts, years, strict=True))

    effective = _solve(npv, lower=-0.99)
    daily = (1 + effective) ** (1 / 365) - 1
    return LoanResult(
        method="cashflows",
        principal=received,
        net_proceeds=received,
        periodic_rate=None,
        periods_per_year=None,
        apr_nominal=daily * 365,
        apr_effective=effective,
        total_paid=paid,
        total_cost=paid - received,
        upfront_costs=0.0,
        schedule=[
            ScheduleRow(k, -a if a < 0 else 0.0, 0.0, 0.0, 0.0, 0.0, d)
            for k, (d, a) in enumerate(flows, 1)
        ],
        notes=["按实际日期计算（XIRR，一年按365天）；名义年化 = 日利率 × 365。"],
    )
