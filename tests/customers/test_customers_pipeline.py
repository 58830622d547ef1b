"""The customers stage end to end on a small simulated shop: tables, report, CLI, benchmark."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

simulate = pytest.importorskip("growthpilot.simulate")


@pytest.fixture(scope="module")
def shop() -> dict[str, pd.DataFrame]:
    return simulate.simulate_shop(simulate.SimConfig(customers=500, products=40, days=400, seed=7))


def test_customers_command_writes_tables_and_report(workspace, shop) -> None:
    from growthpilot.cli import app

    for name in ("orders", "products", "events", "sends", "outcomes"):
        workspace.warehouse.write(name, shop[name], mode="replace")
    res = CliRunner().invoke(app, ["customers", "-w", str(workspace.root), "--windows", "2", "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    wh = workspace.warehouse
    scores = wh.read("customer_scores")
    known = shop["orders"].customer_id.dropna().nunique()
    assert len(scores) == known == summary["customers"]
    assert scores.p_alive.between(0, 1).all() and scores.p_purchase_30d.between(0, 1).all()
    assert (scores.churn_risk - (1 - scores.p_alive)).abs().max() < 1e-9
    assert scores.model_version.notna().all() and scores.run_id.nunique() == 1
    assert all(isinstance(json.loads(r), list) and json.loads(r) for r in scores.reasons)
    seg = wh.read("segments")
    assert set(seg.customer_id) == set(scores.customer_id) and seg.rfm_segment.notna().all()
    personas = wh.read("personas")
    assert set(personas.kind) == {"rfm", "cluster"}
    html = open(summary["report"], encoding="utf-8").read()
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert summary["selected"] in summary["validation"]
    runs = wh.read("runs")
    assert (runs.stage == "customers").any()


def test_holdout_benchmark_against_truth(shop) -> None:
    from growthpilot.customers.benchmark import holdout_benchmark

    cfg = simulate.SimConfig(customers=500, products=40, days=400, seed=7)
    res = holdout_benchmark(shop["orders"], cfg.end_ts, 90, truth=shop["truth_customers"], n_windows=2)
    m = res["metrics"]
    assert set(m) >= {"selected", "bgnbd", "rfm_score", "past_average"}
    # the probabilistic and boosted models beat the naive past average on the simulator's truth
    assert m["bgnbd"]["purchases_mae"] < m["past_average"]["purchases_mae"]
    assert m["selected"]["auc"] > 0.75
    pred = res["predictions"]
    assert len(pred) == shop["orders"].customer_id.dropna().nunique()
    assert pred[["expected_purchases", "expected_spend", "p_purchase", "p_alive"]].notna().all().all()
    # the selected model is scored on its chosen point forecast; the mean stays available
    assert res["point"] in ("mean", "median")
    chosen = pred["median_purchases"] if res["point"] == "median" else pred["expected_purchases"]
    np.testing.assert_allclose(pred["point_purchases"], chosen)
    assert m["selected"]["mean_purchases_mae"] >= 0 and "median_purchases_mae" in m["bgnbd"]


def test_model_and_point_type_are_chosen_before_the_cutoff(shop) -> None:
    """The internal backtest (model, point type, P(purchase) source) reads nothing at or after the cutoff."""
    from growthpilot.customers.model import CustomerScorer
    from growthpilot.warehouse import Warehouse
    from growthpilot.warehouse.store import typed_memtable

    orders = shop["orders"]
    cut = orders.ts.max().normalize() - pd.Timedelta(days=60)
    later = orders[orders.ts >= cut].copy()  # post-cutoff rows, doubled so they would change any choice
    noisy = pd.concat([orders, later.assign(order_id=later.order_id + "x")], ignore_index=True)
    fits = []
    for df in (orders[orders.ts < cut], noisy):
        wh = Warehouse.from_url("duckdb://")
        wh.con.create_table("orders", typed_memtable(df.reset_index(drop=True)))
        s = CustomerScorer(horizon_days=60, n_windows=2).fit(wh.table("orders"), cut)
        fits.append((s, s.predict()))
    (a, pa), (b, pb) = fits
    assert a.validation_scheme_.startswith("time split")
    assert (a.selected_, a.point_, a.spend_point_, a.proba_model_) == (b.selected_, b.point_, b.spend_point_,
                                                                        b.proba_model_)
    assert a.point_ in ("mean", "median")
    assert a.validation_.keys() == b.validation_.keys()
    for k, v in a.validation_.items():  # equal up to floating-point summation order
        assert v == pytest.approx(b.validation_[k], rel=1e-6, nan_ok=True)
    pd.testing.assert_frame_equal(pa, pb)
    sel = a.validation_[a.selected_]
    best = min(min(v["purchases_mae"], v["median_purchases_mae"]) for k, v in a.validation_.items()
               if "median_purchases_mae" in v)
    assert best == (sel["median_purchases_mae"] if a.point_ == "median" else sel["purchases_mae"])
    expected = pa["median_purchases"] if a.point_ == "median" else pa["expected_purchases"]
    np.testing.assert_allclose(pa["point_purchases"], expected)


def test_training_horizon_shortens_only_when_the_history_is_too_short() -> None:
    from growthpilot.customers.model import training_horizon

    assert training_horizon(400, 90) == 90                      # 90 + 45 days fit
    assert training_horizon(273, 273) == 182                    # 39 weeks / 39 weeks: 182 + 91 = 273
    assert training_horizon(100, 90) == 67                      # 67 + 33 = 100
    assert training_horizon(120, 90, min_history_days=60) == 60
    assert training_horizon(40, 90) is None                     # not even 14 + 30 days


def test_carry_to_horizon_keeps_the_correction_to_bgnbd() -> None:
    from scipy import special

    from growthpilot.customers.model import carry_to_horizon

    bg_short = pd.DataFrame({"bg_purchases": [0.5, 2.0], "bg_spend": [10.0, 40.0],
                             "bg_p_purchase": [0.3, 0.8], "bg_p_30d": [0.1, 0.4]})
    bg_long = bg_short * [2.0, 2.0, 1.0, 1.0]
    bg_long["bg_p_purchase"] = [0.45, 0.9]
    pred = pd.DataFrame({"expected_purchases": [0.6, 1.0], "expected_spend": [12.0, 20.0],
                         "p_purchase": [0.3, 0.7], "p_purchase_30d": [0.2, 0.4]})
    out = carry_to_horizon(pred, bg_short, bg_long)
    np.testing.assert_allclose(out["expected_purchases"], [1.2, 2.0])       # model / BG/NBD ratio kept
    np.testing.assert_allclose(out["expected_spend"], [24.0, 40.0])
    np.testing.assert_allclose(out["p_purchase"][0], 0.45)                   # no correction: BG/NBD's value
    shift = special.logit(0.7) - special.logit(0.8)                          # log-odds correction kept
    np.testing.assert_allclose(special.logit(out["p_purchase"][1]), special.logit(0.9) + shift)
    np.testing.assert_allclose(out["p_purchase_30d"], pred["p_purchase_30d"])  # same 30-day horizon
    pd.testing.assert_frame_equal(carry_to_horizon(pred, bg_short, bg_short), pred)


def test_scorer_trains_on_a_shorter_window_when_history_is_short(shop) -> None:
    """A calibration period no longer than the horizon (the classic 39 / 39 weeks split) still gets the
    GBM candidates: trained on a shorter label window and carried to the horizon through BG/NBD."""
    from growthpilot.customers.model import CustomerScorer
    from growthpilot.customers.propensity import RFMResponseModel
    from growthpilot.warehouse import Warehouse
    from growthpilot.warehouse.store import typed_memtable

    orders = shop["orders"]
    cut = orders.ts.min().normalize() + pd.Timedelta(days=200)
    wh = Warehouse.from_url("duckdb://")
    wh.con.create_table("orders", typed_memtable(orders[orders.ts < cut].reset_index(drop=True)))
    s = CustomerScorer(horizon_days=200, n_windows=2).fit(wh.table("orders"), cut)
    assert s.train_horizon_days_ == 133 and "carried to 200 days" in s.validation_scheme_
    # too short for a time split: every customer of the latest window is held out once, out of fold
    assert s.validation_scheme_.startswith("4-fold customer split")
    held = s.validation_actual_["customer_id"]
    assert held.is_unique and set(held) == set(s._examples(s._windows["gbm"][0])["customer_id"])
    assert "rfm_logit" in s.validation_ and 0 < s.validation_["rfm_logit"]["auc"] < 1
    s.models_.setdefault("rfm_logit", RFMResponseModel().fit(s._stack(s._windows["rfm_logit"])))
    rfm = s.predict(model="rfm_logit")  # its probabilities, carried to 200 days; BG/NBD's counts
    assert rfm["p_purchase"].between(0, 1).all()
    assert not np.allclose(rfm["p_purchase"], s.current()["bg_p_purchase"])
    np.testing.assert_allclose(rfm["expected_purchases"], s.current()["bg_purchases"])
    pred = s.predict()
    cur = s.current()
    assert len(pred) == len(cur) and pred["p_purchase"].between(0, 1).all()
    np.testing.assert_allclose(cur["bg_purchases"], s.predict(model="bgnbd")["expected_purchases"])
    gbm = s.predict(model="gbm")
    # the GBM's forecast is for the 200-day horizon: on the BG/NBD scale of 200 days, not of 133
    short_total = s._examples(s.cutoff_, labels=False, horizon=133)["bg_purchases"].sum()
    assert gbm["expected_purchases"].sum() > 1.2 * short_total
    assert gbm["expected_purchases"].sum() == pytest.approx(cur["bg_purchases"].sum(), rel=0.5)


def test_seasonal_cutoffs_sit_a_year_back_and_end_before_the_cutoff() -> None:
    from growthpilot.customers.model import seasonal_cutoffs

    cut = pd.Timestamp("2024-12-31")
    got = seasonal_cutoffs(cut, 90, "2023-01-01", n_windows=4, min_history_days=45)
    # cutoff - 365 + k * 30 days for k = 1, 0, -1, -2: the latest first, all with 45 days of history
    assert got == [pd.Timestamp("2024-01-31"), pd.Timestamp("2024-01-01"), pd.Timestamp("2023-12-02"),
                   pd.Timestamp("2023-11-02")]
    assert all(c + pd.Timedelta(days=90) <= cut for c in got)
    assert seasonal_cutoffs(cut, 90, "2023-12-01", n_windows=4, min_history_days=45) == [pd.Timestamp("2024-01-31")]
    long = seasonal_cutoffs(cut, 300, "2020-01-01", n_windows=4, min_history_days=45)  # step 100 days
    assert long == [pd.Timestamp("2024-01-01"), pd.Timestamp("2023-09-23"), pd.Timestamp("2023-06-15")]  # not k = 1: after c


def test_scorer_backtests_a_same_season_candidate_with_more_than_a_year_of_history() -> None:
    from growthpilot.customers.model import CustomerScorer
    from growthpilot.warehouse import Warehouse
    from growthpilot.warehouse.store import typed_memtable

    orders = simulate.simulate_shop(simulate.SimConfig(customers=600, products=30, days=560, seed=3))["orders"]
    cut = orders.ts.max().normalize() - pd.Timedelta(days=30)
    wh = Warehouse.from_url("duckdb://")
    wh.con.create_table("orders", typed_memtable(orders[orders.ts < cut].reset_index(drop=True)))
    s = CustomerScorer(horizon_days=30, n_windows=2).fit(wh.table("orders"), cut)
    assert "gbm_seasonal" in s.validation_  # scored on the inner holdout like every candidate
    s.models_.setdefault("gbm_seasonal", s._gbm(s._stack(s._windows["gbm_seasonal"])))
    seasonal = s.predict(model="gbm_seasonal")
    assert len(seasonal) == len(s.current()) and seasonal["p_purchase"].between(0, 1).all()
    assert all(abs((cut - w).days - 365) <= 10 for w in s._windows["gbm_seasonal"])


def test_holdout_benchmark_without_repeat_buyers_is_a_data_error() -> None:
    import pandas as pd
    import pytest

    from growthpilot.customers.benchmark import holdout_benchmark
    from growthpilot.errors import DataError

    orders = pd.DataFrame({"customer_id": [f"C{i}" for i in range(50)],
                           "ts": pd.date_range("2020-01-01", periods=50, freq="D"),
                           "amount": 10.0, "order_id": [f"O{i}" for i in range(50)]})
    with pytest.raises(DataError, match="no customer bought twice"):
        holdout_benchmark(orders, "2020-02-10", 30, n_windows=2)
