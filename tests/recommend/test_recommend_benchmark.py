"""benchmarks/recommend.py and the library behind it, on small synthetic files."""

import json
from pathlib import Path

import pandas as pd
from recommend_synth import make_groups
from tests.conftest import benchmark_script

from growthpilot.recommend.benchmark import prepare, run_benchmark, summary_json

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "recommend.py"


def test_ms_protocol_with_rating_threshold():
    df = make_groups(n_users=40, n_items=30, per_user=10)
    split = prepare(df, protocol="ms", user_col="customer_id", item_col="product_id", rating_col="rating",
                    time_col=None, rating_threshold=3.0)
    assert (split.test["rating"] >= 3).all() and (split.train["rating"] >= 3).all()
    assert len(split.train_seen) > len(split.train)  # seen-removal uses every training row
    rows, preds, latency = run_benchmark(split, user_col="customer_id", item_col="product_id",
                                         models=("popularity", "ease"), chosen="ease", latency_calls=20)
    assert {r["model"] for r in rows} == {"popularity", "ease"}
    assert latency["p99_ms"] >= latency["p50_ms"] > 0
    seen = set(zip(split.train_seen["customer_id"], split.train_seen["product_id"], strict=True))
    assert not any(p in seen for p in zip(preds["customer_id"], preds["product_id"], strict=True))
    s = summary_json(rows, latency, split=split, protocol="ms", k=10, chosen="ease", user_col="customer_id")
    assert set(s["models"]["ease"]) >= {"map", "ndcg_at_k", "precision_at_k", "recall_at_k", "coverage", "fit_s"}
    ease = next(r for r in rows if r["model"] == "ease")
    pop = next(r for r in rows if r["model"] == "popularity")
    assert ease["ndcg_at_k"] > pop["ndcg_at_k"]


def test_script_train_test_files_and_predictions(tmp_path, capsys):
    df = make_groups(n_users=40, n_items=30, per_user=10).rename(columns={"customer_id": "user",
                                                                         "product_id": "item"})
    train, test = df.iloc[::2], df.iloc[1::2]
    train.to_csv(tmp_path / "train.csv", sep="\t", index=False)
    test.to_csv(tmp_path / "test.tsv", sep="\t", index=False)
    out = tmp_path / "preds.csv"
    run = benchmark_script("recommend").main
    rc = run(["--train", str(tmp_path / "train.csv"), "--test", str(tmp_path / "test.tsv"),
              "--sep", "\\t", "--user-col", "user", "--item-col", "item", "--models",
              "popularity,itemknn", "--predictions-out", str(out), "--latency-calls", "5"])
    assert rc == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    summary = json.loads(last)
    assert set(summary["models"]) == {"popularity", "itemknn"}
    preds = pd.read_csv(out)
    assert list(preds.columns) == ["user", "item", "rank", "score"]
    assert preds.groupby("user")["rank"].max().max() == 10
    had = set(zip(train["user"], train["item"], strict=True))
    assert not any(p in had for p in zip(preds["user"], preds["item"], strict=True))


def test_script_time_protocol(tmp_path, capsys):
    df = make_groups(n_users=40, n_items=30, per_user=10)
    df.to_csv(tmp_path / "d.csv.gz", index=False)
    run = benchmark_script("recommend").main
    rc = run(["--data", str(tmp_path / "d.csv.gz"), "--time-col", "ts", "--protocol", "time",
              "--models", "popularity,popularity_recent,sar", "--latency-calls", "0"])
    assert rc == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["protocol"] == "time" and "popularity_recent" in summary["models"]


def test_evaluate_model_passes_the_ratings_as_strengths():
    from growthpilot.recommend import EASE
    from growthpilot.recommend.evaluate import evaluate_model

    df = make_groups(n_users=40, n_items=30, per_user=10)
    split = prepare(df, protocol="ms", user_col="customer_id", item_col="product_id", rating_col="rating",
                    time_col=None, rating_threshold=None)
    kw = dict(user_col="customer_id", item_col="product_id")
    _, _, rated = evaluate_model(lambda: EASE(l2=5.0, rating_exponent=0.5), split, rating_col="rating", **kw)
    _, _, plain = evaluate_model(lambda: EASE(l2=5.0, rating_exponent=0.5), split, **kw)
    assert len(set(rated.user_matrix_.data.round(6))) > 1  # sqrt(rating / mean rating)
    assert set(plain.user_matrix_.data) == {1.0}  # without ratings every strength is 1
