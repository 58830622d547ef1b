import json

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from growthpilot.cli import app
from growthpilot.errors import ValidationError
from growthpilot.forecast.synthetic import synthetic_panel


def _shop(ws):
    panel, _ = synthetic_panel(n_series=6, periods=120, freq="W", seed=5, dispersion=30)
    rows = panel[panel["y"] > 0].reset_index(drop=True)
    orders = pd.DataFrame({
        "order_id": [f"o{i}" for i in range(len(rows))], "line_no": 1, "customer_id": "c1",
        "product_id": rows["unique_id"], "ts": rows["ds"] - pd.Timedelta(days=2), "quantity": rows["y"],
        "unit_price": rows["price"], "amount": rows["y"] * rows["price"], "discount": rows["promo"],
    })
    products = panel.drop_duplicates("unique_id").rename(columns={"unique_id": "product_id"})[
        ["product_id", "category"]]
    ws.warehouse.write("orders", orders, mode="replace")
    ws.warehouse.write("products", products, mode="replace")


def test_forecast_command_writes_coherent_table_and_offline_report(workspace):
    _shop(workspace)
    res = CliRunner().invoke(app, ["forecast", "--workspace", str(workspace.root), "--freq", "W", "--horizon", "4",
                                   "--models", "SeasonalNaive,AutoETS", "--json"])
    assert res.exit_code == 0, res.output
    metrics = json.loads(res.output.strip().splitlines()[-1])
    fc = workspace.warehouse.read("forecasts")
    assert {"unique_id", "level", "ds", "y_hat", "lo_90", "hi_90", "model", "model_version", "run_id"} <= set(fc)
    assert set(fc["level"]) == {"total", "category", "product"}
    wide = fc.pivot_table(index="ds", columns="level", values="y_hat", aggfunc="sum")
    np.testing.assert_allclose(wide["total"], wide["product"], rtol=1e-6)  # reconciled
    np.testing.assert_allclose(wide["category"], wide["product"], rtol=1e-6)
    html = open(metrics["report"], encoding="utf-8").read()
    assert "<svg" in html and "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert workspace.warehouse.count("forecast_trends") > 0
    runs = workspace.warehouse.read("runs")
    assert (runs["stage"] == "forecast").any()


def test_one_level_under_the_total_is_reconciled(workspace):
    from growthpilot.forecast.pipeline import run_forecast

    _shop(workspace)
    res = run_forecast(workspace, levels=("total", "category"), freq="W", horizon=3,
                       models=["SeasonalNaive", "AutoETS"])
    wide = res.forecasts.pivot_table(index="ds", columns="level", values="y_hat", aggfunc="sum")
    np.testing.assert_allclose(wide["total"], wide["category"], rtol=1e-6)
    assert res.forecasts["model"].str.contains("mint_shrink").all()


def test_forecast_command_reads_a_users_file_like_the_benchmark(workspace, tmp_path):
    panel, _ = synthetic_panel(n_series=2, periods=60, freq="W", seed=2, dispersion=30)
    eu = pd.DataFrame({"store": panel["unique_id"], "week": panel["ds"].dt.strftime("%d/%m/%Y"),
                       "sales": panel["y"].map(lambda v: f"{v:.2f}".replace(".", ","))})
    eu.to_csv(tmp_path / "eu.csv", sep=";", index=False)
    res = CliRunner().invoke(app, ["forecast", "--workspace", str(workspace.root), "--data", str(tmp_path / "eu.csv"),
                                   "--id-col", "store", "--time-col", "week", "--target-col", "sales", "--freq", "W",
                                   "--horizon", "4", "--models", "SeasonalNaive,AutoETS", "--json"])
    assert res.exit_code == 0, res.output
    fc = workspace.warehouse.read("forecasts")
    assert set(fc["unique_id"]) >= set(panel["unique_id"].astype(str)) and len(fc) > 0
    eu.loc[3, "sales"] = "n/v?"
    eu.to_csv(tmp_path / "bad.csv", sep=";", index=False)
    res = CliRunner().invoke(app, ["forecast", "--workspace", str(workspace.root), "--data", str(tmp_path / "bad.csv"),
                                   "--id-col", "store", "--time-col", "week", "--target-col", "sales", "--freq", "W"])
    assert res.exit_code != 0 and isinstance(res.exception, ValidationError)  # `growthpilot` prints it as one line
    assert "n/v?" in str(res.exception) and "bad.csv" in str(res.exception) and "row 3" in str(res.exception)
