"""The statistics of the impact figures, on scipy.

Knowledge scores are whole numbers 0–100, so the paired differences of any
selection are kept exactly as a histogram (difference → count) and expanded into
an array for scipy: the tests give the same results as on the raw rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

SUPPRESS_BELOW = 5
SUPPRESSED = "<5"


def suppress(count: int) -> int | str:
    """People counts of 1–4 are shown as "<5" so that nobody can be singled out."""
    return SUPPRESSED if 0 < count < SUPPRESS_BELOW else count


def is_small(n: int) -> bool:
    return n < SUPPRESS_BELOW


def expand(histogram: Mapping[int, int]) -> np.ndarray:
    """The values of a histogram as an array (order does not matter to the tests)."""
    if not histogram:
        return np.zeros(0, dtype=np.int64)
    values = np.fromiter(histogram.keys(), dtype=np.int64)
    counts = np.fromiter(histogram.values(), dtype=np.int64)
    return np.repeat(values, counts)


def _finite(value: float | None, digits: int = 4) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


@dataclass
class PairedResult:
    n: int
    mean_pre: float | None
    mean_post: float | None
    mean_diff: float | None
    sd_diff: float | None
    ci95: list[float | None]
    effect_size_d: float | None
    t_statistic: float | None
    p_value: float | None
    wilcoxon_statistic: float | None
    wilcoxon_p_value: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def paired_test(diffs: np.ndarray, *, mean_pre: float, mean_post: float) -> PairedResult:
    """Paired analysis of post − pre differences.

    Mean difference with its 95% t confidence interval, paired t-test, Wilcoxon
    signed-rank test (zero differences dropped, normal approximation with tie
    correction for large samples, as scipy does) and Cohen's d for paired data
    (mean difference / standard deviation of the differences).
    """
    d = np.asarray(diffs, dtype=float)
    n = int(d.size)
    if n < 2:
        mean = float(d.mean()) if n else None
        return PairedResult(
            n, _finite(mean_pre), _finite(mean_post), _finite(mean), None, [None, None],
            None, None, None, None, None,
        )  # fmt: skip
    mean = float(d.mean())
    sd = float(d.std(ddof=1))
    if sd == 0:
        return PairedResult(
            n, _finite(mean_pre), _finite(mean_post), _finite(mean), 0.0, [mean, mean],
            None, None, None, None, None,
        )  # fmt: skip
    ttest = stats.ttest_1samp(d, 0.0)
    ci = ttest.confidence_interval(0.95)
    wilcoxon_stat: float | None = None
    wilcoxon_p: float | None = None
    if np.count_nonzero(d):
        wilcoxon_stat, wilcoxon_p = wilcoxon_signed_rank(d)
    return PairedResult(
        n=n,
        mean_pre=_finite(mean_pre),
        mean_post=_finite(mean_post),
        mean_diff=_finite(mean),
        sd_diff=_finite(sd),
        ci95=[_finite(float(ci.low)), _finite(float(ci.high))],
        effect_size_d=_finite(mean / sd),
        t_statistic=_finite(float(ttest.statistic)),
        p_value=_finite_p(float(ttest.pvalue)),
        wilcoxon_statistic=_finite(wilcoxon_stat),
        wilcoxon_p_value=_finite_p(wilcoxon_p),
    )


# scipy's wilcoxon runs a permutation test over all 2**n sign flips when a sample of at
# most 13 has ties or zeros; through its generic resampling machinery that costs ~0.3 s
# a call, and the dashboard refresh meets many small groups. The same exact test is
# enumerated here in one matrix product.
PERMUTATION_MAX_N = 13


def wilcoxon_signed_rank(d: np.ndarray) -> tuple[float, float]:
    """Wilcoxon signed-rank statistic and two-sided p-value, as ``scipy.stats.wilcoxon(d)``."""
    nonzero = d[d != 0]
    ranks = stats.rankdata(np.abs(nonzero))
    ties = ranks.size != np.unique(ranks).size
    if d.size > PERMUTATION_MAX_N or not (ties or nonzero.size < d.size):
        result = stats.wilcoxon(d)
        return float(result.statistic), float(result.pvalue)
    r_plus = float(ranks[nonzero > 0].sum())
    r_minus = float(ranks[nonzero < 0].sum())
    # Every sign pattern of the non-zero differences (zeros flip without effect).
    patterns = (np.arange(2**nonzero.size)[:, None] >> np.arange(nonzero.size)) & 1
    null = patterns @ ranks
    gamma = abs(np.finfo(float).eps * 100 * r_plus)
    less = np.count_nonzero(null <= r_plus + gamma) / null.size
    greater = np.count_nonzero(null >= r_plus - gamma) / null.size
    return min(r_plus, r_minus), float(min(1.0, 2 * min(less, greater)))


def _finite_p(p: float | None) -> float | None:
    """p-values keep their magnitude: tiny values are not rounded to zero."""
    if p is None or not math.isfinite(p):
        return None
    return float(f"{p:.4g}")


@dataclass
class UnpairedResult:
    n_pre: int
    n_post: int
    mean_pre: float | None
    mean_post: float | None
    mean_diff: float | None
    ci95: list[float | None]
    effect_size_g: float | None
    t_statistic: float | None
    p_value: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def unpaired_test(pre: np.ndarray, post: np.ndarray) -> UnpairedResult:
    """Welch's t-test of post vs pre scores from different people, with Hedges' g."""
    a = np.asarray(pre, dtype=float)
    b = np.asarray(post, dtype=float)
    n1, n2 = int(a.size), int(b.size)
    mean1 = float(a.mean()) if n1 else None
    mean2 = float(b.mean()) if n2 else None
    diff = mean2 - mean1 if mean1 is not None and mean2 is not None else None
    empty = UnpairedResult(
        n1, n2, _finite(mean1), _finite(mean2), _finite(diff), [None, None], None, None, None
    )
    if n1 < 2 or n2 < 2:
        return empty
    var1, var2 = float(a.var(ddof=1)), float(b.var(ddof=1))
    if var1 == 0 and var2 == 0:
        return empty
    welch = stats.ttest_ind(b, a, equal_var=False)
    ci = welch.confidence_interval(0.95)
    pooled = math.sqrt(((n1 - 1) * var1 + (n2 - 1) * var2) / (n1 + n2 - 2))
    correction = 1 - 3 / (4 * (n1 + n2) - 9)
    g = (diff or 0.0) / pooled * correction if pooled > 0 else None
    return UnpairedResult(
        n_pre=n1,
        n_post=n2,
        mean_pre=_finite(mean1),
        mean_post=_finite(mean2),
        mean_diff=_finite(diff),
        ci95=[_finite(float(ci.low)), _finite(float(ci.high))],
        effect_size_g=_finite(g),
        t_statistic=_finite(float(welch.statistic)),
        p_value=_finite_p(float(welch.pvalue)),
    )


def wilson_interval(successes: int, n: int) -> tuple[float, float] | None:
    """95% Wilson score interval of a proportion (None without data)."""
    if n <= 0:
        return None
    ci = stats.binomtest(successes, n).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def mean_ci_from_sums(n: int, total: float, total_sq: float) -> tuple[float, float] | None:
    """95% t interval of a mean from n, Σx and Σx² (used for breakdown tables)."""
    if n < 2:
        return None
    mean = total / n
    var = max(0.0, (total_sq - n * mean * mean) / (n - 1))
    half = float(stats.t.ppf(0.975, n - 1)) * math.sqrt(var / n)
    return mean - half, mean + half
