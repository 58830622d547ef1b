import numpy as np
import pandas as pd
import pytest
from scipy import stats

from growthpilot.errors import DataError
from growthpilot.experiments import (
    analyze_experiment,
    compare_means,
    compare_means_cuped,
    compare_proportions,
    power_proportions,
    sample_size_means,
    sample_size_proportions,
    srm_check,
)


def test_proportions_match_scipy_chi2():
    r = compare_proportions(100, 1000, 130, 1000)
    chi2 = stats.chi2_contingency([[100, 900], [130, 870]], correction=False)
    assert r.p_value == pytest.approx(chi2.pvalue, rel=1e-6)
    assert r.ci_low < r.diff < r.ci_high and r.diff == pytest.approx(0.03)
    assert r.prob_beat_control > 0.95 and r.lift == pytest.approx(0.3)


def test_means_match_welch():
    rng = np.random.default_rng(0)
    a, b = rng.normal(10, 3, 400), rng.normal(10.5, 4, 300)
    r = compare_means(a, b)
    assert r.p_value == pytest.approx(stats.ttest_ind(b, a, equal_var=False).pvalue, rel=1e-6)


def test_cuped_narrows_interval_same_estimand():
    rng = np.random.default_rng(1)
    pre = rng.gamma(2, 50, 4000)
    arm = rng.integers(0, 2, 4000)
    y = 0.8 * pre + rng.normal(0, 20, 4000) + 5 * arm
    plain = compare_means(y[arm == 0], y[arm == 1])
    cup = compare_means_cuped(y[arm == 0], y[arm == 1], pre[arm == 0], pre[arm == 1])
    assert (cup.ci_high - cup.ci_low) < 0.5 * (plain.ci_high - plain.ci_low)
    assert cup.ci_low < 5 < cup.ci_high


def test_srm_and_power():
    assert not srm_check([5000, 5050]).mismatch
    assert srm_check([5000, 5600]).mismatch
    n = sample_size_proportions(0.10, 0.12)
    assert power_proportions(0.10, 0.12, n) == pytest.approx(0.8, abs=0.02)
    assert 3000 < n < 5000
    assert sample_size_means(1.0, 10.0) == pytest.approx(1570, abs=5)
    with pytest.raises(DataError):
        sample_size_proportions(0.1, 0.1)


def test_analyze_experiment_rows():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"arm": rng.choice(["control", "b", "c"], 3000)})
    df["y"] = (rng.random(3000) < np.where(df.arm == "c", 0.2, 0.1)).astype(int)
    res = analyze_experiment(df, arm_col="arm", outcome_col="y", control="control")
    assert res.arm.tolist() == ["b", "c"]
    c = res.set_index("arm").loc["c"]
    assert c.p_value < 1e-6 and c.ci_low > 0 and c.srm_p_value > 0.001
