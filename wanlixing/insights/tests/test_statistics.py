"""Known-value checks of the statistics against scipy on fixed data."""

import math

import numpy as np
import pytest
from scipy import stats

from wanlixing.insights.statistics import (
    expand,
    paired_test,
    suppress,
    unpaired_test,
    wilcoxon_signed_rank,
    wilson_interval,
)

PRE = np.array([40, 55, 60, 48, 70, 52, 65, 58, 45, 62, 50, 66])
POST = np.array([52, 60, 71, 50, 78, 55, 70, 66, 44, 75, 58, 70])


def test_paired_test_matches_scipy_and_hand_values():
    result = paired_test(POST - PRE, mean_pre=PRE.mean(), mean_post=POST.mean())
    t = stats.ttest_rel(POST, PRE)
    w = stats.wilcoxon(POST, PRE)
    d = POST - PRE
    assert result.n == 12
    assert result.mean_diff == pytest.approx(6.5)
    assert result.p_value == pytest.approx(t.pvalue, rel=1e-3)
    assert result.t_statistic == pytest.approx(t.statistic, rel=1e-4)
    assert result.wilcoxon_p_value == pytest.approx(w.pvalue, rel=1e-3)
    assert result.effect_size_d == pytest.approx(d.mean() / d.std(ddof=1), rel=1e-4)
    half = stats.t.ppf(0.975, 11) * d.std(ddof=1) / math.sqrt(12)
    assert result.ci95[0] == pytest.approx(6.5 - half, abs=1e-3)
    assert result.ci95[1] == pytest.approx(6.5 + half, abs=1e-3)


def test_histogram_expansion_gives_the_same_test():
    histogram: dict[int, int] = {}
    for value in (POST - PRE).tolist():
        histogram[value] = histogram.get(value, 0) + 1
    from_hist = paired_test(expand(histogram), mean_pre=0, mean_post=0)
    direct = paired_test(POST - PRE, mean_pre=0, mean_post=0)
    assert from_hist.p_value == direct.p_value
    assert from_hist.wilcoxon_p_value == direct.wilcoxon_p_value


def test_unpaired_fallback_is_welch_with_hedges_g():
    pre, post = PRE[:10], POST[2:]
    result = unpaired_test(pre, post)
    welch = stats.ttest_ind(post, pre, equal_var=False)
    pooled = math.sqrt((9 * pre.var(ddof=1) + 9 * post.var(ddof=1)) / 18)
    g = (post.mean() - pre.mean()) / pooled * (1 - 3 / (4 * 20 - 9))
    assert result.p_value == pytest.approx(welch.pvalue, rel=1e-3)
    assert result.effect_size_g == pytest.approx(g, rel=1e-3)


def test_wilson_interval_known_value():
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)
    assert wilson_interval(0, 0) is None


def test_cells_under_five_are_suppressed():
    assert [suppress(n) for n in (0, 1, 4, 5, 123)] == [0, "<5", "<5", 5, 123]


def test_no_variation_gives_no_test():
    result = paired_test(np.array([3, 3, 3]), mean_pre=50, mean_post=53)
    assert result.mean_diff == 3
    assert result.p_value is None


@pytest.mark.parametrize(
    "diffs",
    [
        [3, -1, 2, 2, 0, 5, -1, 4],  # ties and a zero: scipy's exact permutation test
        [1, 1, 1, -2, 3, 3, 0, 0, 4, -4, 2, 5, 6],  # 13 values with ties: still exact
        [7, -2, 3, 5, 1, 4, 6],  # no ties: scipy's exact distribution
        [2, 2, -1, 3, 4, 1, 5, 2, 6, -3, 7, 8, 2, 9],  # 14 with ties: normal approximation
    ],
)
def test_wilcoxon_signed_rank_equals_scipy(diffs):
    d = np.array(diffs, dtype=float)
    expected = stats.wilcoxon(d)
    statistic, p_value = wilcoxon_signed_rank(d)
    assert statistic == pytest.approx(expected.statistic)
    assert p_value == pytest.approx(expected.pvalue, rel=1e-12)
