"""benchmarks/mmm.py input handling: other date and number formats, and clear errors before any fit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import DataError, ValidationError
from growthpilot.mmm.benchmark import run_benchmark
from growthpilot.mmm.data import prepare_weekly

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "mmm.py"


def _weekly(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"week": pd.date_range("2023-01-02", periods=n, freq="7D"),
                         "sales": 100 + rng.normal(size=n), "tv": rng.gamma(2, 10, n), "radio": rng.gamma(2, 5, n)})


def test_dates_day_first_compact_or_with_a_zone_and_numbers_with_separators() -> None:
    df = _weekly()
    ref = prepare_weekly(df, date_col="week", target_col="sales", spend_cols=["tv", "radio"])
    variants = [df.assign(week=df["week"].dt.strftime("%d/%m/%Y")),
                df.assign(week=df["week"].dt.strftime("%Y%m%d")),
                df.assign(week=df["week"].dt.tz_localize("UTC")),
                df.assign(week=df["week"].dt.strftime("%Y-%m-%dT00:00:00Z")).sample(frac=1, random_state=0)]
    for v in variants:
        out = prepare_weekly(v, date_col="week", target_col="sales", spend_cols=["tv", "radio"])
        pd.testing.assert_frame_equal(out, ref)
    money = df.assign(tv=(df["tv"] * 1000).map(lambda x: f"${x:,.2f}"))
    out = prepare_weekly(money, date_col="week", target_col="sales", spend_cols=["tv", "radio"])
    np.testing.assert_allclose(out["tv"], ref["tv"] * 1000, rtol=1e-4)


def test_bad_dates_and_numbers_name_row_column_and_value() -> None:
    df = _weekly().astype({"week": str})
    df.loc[3, "week"] = "soon"
    with pytest.raises(ValidationError, match=r"row 3, column week, value 'soon'"):
        prepare_weekly(df, date_col="week", target_col="sales", spend_cols=["tv"])
    df = _weekly().astype({"tv": str})
    df.loc[5, "tv"] = "lots"
    with pytest.raises(ValidationError, match=r"row 5, column tv, value 'lots'"):
        prepare_weekly(df, date_col="week", target_col="sales", spend_cols=["tv"])


def test_too_short_for_the_holdout_or_a_channel_only_in_the_holdout_fails_before_fitting() -> None:
    with pytest.raises(DataError, match="leaves 22; the model needs at least 26"):
        run_benchmark(_weekly(30), date_col="week", target_col="sales", spend_cols=["tv"], holdout_weeks=8)
    late = _weekly(40)
    late.loc[:33, "radio"] = 0.0
    with pytest.raises(DataError, match="'radio' is zero in every training week"):
        run_benchmark(late, date_col="week", target_col="sales", spend_cols=["tv", "radio"], holdout_weeks=8)


def test_input_error_ends_with_a_json_line(tmp_path) -> None:
    _weekly().to_csv(tmp_path / "w.csv", sep=";", index=False)  # a semicolon file is read too
    r = subprocess.run([sys.executable, str(SCRIPT), "--data", str(tmp_path / "w.csv"), "--date-col", "week",
                        "--target-col", "sales", "--spend-cols", "tv,nope"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 2 and "nope" in json.loads(r.stdout.strip().splitlines()[-1])["error"]


def test_daily_rows_are_summed_into_full_weeks() -> None:
    days = pd.date_range("2024-01-03", periods=7 * 30 + 4, freq="D")  # a Wednesday; 30 weeks and 4 days
    rng = np.random.default_rng(0)
    raw = pd.DataFrame({"day": days.strftime("%Y-%m-%d"), "sales": rng.uniform(90, 110, len(days)),
                        "tv": rng.uniform(0, 10, len(days)), "price": np.arange(len(days), dtype=float)})
    raw.loc[5, "tv"] = np.nan  # missing spend counts as zero
    out = prepare_weekly(raw, date_col="day", target_col="sales", spend_cols=["tv"], control_cols=["price"])
    assert len(out) == 30 and (out["day"].dt.day_name() == "Wednesday").all()
    assert out["day"].diff().dropna().eq(pd.Timedelta(days=7)).all()
    full = raw.iloc[: 7 * 30]
    assert out["sales"].sum() == pytest.approx(full["sales"].sum())
    assert out["tv"].sum() == pytest.approx(full["tv"].sum(skipna=True))
    assert out["price"].iloc[0] == pytest.approx(3.0)  # controls are averaged: days 0..6
    assert "summed into 30 weeks" in out.attrs["note"] and "1 partial week" in out.attrs["note"]
    weekly = prepare_weekly(out, date_col="day", target_col="sales", spend_cols=["tv"], control_cols=["price"])
    pd.testing.assert_frame_equal(weekly, out)  # weekly data is left as it is
    assert "note" not in weekly.attrs
