"""Customer value and propensity benchmark: the chosen model against BG/NBD, RFM and past average.

    python benchmarks/customers.py --data ../shared/data/retail_uci_online_retail \
        --customer-col CustomerID --time-col InvoiceDate --amount-col 'Quantity*UnitPrice' \
        --order-col InvoiceNo --quantity-col Quantity --cutoff 2011-09-09 --horizon-days 90
    python benchmarks/customers.py --simulate --customers 5000
    python benchmarks/customers.py --speed-rows 10000000

Prints a table per model and, last, one JSON line of metrics. The chosen model's point forecast
(mean or median, picked by the internal backtest before the cutoff) is ``expected_purchases`` /
``expected_spend`` in ``--predictions-out``; ``mean_purchases`` / ``mean_spend`` are always the means.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pandas as pd  # noqa: E402

from growthpilot.benchmark_output import run_main, strict_json  # noqa: E402
from growthpilot.customers.benchmark import feature_speed, holdout_benchmark  # noqa: E402
from growthpilot.customers.transactions import load_transactions  # noqa: E402
from growthpilot.errors import DataError  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="transactions file or folder (CSV, CSV.gz, Parquet)")
    ap.add_argument("--customer-col", default="customer_id")
    ap.add_argument("--time-col", default="ts")
    ap.add_argument("--amount-col", default="amount", help="amount column, or A*B to multiply two columns")
    ap.add_argument("--order-col", default=None, help="order id; without it a purchase is a customer-day")
    ap.add_argument("--quantity-col", default=None)
    ap.add_argument("--product-col", default=None)
    ap.add_argument("--cutoff", help="YYYY-MM-DD: fit before, score the horizon after (default: end - horizon)")
    ap.add_argument("--horizon-days", type=int, default=90)
    ap.add_argument("--simulate", action="store_true", help="use growthpilot.simulate and score vs its truth")
    ap.add_argument("--customers", type=int, default=5000, help="simulated customers")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--n-windows", type=int, default=4)
    ap.add_argument("--speed-rows", type=int, default=0, help="also time features on this many order lines")
    ap.add_argument("--predictions-out", help="CSV of the chosen model's per-customer predictions")
    ap.add_argument("--debug", action="store_true", help="show the traceback of an input error")
    args = ap.parse_args(argv)
    if args.cutoff:
        try:
            pd.Timestamp(args.cutoff)
        except ValueError:
            ap.error(f"--cutoff {args.cutoff!r} is not a date; expected YYYY-MM-DD")
    if args.horizon_days < 1:
        ap.error("--horizon-days must be at least 1")
    result: dict = {}
    if args.simulate or args.data:
        if args.simulate:
            from growthpilot.simulate import SimConfig, simulate_shop

            cfg = SimConfig(customers=args.customers, seed=args.seed, horizon_days=args.horizon_days)
            tables = simulate_shop(cfg)
            orders, truth = tables["orders"], tables["truth_customers"]
            extra = {n: tables[n] for n in ("customers", "products", "events", "sends", "outcomes")
                     if n in tables}
            cutoff, source = cfg.end_ts, f"simulator(customers={args.customers}, seed={args.seed})"
        else:
            t = time.perf_counter()
            orders, rep = load_transactions(args.data, customer_col=args.customer_col, time_col=args.time_col,
                                            amount_col=args.amount_col, order_col=args.order_col,
                                            quantity_col=args.quantity_col, product_col=args.product_col)
            print(f"loaded {rep.rows} lines in {time.perf_counter() - t:.1f}s: {rep.anonymous} anonymous, "
                  f"{rep.returns} returns/cancellations, {rep.dropped_bad} with an empty or unreadable time or "
                  f"amount dropped" + "".join(f"; e.g. row {i} {c}={v!r}" for c, (i, v) in rep.examples.items()),
                  file=sys.stderr)
            truth, source, extra, seen = None, args.data, {}, rep.unpriced
            if orders.customer_id.notna().sum() == 0:
                raise DataError(f"no row of {args.data} has a customer id in {args.customer_col!r}")
            cutoff = args.cutoff or str((orders.ts.max() - pd.Timedelta(days=args.horizon_days)).date())
            end = pd.Timestamp(cutoff) + pd.Timedelta(days=args.horizon_days)
            if orders.ts.max() < end - pd.Timedelta(days=1):
                print(f"warning: the data ends {orders.ts.max()}, before the end of the horizon ({end.date()}): "
                      "holdout purchases after the data's end count as none", file=sys.stderr)
        if args.simulate:
            seen = None
        res = holdout_benchmark(orders, cutoff, args.horizon_days, truth=truth, n_windows=args.n_windows,
                                seed=args.seed, tables=extra, seen=seen)
        m = res["metrics"]
        cols = ["purchases_mae", "mean_purchases_mae", "median_purchases_mae", "spend_mae", "mean_spend_mae",
                "spearman", "auc", "pr_auc", "brier", "ece", "lift_top10", "total_spend_error", "fit_seconds"]
        print(f"\n{source}: cutoff {res['holdout_start']}, horizon {args.horizon_days} d, "
              f"{res['customers']} customers, selected by internal backtest ({res['validation_scheme']}): "
              f"{res['selected']}, point forecast of purchases: {res['point']}, of spend: {res['spend_point']}, "
              f"P(purchase) from: {res['proba_model']}")
        print("purchases_mae / spend_mae score each model's expected_purchases / expected_spend as written to "
              "--predictions-out: the selected point for 'selected', the mean for the others")
        print(f"{'model':<14}" + "".join(f"{c[:19]:>20}" for c in cols))
        for name, v in m.items():
            print(f"{name:<14}" + "".join(f"{v.get(c, float('nan')):>20.4f}" for c in cols))
        sel = m["selected"]
        gain = {b: 1 - sel["purchases_mae"] / m[b]["purchases_mae"] for b in ("bgnbd", "rfm_score", "past_average")}
        print("purchase-MAE improvement of the chosen model: "
              + ", ".join(f"vs {b} {g:+.1%}" for b, g in gain.items()))
        print(f"AUC: chosen {sel['auc']:.4f}, BG/NBD {m['bgnbd']['auc']:.4f}, RFM {m['rfm_score']['auc']:.4f}")
        result = {"source": source, "cutoff": res["holdout_start"], "horizon_days": args.horizon_days,
                  "customers": res["customers"], "selected": res["selected"], "point": res["point"],
                  "spend_point": res["spend_point"], "proba_model": res["proba_model"],
                  "validation_scheme": res["validation_scheme"], "train_windows": res["train_windows"],
                  "models": {k: {c: v[c] for c in ("purchases_mae", "mean_purchases_mae", "median_purchases_mae",
                                                   "spend_mae", "mean_spend_mae", "spearman", "auc", "fit_seconds",
                                                   "mae_vs_expected_purchases", "p_alive_mae")
                                 if c in v} for k, v in m.items()},
                  "mae_gain_vs_bgnbd": gain["bgnbd"], "mae_gain_vs_rfm": gain["rfm_score"],
                  "auc_gain_vs_bgnbd": sel["auc"] - m["bgnbd"]["auc"],
                  "auc_gain_vs_rfm": sel["auc"] - m["rfm_score"]["auc"],
                  "internal_validation": {k: {c: v[c] for c in ("purchases_mae", "median_purchases_mae", "auc")
                                              if c in v} for k, v in res["validation"].items()}}
        if args.predictions_out:
            p = res["predictions"]
            out = pd.DataFrame({  # expected_* = the chosen point forecast; mean_* = always the mean
                "customer_id": p["customer_id"], "expected_purchases": p["point_purchases"],
                "expected_spend": p["point_spend"], "p_purchase": p["p_purchase"], "p_alive": p["p_alive"],
                "mean_purchases": p["expected_purchases"], "mean_spend": p["expected_spend"],
                "median_purchases": p["median_purchases"], "point": res["point"], "spend_point": res["spend_point"]})
            out.to_csv(args.predictions_out, index=False)
            print(f"predictions written to {args.predictions_out}", file=sys.stderr)
    if args.speed_rows:
        sp = feature_speed(args.speed_rows, seed=args.seed)
        print(f"\nfeatures on {sp['rows']:,} {sp['source']} order lines (DuckDB): {sp['feature_seconds']:.1f}s "
              f"wall, {sp['feature_cpu_seconds']:.1f}s CPU, for {sp['customers']:,} customers "
              f"(load {sp['load_seconds']:.1f}s)")
        result["feature_speed"] = sp
    if not result:
        ap.error("give --data, --simulate or --speed-rows")
    print(json.dumps(strict_json(result), default=float))
    return result


if __name__ == "__main__":
    run_main(main)
