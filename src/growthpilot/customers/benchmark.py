"""Benchmark logic behind ``benchmarks/customers.py``: holdout backtest of every model against the
baselines on any transactions table or on the simulator, and the feature-speed measurement."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator

import numpy as np
import pandas as pd

from growthpilot.customers.backtest import evaluate
from growthpilot.customers.examples import execute
from growthpilot.customers.model import CustomerScorer
from growthpilot.errors import DataError
from growthpilot.features import as_timestamp, customer_features
from growthpilot.warehouse import Warehouse
from growthpilot.warehouse.store import typed_memtable

MODELS = ("selected", "gbm", "gbm_stacked", "gbm_seasonal", "gbm_ensemble", "blend", "bgnbd", "past_average",
          "rfm_score")


def holdout_benchmark(orders: pd.DataFrame, cutoff, horizon_days: int, *, truth: pd.DataFrame | None = None,
                      n_windows: int = 4, seed: int = 0, tables: dict[str, pd.DataFrame] | None = None,
                      seen: pd.DataFrame | None = None) -> dict:
    """Fit on rows before ``cutoff`` and score every model on the following ``horizon_days``.

    Holdout labels come from the orders after the cutoff, or, when ``truth`` is given (the
    simulator's ``truth_customers``), from its realised purchases and expected spend. ``tables``
    adds optional canonical inputs (products, events, sends, outcomes) to the customer 360. Returns
    ``{"metrics": {model: {...}}, "selected": name, "point": "mean" | "median", "predictions": frame, ...}``.
    The selected model is scored on its point forecasts (``point_purchases`` / ``point_spend``);
    every model also reports the MAE of its mean (``mean_purchases_mae``) and of its median count.
    ``predictions`` lists every customer seen before the cutoff: those seen only through returns or
    through rows of ``seen`` (``customer_id, ts``, e.g. lines without a readable amount) get BG/NBD
    scores with no purchase yet.
    """
    cut = as_timestamp(cutoff).normalize()
    fit_rows = orders[(orders["ts"] < cut) & orders["customer_id"].notna()]
    if not (fit_rows.groupby("customer_id")["ts"].nunique() > 1).any():
        raise DataError(f"no customer bought twice before the cutoff {cut.date()} ({len(fit_rows)} order rows): "
                        "repeat-purchase models have nothing to learn from; use a later --cutoff or more history")
    wh = Warehouse.from_url("duckdb://")
    wh.con.create_table("orders", typed_memtable(orders))
    for name, df in (tables or {}).items():
        wh.con.create_table(name, typed_memtable(df))
    t0 = time.perf_counter()
    scorer = CustomerScorer(horizon_days=horizon_days, n_windows=n_windows, random_state=seed)
    scorer.fit(wh.table("orders"), cut, tables={n: wh.table(n) for n in (tables or {})})
    total_fit = time.perf_counter() - t0
    cur = scorer.current(labels=truth is None)
    if truth is not None:
        tr = truth.set_index("customer_id").reindex(cur["customer_id"])
        cur = cur.assign(purchases=tr["realised_purchases_horizon"].fillna(0).to_numpy(float),
                         spend=tr["expected_spend_horizon"].fillna(0).to_numpy(float))
        cur["any"] = (cur["purchases"] > 0).astype(int)
    fit_seconds = {"selected": total_fit, "gbm": total_fit}
    results, preds = {}, {}
    y_n = cur["purchases"].to_numpy(float)
    models = [m for m in MODELS if m not in ("gbm_stacked", "gbm_seasonal", "gbm_ensemble") or m in scorer.models_
              or (m == "gbm_ensemble" and "gbm_stacked" in scorer.models_)]
    if scorer.gbm_ is None:  # too few customers for a GBM: BG/NBD and the baselines only
        models = [m for m in models if m not in ("gbm", "blend")]
    for name in models:
        t1 = time.perf_counter()
        pred = scorer.predict(cur, model=None if name == "selected" else name)
        fit_seconds.setdefault(name, time.perf_counter() - t1)
        preds[name] = pred
        point = pred.assign(expected_purchases=pred["point_purchases"], expected_spend=pred["point_spend"])
        results[name] = evaluate(point, cur) | {"fit_seconds": fit_seconds[name]}
        results[name]["mean_purchases_mae"] = float(np.mean(np.abs(pred["expected_purchases"].to_numpy() - y_n)))
        results[name]["median_purchases_mae"] = float(np.mean(np.abs(pred["median_purchases"].to_numpy() - y_n)))
        results[name]["mean_spend_mae"] = float(np.mean(np.abs(
            pred["expected_spend"].to_numpy() - cur["spend"].to_numpy(float))))
    if truth is not None:
        tr = truth.set_index("customer_id").reindex(cur["customer_id"])
        for name, pred in preds.items():
            results[name]["mae_vs_expected_purchases"] = float(
                np.mean(np.abs(pred["expected_purchases"].to_numpy() - tr["expected_purchases_horizon"].to_numpy())))
            results[name]["p_alive_mae"] = float(np.mean(np.abs(pred["p_alive"].to_numpy() - tr["p_alive"].to_numpy())))
    before = orders[["customer_id", "ts"]]
    if seen is not None and len(seen):
        before = pd.concat([before, seen[["customer_id", "ts"]]], ignore_index=True)
    before = before[(before.ts < cut) & before.customer_id.notna()]
    first = before.groupby("customer_id").ts.min()
    extra_ids = first.index.difference(pd.Index(cur["customer_id"]))
    chosen = preds["selected"]
    if len(extra_ids):  # seen only through returns/cancellations (or unpriced lines): still scored
        days = (cut - first.loc[extra_ids]) / pd.Timedelta(days=1)
        chosen = pd.concat([chosen, scorer.predict_without_purchases(extra_ids, days.to_numpy())],
                           ignore_index=True)
    wh.close()
    return {"metrics": results, "selected": scorer.selected_, "predictions": chosen,
            "point": scorer.point_, "spend_point": scorer.spend_point_, "proba_model": scorer.proba_model_,
            "validation_scheme": scorer.validation_scheme_,
            "validation": scorer.validation_, "train_windows": scorer.train_windows_,
            "customers": len(cur), "holdout_start": str(cut.date())}


def _synthetic_lines(n_rows: int, chunk_rows: int, seed: int = 0) -> Iterator[pd.DataFrame]:
    """Order lines from a simple generator (used when the simulator is not installed)."""
    rng = np.random.default_rng(seed)
    n_customers = max(n_rows // 12, 1)
    done = 0
    while done < n_rows:
        n = min(chunk_rows, n_rows - done)
        order = (done + np.arange(n)) // 3
        cust = rng.integers(0, n_customers, n)
        qty = rng.integers(1, 4, n).astype(float)
        price = rng.gamma(2.0, 8.0, n).round(2)
        yield pd.DataFrame({
            "order_id": [f"o{x}" for x in order], "line_no": (np.arange(n) % 3).astype("int64"),
            "customer_id": [f"c{x}" for x in cust], "product_id": [f"p{x}" for x in rng.integers(0, 500, n)],
            "ts": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730 * 86400, n), unit="s"),
            "quantity": qty, "unit_price": price, "amount": qty * price, "discount": 0.0,
            "is_return": rng.random(n) < 0.03,
        })
        done += n


def feature_speed(n_rows: int = 10_000_000, *, cutoff: str | None = None, seed: int = 42) -> dict:
    """Load ``n_rows`` order lines into DuckDB and time the customer-360 query as of a cutoff.

    Lines come from the simulator's ``iter_order_lines`` when available. Only the feature
    query is timed (loading is reported separately); ``feature_cpu_seconds`` is the process CPU
    time of the query, a load-independent measure on a shared machine.
    """
    wh = Warehouse.from_url("duckdb://")
    source = "synthetic"
    t0 = time.perf_counter()
    try:
        from growthpilot.simulate import SimConfig, iter_order_lines

        cfg = SimConfig(customers=max(n_rows // 11, 100), seed=seed)
        chunks = iter_order_lines(cfg, chunk_rows=1_000_000)
        source = "simulator"
        cut = cutoff or str((cfg.end_ts - pd.Timedelta(days=90)).date())
    except ImportError:
        chunks = _synthetic_lines(n_rows, 1_000_000, seed)
        cut = cutoff or "2024-10-01"
    loaded = 0
    for ch in chunks:
        ch = ch.iloc[: n_rows - loaded]
        if loaded == 0:
            wh.con.create_table("orders", typed_memtable(ch))
        else:
            wh.con.insert("orders", typed_memtable(ch))
        loaded += len(ch)
        if loaded >= n_rows:
            break
    load_s = time.perf_counter() - t0
    r0, t1 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    feats = execute(customer_features(wh.table("orders"), cut))
    feat_s = time.perf_counter() - t1
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu_s = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    wh.close()
    return {"rows": loaded, "source": source, "customers": len(feats), "load_seconds": load_s,
            "feature_seconds": feat_s, "feature_cpu_seconds": cpu_s, "cutoff": str(cut)}
