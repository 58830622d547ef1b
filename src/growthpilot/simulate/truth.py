"""Table contracts of the simulator's ground-truth tables (``truth_*``) and media tables."""

from __future__ import annotations

from growthpilot.warehouse.contracts import TableContract, register

TRUTH_CUSTOMERS = register(TableContract(
    "truth_customers",
    {
        "customer_id": "string", "purchase_rate": "float64", "dropout_prob": "float64",
        "expected_lifetime_purchases": "float64", "dropout_ts": "timestamp", "alive_at_end": "boolean",
        "p_alive": "float64", "mean_spend_per_order": "float64", "price_sensitivity": "float64",
        "preferred_category": "string", "category_preferences": "string", "purchases_in_window": "int64",
        "horizon_days": "int64", "expected_purchases_horizon": "float64", "expected_spend_horizon": "float64",
        "realised_purchases_horizon": "int64", "acquisition_channel": "string", "country": "string", "age": "int64",
    },
    keys=("customer_id",), required=("customer_id",),
    description="Latent traits of every simulated customer: purchase rate per day, dropout probability per "
    "purchase (BG/NBD), active at the cut-off, oracle P(alive), spend per order, price sensitivity, category "
    "preferences (JSON), and expected/realised purchases and spend in the horizon after the cut-off.",
))

TRUTH_UPLIFT = register(TableContract(
    "truth_uplift",
    {
        "campaign_id": "string", "customer_id": "string", "arm": "string", "base_prob": "float64",
        "true_uplift": "float64", "true_uplift_email_a": "float64", "true_uplift_email_b": "float64",
        "alive": "boolean",
    },
    keys=("campaign_id", "customer_id"), required=("campaign_id", "customer_id", "arm"),
    description="Per send: P(conversion in the campaign window) without the e-mail (base_prob), the true "
    "uplift of the assigned arm (0 for control) and of each treatment arm (null when the campaign lacks it).",
))

TRUTH_CHANNELS = register(TableContract(
    "truth_channels",
    {
        "channel": "string", "true_roi": "float64", "adstock_type": "string", "adstock_alpha": "float64",
        "adstock_theta": "float64", "adstock_l_max": "int64", "saturation_type": "string",
        "saturation_beta": "float64", "saturation_k": "float64", "saturation_slope": "float64",
        "saturation_lam": "float64", "total_contribution": "float64", "total_spend": "float64",
        "mroi": "float64", "contribution_share": "float64",
    },
    keys=("channel",), required=("channel", "true_roi"),
    description="Per paid channel: true ROI (incremental revenue / spend over the window), adstock and "
    "saturation parameters, contribution and marginal ROI at current spend.",
))

TRUTH_REVIEWS = register(TableContract(
    "truth_reviews",
    {"review_id": "string", "sentiment": "string", "rating": "int64", "latent_score": "float64"},
    keys=("review_id",), required=("review_id", "sentiment"),
    description="Known sentiment (positive / negative / neutral) of every simulated review.",
))

MMM_LIFT_TESTS = register(TableContract(
    "mmm_lift_tests",
    {
        "test_id": "string", "channel": "string", "geo": "string", "start_date": "date", "end_date": "date",
        "delta_spend": "float64", "lift": "float64", "lift_se": "float64", "true_lift": "float64",
        "x": "float64", "delta_x": "float64", "delta_y": "float64", "sigma": "float64",
    },
    keys=("test_id",), required=("test_id", "channel", "start_date", "end_date", "delta_spend", "lift"),
    description="Simulated lift (incrementality) tests per channel: extra spend, measured lift with its "
    "standard error, and the per-week form (x, delta_x, delta_y, sigma) used for MMM calibration.",
))

TRUTH_TABLES = ("truth_customers", "truth_uplift", "truth_channels", "truth_reviews")
