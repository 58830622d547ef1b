import json
import runpy
import sys
from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import need_file

from growthpilot.errors import ValidationError
from growthpilot.forecast.bench import load_long

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_simulate_prints_json_and_writes_predictions(tmp_path, capsys, monkeypatch):
    out = tmp_path / "pred.csv"
    monkeypatch.setattr(sys, "argv", [
        "forecast.py", "--simulate", "--simulate-source", "panel", "--n-series", "4", "--periods", "120", "--freq", "W", "--horizon", "4",
        "--windows", "2", "--val-windows", "2", "--models", "SeasonalNaive,AutoETS", "--predictions-out", str(out)])
    with pytest.raises(SystemExit) as exc:
        runpy.run_path(str(ROOT / "benchmarks" / "forecast.py"), run_name="__main__")
    assert exc.value.code == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    metrics = json.loads(last)
    assert {"SeasonalNaive", "AutoETS", "chosen"} <= set(metrics["models"])
    assert {"mase", "smape", "coverage", "seconds"} <= set(metrics["models"]["chosen"])
    pred = pd.read_csv(out)
    assert list(pred.columns) == ["unique_id", "ds", "y_hat", "lo_90", "hi_90"] and len(pred) == 16


def test_load_long_melts_wide_files_and_generates_dates(tmp_path):
    p = tmp_path / "wide.csv"
    pd.DataFrame({"A": [1, 2, 3], "B": [4, 5, 6]}).to_csv(p, index=False)
    df = load_long(p, freq="QS", id_col=None, time_col=None, target_col="*", start="2020-01-01")
    assert sorted(df["unique_id"].unique()) == ["A", "B"]
    assert df["ds"].max() == pd.Timestamp("2020-07-01")


def test_load_long_reads_the_canonical_long_format_without_flags(tmp_path):
    p = tmp_path / "long.csv"
    pd.DataFrame({"unique_id": ["a", "a", "b", "b"], "ds": ["2020-01-01", "2020-04-01"] * 2,
                  "y": [1.0, 2.0, 3.0, 4.0]}).to_csv(p, index=False)
    df = load_long(p, freq="QS", id_col=None, time_col=None, target_col="y")
    assert df.groupby("unique_id")["y"].sum().to_dict() == {"a": 3.0, "b": 7.0}
    assert df["ds"].max() == pd.Timestamp("2020-04-01")
    with pytest.raises(ValidationError, match="no --time-col given; expected a date column"):
        load_long(pd.DataFrame({"t": [1], "y": [1.0]}), freq="D", id_col=None, time_col=None, target_col="y")


@pytest.mark.integration
def test_air_passengers_choice_beats_seasonal_naive(data_dir):
    from growthpilot.forecast import evaluate

    path = need_file(data_dir / "sales_timeseries" / "darts_AirPassengers.csv")
    df = load_long(path, freq="MS", id_col=None, time_col="Month", target_col="#Passengers")
    ev = evaluate(df, freq="MS", h=12, windows=2, n_val=3, models=("SeasonalNaive", "AutoETS", "AutoTheta"))
    t = ev.table.set_index("model")
    assert t.loc["chosen", "mase"] < 0.9 * t.loc["SeasonalNaive", "mase"]


def test_load_long_reads_european_exports_and_names_unreadable_cells(tmp_path):
    p = tmp_path / "eu.csv"
    p.write_text("laden;datum;umsatz\nA;13/01/2024;1.234,50\nA;20/01/2024;12,50\nB;13/01/2024;3\nB;20/01/2024;\n")
    df = load_long(p, freq="W-SAT", id_col="laden", time_col="datum", target_col="umsatz")
    assert df.groupby("unique_id")["y"].sum().to_dict() == {"A": 1247.0, "B": 3.0}  # day first detected
    assert df["ds"].min() == pd.Timestamp("2024-01-13")
    bad = tmp_path / "bad.csv"
    bad.write_text("ds,y\n2024-01-01,5\n2024-01-02,five\n")
    with pytest.raises(ValidationError, match="five") as info:
        load_long(bad, freq="D", id_col=None, time_col="ds", target_col="y")
    assert info.value.row == 1 and info.value.column == "y"
    with pytest.raises(ValidationError, match="no column 'date'"):
        load_long(bad, freq="D", id_col=None, time_col="date", target_col="y")
