"""Output tables of the customers stage: features, scores, segments and personas."""

from __future__ import annotations

from growthpilot.warehouse.contracts import TableContract, register

_FEATURES = (
    "n_orders", "monetary", "aov", "aov_std", "aov_max", "items_per_order", "lines_per_order",
    "discount_line_share", "campaign_line_share", "multi_channel", "ipt_mean", "ipt_std", "ipt_min",
    "orders_30d", "orders_90d", "orders_180d", "orders_365d", "spend_90d", "spend_prev_90d",
    "recency_days", "T", "t_x", "frequency", "spend_trend", "ipt_cv", "overdue", "orders_per_month",
    "price_mean", "price_index", "discount_mean", "n_products", "return_lines", "return_value", "return_rate",
    "n_categories", "top_category_share", "events_30d", "events_90d", "days_since_event", "views_90d",
    "carts_90d", "opens_90d", "clicks_90d", "purchases_90d", "n_sends", "n_conversions", "response_rate",
    "age", "account_age_days",
)

CUSTOMER_FEATURES = register(TableContract(
    "customer_features",
    {"customer_id": "string", "cutoff": "date", **{c: "float64" for c in _FEATURES},
     "top_category": "string", "acquisition_channel": "string", "country": "string",
     "model_version": "string", "run_id": "string"},
    keys=("customer_id", "cutoff"), required=("customer_id", "cutoff"),
    description="Customer 360 as of a cutoff (point-in-time): RFM, rhythm, basket, price, returns, engagement.",
))

CUSTOMER_SCORES = register(TableContract(
    "customer_scores",
    {
        "customer_id": "string", "cutoff": "date", "horizon_days": "int64", "expected_purchases": "float64",
        "median_purchases": "float64", "expected_spend": "float64", "p_alive": "float64", "churn_risk": "float64", "p_purchase": "float64",
        "p_purchase_30d": "float64", "next_order_date": "date", "reasons": "string", "model": "string",
        "model_version": "string", "run_id": "string",
    },
    keys=("customer_id", "cutoff", "horizon_days"), required=("customer_id", "cutoff", "horizon_days"),
    description="Per-customer predictions over a horizon: expected (mean) and median purchases, expected "
    "spend (CLV), P(alive), churn risk, "
    "P(purchase in horizon and in 30 days), next order date and top reasons (JSON list of sentences).",
))

SEGMENTS = register(TableContract(
    "segments",
    {"customer_id": "string", "rfm_segment": "string", "cluster": "int64", "r_score": "int64",
     "f_score": "int64", "m_score": "int64", "cutoff": "date", "model_version": "string", "run_id": "string"},
    keys=("customer_id",), required=("customer_id",),
    description="RFM named segment and behavioural cluster per customer.",
))

PERSONAS = register(TableContract(
    "personas",
    {"kind": "string", "segment": "string", "size": "int64", "revenue_share": "float64", "traits": "string",
     "model_version": "string", "run_id": "string"},
    keys=("kind", "segment"), required=("segment",),
    description="Persona card per RFM segment and cluster: size, revenue share, defining traits (JSON).",
))
