"""Build briefs from warehouse tables: one per segment or persona, or one per customer
with that customer's recommended products."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import pandas as pd

from growthpilot.genai.brief import Brief


def customer_language(locale: object) -> str:
    """``'zh'`` for zh* locales, else ``'en'``."""
    return "zh" if isinstance(locale, str) and locale.lower().startswith("zh") else "en"


def briefs_for_segments(
    segments: Sequence[str] | pd.DataFrame, products: pd.DataFrame, *, channel: str, language: str = "en",
    product_ids: Sequence[str] = (), discount_pct: float | None = None, end_date: date | None = None,
    promises: Sequence[str] = (), code: str | None = None, prefix: str = "seg",
) -> list[Brief]:
    """One brief per segment (a list of names, or a ``personas`` table with ``segment`` and ``traits``)."""
    if isinstance(segments, pd.DataFrame):
        items = [(str(r["segment"]), _traits_text(r.get("traits"))) for _, r in segments.iterrows()]
    else:
        items = [(str(s), str(s)) for s in segments]
    pids = tuple(product_ids) or _top_products(products, 1)
    return [Brief(brief_id=f"{prefix}-{i}-{channel}-{language}", channel=channel, language=language,
                  product_ids=tuple(pids), segment=seg, audience=aud, discount_pct=discount_pct, end_date=end_date,
                  promises=frozenset(promises), code=code) for i, (seg, aud) in enumerate(items)]


def briefs_for_customers(
    recommendations: pd.DataFrame, products: pd.DataFrame, *, channel: str, customers: pd.DataFrame | None = None,
    segments: pd.DataFrame | None = None, k: int = 2, discount_pct: float | None = None,
    end_date: date | None = None, promises: Sequence[str] = (), language: str | None = None,
) -> list[Brief]:
    """One brief per customer naming their top ``k`` recommended in-stock products.

    Language comes from ``customers.locale`` unless ``language`` is given; the customer id is
    kept on the brief (and the output row) but never put into the prompt.
    """
    stock = products.set_index(products["product_id"].astype(str))
    in_stock = set(stock.index[stock.get("in_stock", pd.Series(True, index=stock.index)).fillna(True).astype(bool)])
    loc = customers.set_index("customer_id")["locale"].to_dict() if customers is not None and "locale" in customers else {}
    seg = segments.set_index("customer_id")["rfm_segment"].to_dict() if segments is not None else {}
    out = []
    recs = recommendations.sort_values(["customer_id", "rank"])
    for cid, grp in recs.groupby("customer_id", sort=True):
        pids = tuple(p for p in grp["product_id"].astype(str) if p in in_stock)[:k]
        if not pids:
            continue
        lang = language or customer_language(loc.get(cid))
        out.append(Brief(brief_id=f"cust-{cid}-{channel}", channel=channel, language=lang, product_ids=pids,
                         segment=str(seg.get(cid, "customer")), audience="a returning customer",
                         discount_pct=discount_pct, end_date=end_date, promises=frozenset(promises),
                         customer_id=str(cid)))
    return out


def _traits_text(traits: object) -> str:
    if isinstance(traits, str):
        try:
            traits = json.loads(traits)
        except json.JSONDecodeError:
            return traits
    if isinstance(traits, dict):
        return ", ".join(f"{k}: {v}" for k, v in list(traits.items())[:4])
    return str(traits or "")


def _top_products(products: pd.DataFrame, n: int) -> tuple[str, ...]:
    p = products
    if "in_stock" in p:
        p = p[p["in_stock"].map(lambda v: True if pd.isna(v) else bool(v)).astype(bool)]  # unknown = in stock
    return tuple(p["product_id"].astype(str).head(n))
