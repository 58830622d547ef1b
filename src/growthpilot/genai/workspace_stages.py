"""Workspace-level runs of the genai stages, shared by the CLI and the loop.

``analyze_reviews`` scores every review and writes ``review_sentiment``, ``product_sentiment``
and ``customer_review_sentiment``; ``write_copy`` generates, verifies and ranks copy for briefs
and writes every candidate (rejections with reasons) to ``copy_variants``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from growthpilot.genai.brief import BrandVoice, Brief
from growthpilot.genai.copy_studio import CopyStudio
from growthpilot.genai.reviews import ReviewAnalyzer, customer_review_sentiment, product_sentiment


@dataclass
class ReviewRun:
    scored: pd.DataFrame
    per_product: pd.DataFrame
    topics: list
    model_version: str
    metrics: dict


def analyze_reviews(ws, classifier, *, run_id: str) -> ReviewRun:
    """Fit ``classifier`` (on star ratings unless already fitted), score reviews and write the tables."""
    wh = ws.warehouse
    reviews = wh.read("reviews")
    analyzer = ReviewAnalyzer(classifier=classifier).fit(reviews)
    scored = analyzer.transform(reviews, run_id=run_id, progress=lambda n: None)
    wh.write("review_sentiment", scored, mode="upsert")
    per_product = product_sentiment(scored, reviews)
    wh.write("product_sentiment", per_product, mode="replace")
    wh.write("customer_review_sentiment", customer_review_sentiment(scored), mode="replace")
    counts = scored["label"].value_counts().to_dict()
    metrics = {"reviews": len(scored), **{f"n_{k}": int(v) for k, v in counts.items()},
               "val_accuracy": getattr(analyzer.classifier_, "val_accuracy_", None)}
    return ReviewRun(scored, per_product, analyzer.topic_terms_, analyzer.classifier_.model_version, metrics)


def write_copy(ws, briefs: Sequence[Brief], *, llm, variants: int, run_id: str,
               voice: BrandVoice | None = None, progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Generate -> verify -> rank copy for ``briefs``; every candidate goes to ``copy_variants``."""
    wh = ws.warehouse
    studio = CopyStudio(llm=llm, products=wh.read("products"), voice=voice or BrandVoice())
    table = studio.generate(list(briefs), n_variants=variants, run_id=run_id, progress=progress or (lambda n: None))
    wh.write("copy_variants", table, mode="upsert")
    return table
