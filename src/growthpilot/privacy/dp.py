"""Differentially private aggregate reports with OpenDP.

Privacy unit: one customer. Rows are first reduced to one row per customer (their
category and, for sums, their clamped total), so adding or removing a customer
changes one count by 1 and one sum by at most ``upper``. Counts use OpenDP's
``count_by_categories`` with (discrete) Laplace noise; sums clamp, sum and add
Laplace noise per category (categories are disjoint, so they compose in parallel).
Noise scales are found with ``binary_search_param`` to meet the requested epsilon,
and the budget is charged before anything is released.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from growthpilot.errors import ValidationError
from growthpilot.privacy.budget import PrivacyBudget
from growthpilot.warehouse import Warehouse

# tables and columns a DP report may group by or sum, all keyed to a customer
REPORTABLE: dict[str, dict[str, tuple[str, ...]]] = {
    "customers": {"by": ("country", "city", "locale", "acquisition_channel"), "values": ("birth_year",)},
    "segments": {"by": ("rfm_segment", "cluster"), "values": ()},
    "orders": {"by": ("country", "channel", "currency"), "values": ("amount", "quantity")},
    "customer_scores": {"by": ("horizon_days",), "values": ("expected_spend", "expected_purchases")},
}


@dataclass
class DPReport:
    """A released report: noisy values per category plus how they were made."""

    kind: str
    table: str
    by: str
    epsilon: float
    scale: float
    rows: list[dict[str, object]] = field(default_factory=list)
    value: str | None = None
    upper: float | None = None
    categories_public: bool = False
    spent_after: float = 0.0
    budget_total: float = 0.0


def _dp():
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp


def _per_customer(wh: Warehouse, table: str, by: str, value: str | None) -> pd.DataFrame:
    spec = REPORTABLE.get(table)
    if spec is None:
        raise ValidationError("table not open to DP reports", column="table", value=table,
                              expected=" | ".join(REPORTABLE))
    if by not in spec["by"]:
        raise ValidationError("column not allowed as a DP group", column="by", value=by,
                              expected=" | ".join(spec["by"]))
    if value is not None and value not in spec["values"]:
        raise ValidationError("column not allowed as a DP value", column="value", value=value,
                              expected=" | ".join(spec["values"]) or "none for this table")
    if not wh.has_table(table):
        raise ValidationError(f"table {table!r} is not in the warehouse yet", column="table", value=table,
                              expected="a table produced by ingest or a pipeline stage")
    t = wh.table(table)
    t = t.filter(t.customer_id.notnull())
    # one row per customer: their most common category and, for sums, their total
    agg = {"cat": t[by].cast("string").mode()}
    if value is not None:
        agg["val"] = t[value].cast("float64").sum()
    return wh.read(t.group_by("customer_id").aggregate(**agg))


def dp_report(
    wh: Warehouse, budget: PrivacyBudget, *, table: str, by: str, epsilon: float, value: str | None = None,
    upper: float | None = None, categories: list[str] | None = None, key_id: str = "",
) -> DPReport:
    """Release a DP count (``value`` None) or clamped sum of ``value`` per ``by`` category.

    ``categories`` should come from public knowledge (a country list, the segment names); when
    omitted they are read from the data and the report says so (``categories_public`` False).
    """
    if not 0 < epsilon <= 10:
        raise ValidationError("epsilon out of range", column="epsilon", value=epsilon, expected="0 < epsilon <= 10")
    if value is not None and (upper is None or not upper > 0):
        raise ValidationError("a DP sum needs a positive clamp bound", column="upper", value=upper,
                              expected="upper > 0, the most one customer may contribute")
    df = _per_customer(wh, table, by, value)
    cats = [str(c) for c in (categories or sorted(df["cat"].dropna().astype(str).unique()))][:500]
    budget.charge(epsilon, f"{'sum' if value else 'count'}:{table}.{value or '*'} by {by}", key_id)
    dp = _dp()
    rows: list[dict[str, object]] = []
    if value is None:
        space = dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance()

        def make(s: float):
            return space >> dp.t.then_count_by_categories(categories=cats, null_category=False) >> dp.m.then_laplace(scale=s)

        scale = dp.binary_search_param(make, d_in=1, d_out=float(epsilon))
        noisy = make(scale)(df["cat"].fillna("").astype(str).tolist())
        rows = [{"category": c, "value": max(int(v), 0)} for c, v in zip(cats, noisy, strict=False)]
    else:
        space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.symmetric_distance()
        assert upper is not None
        bounds = (0.0, float(upper))

        def make(s: float):
            return space >> dp.t.then_clamp(bounds) >> dp.t.then_sum() >> dp.m.then_laplace(scale=s)

        scale = dp.binary_search_param(make, d_in=1, d_out=float(epsilon))
        meas = make(scale)
        vals = df.assign(val=df["val"].fillna(0.0).astype(float))
        for c in cats:
            part = vals.loc[vals["cat"].astype(str) == c, "val"].tolist()
            rows.append({"category": c, "value": round(max(float(meas(part)), 0.0), 2)})
    return DPReport(kind="sum" if value else "count", table=table, by=by, epsilon=float(epsilon), scale=float(scale),
                    rows=rows, value=value, upper=upper, categories_public=categories is not None,
                    spent_after=budget.spent(), budget_total=budget.total)
