"""Recommendation benchmark: any interactions file, the MS Recommenders or a time protocol.

Examples
--------
python benchmarks/recommend.py --data u.data --sep '\\t' --user-col user_id --item-col item_id \
    --rating-col rating --time-col timestamp --protocol ms --k 10
python benchmarks/recommend.py --train train.csv --test test.csv --user-col u --item-col i \
    --predictions-out preds.csv
python benchmarks/recommend.py --simulate --protocol time

Prints a table per model and, last, one JSON line of metrics.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # CPU time = idle wall time; no spinning threads

from growthpilot.benchmark_output import run_main, strict_json  # noqa: E402
from growthpilot.recommend.benchmark import (  # noqa: E402
    DEFAULT_MODELS,
    prepare,
    read_table,
    run_benchmark,
    simulated_interactions,
    split_from_files,
    summary_json,
    write_predictions,
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--data", help="interactions file (CSV/TSV, .gz, Parquet)")
    src.add_argument("--train", help="training file (use with --test)")
    src.add_argument("--simulate", action="store_true", help="use the project's retail simulator")
    ap.add_argument("--test", help="test file: recommend for its users, score against its rows")
    ap.add_argument("--sep", default=None, help="field separator (default: by extension; '\\t' for tab)")
    ap.add_argument("--user-col", default="customer_id")
    ap.add_argument("--item-col", default="product_id")
    ap.add_argument("--rating-col", default=None,
                    help="ratings: given to the models as interaction strengths (every test row stays relevant)")
    ap.add_argument("--time-col", default=None)
    ap.add_argument("--protocol", choices=("ms", "time"), default="ms")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--rating-threshold", type=float, default=None,
                    help="binarise ratings at >= this for training and test relevance (MS implicit models: 3.5)")
    ap.add_argument("--models", default=",".join(DEFAULT_MODELS), help="comma-separated model names")
    ap.add_argument("--predictions-out", default=None, help="CSV of the chosen model's top-k")
    ap.add_argument("--latency-calls", type=int, default=300, help="one-customer calls timed (0 = skip)")
    ap.add_argument("--sim-customers", type=int, default=2000)
    ap.add_argument("--sim-days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args(argv)

    user_col, item_col, time_col = a.user_col, a.item_col, a.time_col
    if a.train:
        if not a.test:
            ap.error("--train needs --test")
        split = split_from_files(read_table(a.train, sep=a.sep), read_table(a.test, sep=a.sep), user_col=user_col,
                                 item_col=item_col, rating_col=a.rating_col, rating_threshold=a.rating_threshold)
        protocol = "files"
    else:
        if a.simulate:
            df = simulated_interactions(customers=a.sim_customers, days=a.sim_days, seed=a.seed)
            user_col, item_col, time_col = "customer_id", "product_id", "ts"
        else:
            df = read_table(a.data, sep=a.sep)
        split = prepare(df, protocol=a.protocol, user_col=user_col, item_col=item_col, rating_col=a.rating_col,
                        time_col=time_col, rating_threshold=a.rating_threshold, seed=a.seed)
        protocol = a.protocol
    extra = 3.5 if a.rating_col and a.rating_threshold is None else None
    rows, preds, latency = run_benchmark(
        split, user_col=user_col, item_col=item_col, time_col=time_col, rating_col=a.rating_col,
        models=tuple(m.strip() for m in a.models.split(",") if m.strip()), k=a.k, latency_calls=a.latency_calls,
        extra_threshold=extra, chosen="hybrid" if "hybrid" in a.models else a.models.split(",")[-1].strip(),
        log=lambda m: print(m, file=sys.stderr, flush=True))
    if a.predictions_out and preds is not None and len(preds):
        write_predictions(preds, a.predictions_out, user_col=user_col, item_col=item_col)
    k = a.k
    head = f"{'model':18s} {'MAP':>7s} {f'nDCG@{k}':>8s} {f'P@{k}':>7s} {f'R@{k}':>7s} {'cover':>6s} " \
           f"{'novel':>6s} {'fit s':>7s} {'cpu s':>7s}"
    print(f"protocol={protocol} train={len(split.train)} test={len(split.test)} k={k}")
    for note in split.notes:
        print(f"note: {note}")
    print(head)
    for r in rows:
        print(f"{r['model']:18s} {r['map']:7.4f} {r['ndcg_at_k']:8.4f} {r['precision_at_k']:7.4f} "
              f"{r['recall_at_k']:7.4f} {r['coverage']:6.3f} {r['novelty']:6.2f} {r['fit_s']:7.2f} "
              f"{r['fit_cpu_s']:7.2f}")
        if "blend" in r:
            print(f"{'':18s} blend: {r['blend']}")
    if latency:
        print(f"serving top-{k} for one customer: p50 {latency['p50_ms']:.2f} ms, p99 {latency['p99_ms']:.2f} ms "
              f"(CPU time p50 {latency['cpu_p50_ms']:.2f} ms, p99 {latency['cpu_p99_ms']:.2f} ms)")
    summary = summary_json(rows, latency, split=split, protocol=protocol, k=k,
                           chosen="hybrid" if "hybrid" in a.models else "", user_col=user_col)
    print(json.dumps(strict_json(summary)))
    return 0


if __name__ == "__main__":
    run_main(main)
