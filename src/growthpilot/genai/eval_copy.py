"""Copy benchmark logic: briefs from the simulator, an independent fact audit, rates and throughput."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pandas as pd

from growthpilot.genai.brief import CHANNELS, Brief
from growthpilot.genai.copy_studio import CopyStudio
from growthpilot.genai.verify import fact_errors

BENCH_CHANNELS = ("email_subject", "preview_text", "push", "sms", "ad_headline", "ad_description")
PROMISE_CHOICES = ((), ("free_shipping",), ("free_returns",), ("free_shipping", "free_returns"))


def simulated_briefs(tables: dict[str, pd.DataFrame], n: int = 200, seed: int = 0) -> list[Brief]:
    """``n`` briefs over the simulated catalogue: mixed channels, en/zh, discounts, end dates,
    promises; half per segment, half per customer with products from their favourite category."""
    rng = np.random.default_rng(seed)
    products = tables["products"]
    stock = products[products["in_stock"].fillna(True).astype(bool)].reset_index(drop=True)
    orders = tables.get("orders")
    customers = tables.get("customers")
    fav: dict[str, list[str]] = {}
    if orders is not None and customers is not None and len(orders):
        o = orders.dropna(subset=["customer_id"]).merge(products[["product_id", "category"]], on="product_id")
        top = o.groupby(["customer_id", "category"]).size().reset_index(name="n").sort_values("n", ascending=False)
        top = top.drop_duplicates("customer_id")
        fav = dict(zip(top.customer_id, top.category, strict=True))
    locales = dict(zip(customers.customer_id, customers.locale, strict=True)) if customers is not None else {}
    cust_ids = list(fav)
    base = date(2026, 12, 1)
    briefs = []
    for i in range(n):
        channel = BENCH_CHANNELS[i % len(BENCH_CHANNELS)]
        per_customer = bool(cust_ids) and i % 2 == 1
        cid = None
        if per_customer:
            cid = cust_ids[int(rng.integers(len(cust_ids)))]
            pool = stock[stock.category == fav[cid]]
            lang = "zh" if str(locales.get(cid, "")).lower().startswith("zh") else ("zh" if i % 4 == 3 else "en")
        else:
            pool = stock
            lang = "zh" if i % 4 == 2 else "en"
        pool = pool if len(pool) else stock
        pids = tuple(pool.sample(min(2, len(pool)), random_state=int(rng.integers(1 << 30)))["product_id"].astype(str))
        disc = [None, 10, 15, 20, 25, 30][int(rng.integers(6))]
        end = base + timedelta(days=int(rng.integers(0, 45))) if rng.random() < 0.6 else None
        promises = PROMISE_CHOICES[int(rng.integers(len(PROMISE_CHOICES)))]
        briefs.append(Brief(brief_id=f"bench-{i:03d}", channel=channel, language=lang, product_ids=pids[:1 + (i % 2)],
                            segment="customer" if per_customer else ["loyal", "at_risk", "new", "bargain_hunters"][i % 4],
                            audience="a returning customer" if per_customer else "shoppers who like good value",
                            discount_pct=disc, end_date=end, promises=frozenset(promises), customer_id=cid))
    assert all(b.channel in CHANNELS for b in briefs)
    return briefs


def audit_numbers(text: str, brief: Brief, products: pd.DataFrame) -> list[str]:
    """An independent check written apart from the verifier: every digit group in the text must be
    a number the simulator's truth supports (discount, its complement, prices, sale prices,
    end-date parts, digits inside the brief's product titles)."""
    idx = products.set_index("product_id")
    ok: set[str] = set()
    titles = ""
    for pid in brief.product_ids:
        price = float(idx.loc[pid, "price"])
        titles += f" {idx.loc[pid, 'title']} {idx.loc[pid, 'title_zh']}"
        for v in (price, price * (1 - (brief.discount_pct or 0) / 100), price * (brief.discount_pct or 0) / 100):
            ok |= {f"{v:.2f}", f"{round(v)}", f"{int(v)}", f"{v:.1f}"}
    if brief.discount_pct:
        d = brief.discount_pct
        ok |= {f"{d:g}", f"{100 - d:g}", f"{(100 - d) / 10:g}"}
    if brief.end_date:
        e = brief.end_date
        ok |= {str(e.year), str(e.month), f"{e.month:02d}", str(e.day), f"{e.day:02d}"}
    ok |= set(re.findall(r"\d+(?:\.\d+)?", titles))
    errs = [n for n in re.findall(r"\d+(?:\.\d+)?", text.replace(",", "")) if n not in ok and n.lstrip("0") not in ok]
    return [f"unsupported number {n}" for n in errs]


def run_copy(studio: CopyStudio, briefs: list[Brief], *, n_variants: int = 2,
             progress: Callable[[int], None] | None = None) -> tuple[dict, pd.DataFrame]:
    """Generate for every brief; report raw model fact-error rate vs after verification, and throughput."""
    t0 = time.monotonic()
    table = studio.generate(briefs, n_variants=n_variants, progress=progress)
    elapsed = time.monotonic() - t0
    import json

    table["reason_list"] = table["reasons"].map(json.loads)
    by_id = {b.brief_id: b for b in briefs}
    table["fact_errors"] = table["reason_list"].map(lambda r: len(fact_errors(r)))
    table["audit"] = [audit_numbers(t, by_id[b], studio.products) for t, b in zip(table.text, table.brief_id, strict=True)]
    llm = table[table.generator == "llm"]
    acc = table[table.status == "accepted"]
    acc_llm = acc[acc.generator == "llm"]
    raw_err = llm["fact_errors"].gt(0) | llm["audit"].map(bool)
    metrics = {
        "briefs": len(briefs), "llm_candidates": len(llm),
        "raw_llm_fact_error_rate": float(raw_err.mean()) if len(llm) else None,
        "raw_llm_any_rejection_rate": float(llm["reason_list"].map(
            lambda r: any(not x.startswith(("ranked out", "near-duplicate", "duplicate")) for x in r)).mean())
        if len(llm) else None,
        "accepted": len(acc), "accepted_from_llm": len(acc_llm),
        "accepted_fact_errors": int(acc["fact_errors"].sum() + acc["audit"].map(len).sum()),
        "accepted_fact_error_rate": float((acc["fact_errors"].gt(0) | acc["audit"].map(bool)).mean()) if len(acc) else 0.0,
        "briefs_with_n_variants": int((acc.groupby("brief_id").size() >= n_variants).sum()),
        "seconds": round(elapsed, 1),
        "candidates_per_minute": round(len(table) / elapsed * 60, 1) if elapsed else None,
        "accepted_variants_per_minute": round(len(acc) / elapsed * 60, 1) if elapsed else None,
        "languages": table.groupby("language").size().to_dict(),
    }
    return metrics, table.drop(columns=["reason_list"])
