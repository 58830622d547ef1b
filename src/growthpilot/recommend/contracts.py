"""The ``recommendations`` output table contract."""

from __future__ import annotations

from growthpilot.warehouse.contracts import TableContract, register

RECOMMENDATIONS = register(TableContract(
    "recommendations",
    {
        "customer_id": "string", "rank": "int64", "product_id": "string", "score": "float64",
        "model": "string", "model_version": "string", "run_id": "string",
    },
    keys=("customer_id", "rank"), required=("customer_id", "rank", "product_id"),
    description="Top-k products per customer (rank 1 = best), with the model and run that made them.",
))
