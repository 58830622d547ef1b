"""benchmarks/uplift.py on awkward but legitimate experiment tables, and clear errors on wrong ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.conftest import benchmark_script

from growthpilot.decide.uplift_benchmark import ExperimentSpec, run_uplift_benchmark, treatment_labels
from growthpilot.errors import DataError, ValidationError


def _experiment(n: int = 1200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    t = rng.integers(0, 2, n)
    y = (rng.random(n) < 0.2 + 0.2 * t * (x > 0)).astype(int)
    return pd.DataFrame({"x": x, "zone": rng.choice(["north", "south", "east"], n), "t": t, "y": y})


def test_treatment_labels_are_the_same_for_int_float_and_text_columns() -> None:
    assert treatment_labels(pd.Series([0, 1, 2])).tolist() == ["0", "1", "2"]
    assert treatment_labels(pd.Series([0.0, 1.0, np.nan])).tolist()[:2] == ["0", "1"]
    assert treatment_labels(pd.Series([0.0, 1.0, np.nan])).isna().tolist() == [False, False, True]
    assert treatment_labels(pd.Series([" No E-Mail", "Mens"])).tolist() == ["No E-Mail", "Mens"]


def test_float_treatment_missing_values_and_yes_no_outcome(tmp_path) -> None:
    df = _experiment()
    df["t"] = df["t"].astype(float)
    df.loc[:9, "t"] = np.nan  # no treatment recorded: dropped
    df.loc[10:14, "x"] = np.nan  # missing feature values: kept
    df["y"] = df["y"].map({0: "no", 1: "yes"})
    df.to_csv(tmp_path / "e.csv", index=False)
    run = benchmark_script("uplift").main
    res = run(["--data", str(tmp_path / "e.csv"), "--treatment-col", "t", "--control-value", "0",
               "--outcome-col", "y", "--learners", "t", "--cv", "2", "--n-boot", "10"])
    assert res["arms"] == ["1"] and res["control"] == "0" and res["n_train"] + res["n_test"] == len(df) - 10
    spec = ExperimentSpec("t", "0.0", "y")  # --control-value 0.0 on integer arms
    prepared = spec.prepare(df)
    assert spec.control_value == "0" and set(prepared["t"]) == {"0", "1"} and spec.dropped_rows == 10


def test_train_test_pair_with_an_unseen_category_keeps_test_row_order(tmp_path) -> None:
    tr, te = _experiment(seed=1), _experiment(n=300, seed=2)
    te.loc[:19, "zone"] = "mars"  # a category the training file never had
    te.loc[20:24, "y"] = np.nan  # unlabelled rows are predicted but not scored
    tr.to_csv(tmp_path / "tr.csv", index=False)
    te.to_parquet(tmp_path / "te.parquet", index=False)
    out = tmp_path / "p.csv"
    run = benchmark_script("uplift").main
    res = run(["--train", str(tmp_path / "tr.csv"), "--test", str(tmp_path / "te.parquet"),
               "--treatment-col", "t", "--control-value", "0", "--outcome-col", "y", "--learners", "t",
               "--cv", "2", "--n-boot", "10", "--predictions-out", str(out)])
    pred = pd.read_csv(out)
    assert list(pred.columns) == ["predicted_uplift_1"] and len(pred) == len(te) and pred.notna().all().all()
    assert res["models"][0]["n_test"] == len(te) - 5


def test_clear_errors_for_a_wrong_control_arm_outcome_or_missing_test_feature() -> None:
    df = _experiment()
    with pytest.raises(DataError, match="control value 'control' not found"):
        run_uplift_benchmark(df, df, ExperimentSpec("t", "control", "y"), learners=["t"], cv=2, n_boot=5)
    with pytest.raises(DataError, match=r"arm\(s\) \['7'\] not found"):
        ExperimentSpec("t", "0", "y", arms=["7"]).select(df)
    with pytest.raises(ValidationError, match="outcome is not a number.*column y, value 'maybe'"):
        ExperimentSpec("t", "0", "y").prepare(df.assign(y=["maybe"] * len(df)))
    with pytest.raises(DataError, match=r"lacks feature column\(s\) \['zone'\]"):
        run_uplift_benchmark(df, df.drop(columns="zone"), ExperimentSpec("t", "0", "y"), learners=["t"], cv=2,
                             n_boot=5)


def test_numbers_read_as_text_because_of_blank_cells_stay_numeric() -> None:
    from growthpilot.decide._features import FeatureEncoder

    X = pd.DataFrame({"charges": ["29.85", " ", "1889.5", "108.15"], "plan": ["a", "b", "a", None]})
    enc = FeatureEncoder().fit(X)
    assert list(enc.categories_) == ["plan"]  # not ordinal codes of sorted text ("108.15" < "1889.5" < "29.85")
    out = enc.transform(X)
    np.testing.assert_allclose(out[[0, 2, 3], 0], [29.85, 1889.5, 108.15])
    assert np.isnan(out[1, 0]) and np.isnan(out[3, 1])


def test_semicolon_gzip_file_with_yes_no_outcome(tmp_path) -> None:
    df = _experiment(n=800, seed=3)
    df["t"] = df["t"].map({0: "phone", 1: "mobile"})
    df["y"] = df["y"].map({0: "no", 1: "yes"})
    df.to_csv(tmp_path / "bank.csv.gz", sep=";", index=False)
    run = benchmark_script("uplift").main
    res = run(["--data", str(tmp_path / "bank.csv.gz"), "--treatment-col", "t", "--control-value",
               "phone", "--outcome-col", "y", "--learners", "t", "--cv", "2", "--n-boot", "10"])
    assert res["arms"] == ["mobile"] and res["n_train"] + res["n_test"] == 800
