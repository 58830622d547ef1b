"""The customer 360: one row of behavioural features per customer, as of a cutoff.

All features are one Ibis expression over the canonical tables, so the same code runs on
DuckDB, PostgreSQL and Spark, and only rows strictly before the cutoff are read
(point-in-time correct: adding later rows changes nothing).
"""

from __future__ import annotations

from datetime import date, datetime

import ibis
import ibis.expr.types as ir
import pandas as pd

from growthpilot.features.orders import DAY_S, as_timestamp, clean_lines, epoch_s, purchases, with_gaps

WINDOWS = (30, 90, 180, 365)
EVENT_TYPES = ("view", "cart", "open", "click", "purchase")


def _f(x: ir.Value) -> ir.Value:
    return x.cast("float64")


def _order_features(lines: ir.Table, cut_s: float) -> ir.Table:
    p = with_gaps(purchases(lines))
    days_before = (ibis.literal(cut_s) - p.t_s) / DAY_S
    win = {
        f"orders_{w}d": _f(ibis.ifelse(days_before <= w, 1, 0).sum()) for w in WINDOWS
    }
    spend_win = {
        "spend_90d": _f(ibis.ifelse(days_before <= 90, p.value, 0.0).sum()),
        "spend_prev_90d": _f(ibis.ifelse((days_before > 90) & (days_before <= 180), p.value, 0.0).sum()),
    }
    return p.group_by("customer_id").aggregate(
        n_orders=_f(p.count()),
        first_s=p.t_s.min(),
        last_s=p.t_s.max(),
        monetary=_f(p.value.sum()),
        aov=_f(p.value.mean()),
        aov_std=_f(p.value.std()),
        aov_max=_f(p.value.max()),
        items_per_order=_f(p.items.mean()),
        lines_per_order=_f(p.n_lines.mean()),
        ipt_mean=_f(p.gap_days.mean()),
        ipt_std=_f(p.gap_days.std()),
        ipt_min=_f(p.gap_days.min()),
        **win,
        **spend_win,
    )


def _line_features(lines: ir.Table) -> ir.Table:
    """One pass over the lines: price level, discount and campaign affinity, channels, returns."""
    buy = lines.filter(~lines.is_ret)
    ref = buy.group_by("product_id").aggregate(ref_price=buy.unit_price.mean())
    j = lines.left_join(ref, "product_id")
    is_buy = ~j.is_ret
    rel = j.unit_price / j.ref_price.nullif(0.0)
    out = j.group_by("customer_id").aggregate(
        price_mean=_f(ibis.ifelse(is_buy, j.unit_price, ibis.null("float64")).mean()),
        price_index=_f(ibis.ifelse(is_buy, rel, ibis.null("float64")).mean()),
        discount_mean=_f(ibis.ifelse(is_buy, j.discount, ibis.null("float64")).mean()),
        discount_line_share=_f(ibis.ifelse(is_buy, ibis.ifelse(j.discount > 0, 1.0, 0.0), ibis.null("float64")).mean()),
        campaign_line_share=_f(ibis.ifelse(j.campaign_id.notnull(), 1.0, 0.0).mean()),
        multi_channel=ibis.ifelse(j.channel.min() != j.channel.max(), 1.0, 0.0),
        n_products=_f(j.product_id.approx_nunique()),
        return_lines=_f(ibis.ifelse(j.is_ret, 1, 0).sum()),
        return_value=_f(ibis.ifelse(j.is_ret, j.amount.abs(), 0.0).sum()),
        gross_value=_f(ibis.ifelse(j.is_ret, 0.0, j.amount).sum()),
    )
    return out.mutate(return_rate=out.return_value / (out.gross_value + out.return_value).nullif(0.0)).drop(
        "gross_value")


def _category_features(lines: ir.Table, products: ir.Table) -> ir.Table:
    buy = lines.filter(~lines.is_ret)
    prod = products.select(product_id=products.product_id.cast("string"), category=products.category)
    j = buy.inner_join(prod, "product_id")
    per = j.group_by(["customer_id", "category"]).aggregate(v=j.amount.sum())
    w = ibis.window(group_by=per.customer_id, order_by=[per.v.desc(), per.category])
    ranked = per.mutate(rn=ibis.row_number().over(w))
    agg = per.group_by("customer_id").aggregate(n_categories=_f(per.count()), cat_total=per.v.sum())
    top = ranked.filter(ranked.rn == 0).select("customer_id", top_category=ranked.category, top_v=ranked.v)
    out = agg.inner_join(top, "customer_id")
    return out.select(
        "customer_id", "n_categories", "top_category",
        top_category_share=_f(out.top_v / out.cat_total.nullif(0.0)),
    )


def _event_features(events: ir.Table, cutoff: pd.Timestamp, cut_s: float) -> ir.Table:
    e = events.filter(events.customer_id.notnull(), events.ts < ibis.timestamp(cutoff))
    age = (ibis.literal(cut_s) - e.ts.epoch_seconds().cast("float64")) / DAY_S
    recent = age <= 90
    typed = {
        f"{et}s_90d": _f(ibis.ifelse(recent & (e.event_type == et), 1, 0).sum()) for et in EVENT_TYPES
    }
    return e.group_by(e.customer_id.cast("string").name("customer_id")).aggregate(
        events_30d=_f(ibis.ifelse(age <= 30, 1, 0).sum()),
        events_90d=_f(ibis.ifelse(recent, 1, 0).sum()),
        days_since_event=_f(age.min()),
        **typed,
    )


def _campaign_features(sends: ir.Table, outcomes: ir.Table | None, cutoff: pd.Timestamp) -> ir.Table:
    s = sends.filter(sends.ts < ibis.timestamp(cutoff)) if "ts" in sends.columns else sends.filter(False)
    treated = s.filter(s.arm.lower() != "control")
    sent = treated.group_by(treated.customer_id.cast("string").name("customer_id")).aggregate(
        n_sends=_f(treated.count())
    )
    if outcomes is None:
        return sent.mutate(n_conversions=ibis.literal(0.0), response_rate=ibis.literal(0.0))
    o = outcomes.filter(outcomes.ts < ibis.timestamp(cutoff), outcomes.outcome_type == "conversion")
    conv = o.group_by(o.customer_id.cast("string").name("customer_id")).aggregate(
        n_conversions=_f(o.count())
    )
    j = sent.left_join(conv, "customer_id")
    return j.select(
        "n_sends",
        customer_id=j.customer_id,
        n_conversions=j.n_conversions.fill_null(0.0),
        response_rate=j.n_conversions.fill_null(0.0) / j.n_sends.nullif(0.0),
    )


def _customer_attributes(customers: ir.Table, cutoff: pd.Timestamp, cut_s: float) -> ir.Table:
    c = customers
    cols = {"customer_id": c.customer_id.cast("string")}
    if "birth_year" in c.columns:
        cols["age"] = _f(ibis.literal(float(cutoff.year)) - c.birth_year.cast("float64"))
    if "created_at" in c.columns:
        created = c.created_at.epoch_seconds().cast("float64")
        cols["account_age_days"] = ibis.ifelse(c.created_at < ibis.timestamp(cutoff),
                                               (ibis.literal(cut_s) - created) / DAY_S, ibis.null("float64"))
    for name in ("acquisition_channel", "country"):
        if name in c.columns:
            cols[name] = c[name].cast("string")
    if len(cols) == 1:
        return None
    sel = c.select(**cols)
    return sel.group_by("customer_id").aggregate(**{k: sel[k].max() for k in cols if k != "customer_id"})


def customer_features(
    orders: ir.Table,
    cutoff: str | date | datetime | pd.Timestamp,
    *,
    customers: ir.Table | None = None,
    products: ir.Table | None = None,
    events: ir.Table | None = None,
    sends: ir.Table | None = None,
    outcomes: ir.Table | None = None,
) -> ir.Table:
    """Customer 360 features as of ``cutoff`` for every customer with a purchase before it.

    Parameters
    ----------
    orders : the canonical ``orders`` table (order lines; returns have negative quantity).
    cutoff : features use rows with ``ts < cutoff`` only.
    customers, products, events, sends, outcomes : optional canonical tables adding customer
        attributes (age, account age, acquisition channel, country), category mix, engagement
        and past campaign response.

    Returns
    -------
    ibis.Table
        One row per customer: RFM (``recency_days``, ``n_orders``, ``monetary``), BG/NBD inputs
        (``frequency``, ``t_x``, ``T``), inter-purchase times and their regularity, basket size
        and value, price level and discount affinity, returns, spend trend, recent activity,
        and, when given, category mix, engagement and campaign response.

    Examples
    --------
    >>> feats = customer_features(wh.table("orders"), "2024-01-01")   # doctest: +SKIP
    >>> wh.read(feats)                                                 # doctest: +SKIP
    """
    cut = as_timestamp(cutoff)
    cut_s = epoch_s(cut)
    lines = clean_lines(orders, cut)
    base = _order_features(lines, cut_s)
    lit = ibis.literal(cut_s)
    f = base.mutate(
        recency_days=(lit - base.last_s) / DAY_S,
        T=(lit - base.first_s) / DAY_S,
        t_x=(base.last_s - base.first_s) / DAY_S,
        frequency=base.n_orders - 1.0,
    )
    f = f.mutate(
        spend_trend=(f.spend_90d - f.spend_prev_90d) / (f.spend_90d + f.spend_prev_90d + 1.0),
        ipt_cv=f.ipt_std / f.ipt_mean.nullif(0.0),
        overdue=f.recency_days / f.ipt_mean.nullif(0.0),
        orders_per_month=f.n_orders / (f.T / 30.0 + 1.0),
    ).drop("first_s", "last_s")
    f = f.left_join(_line_features(lines), "customer_id").drop("customer_id_right")
    if customers is not None:
        attrs = _customer_attributes(customers, cut, cut_s)
        if attrs is not None:
            f = f.left_join(attrs, "customer_id").drop("customer_id_right")
    if products is not None and "category" in products.columns:
        f = f.left_join(_category_features(lines, products), "customer_id").drop("customer_id_right")
    if events is not None:
        f = f.left_join(_event_features(events, cut, cut_s), "customer_id").drop("customer_id_right")
    if sends is not None and {"arm", "customer_id"} <= set(sends.columns):
        camp = _campaign_features(sends, outcomes, cut)
        f = f.left_join(camp, "customer_id").drop("customer_id_right")
    return f.mutate(cutoff=ibis.literal(cut.date()))


def warehouse_features(wh, cutoff: str | date | datetime | pd.Timestamp) -> ir.Table:
    """:func:`customer_features` over a :class:`~growthpilot.warehouse.Warehouse`, using every
    optional canonical table the warehouse has."""
    opt = {name: wh.table(name) for name in ("customers", "products", "events", "sends", "outcomes")
           if wh.has_table(name)}
    return customer_features(wh.table("orders"), cutoff, **opt)
