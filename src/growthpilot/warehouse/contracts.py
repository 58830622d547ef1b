"""Canonical table contracts: the column names, types and keys every stage agrees on.

A contract is the single source of truth for a table's shape; ``docs/data-contracts.md``
documents the same tables for people. Output stages register their own contracts
with :func:`register`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.datatypes as dt
import pandas as pd

from growthpilot.errors import SchemaError, UnknownTableError


@dataclass(frozen=True)
class TableContract:
    """Shape of one canonical table.

    Parameters
    ----------
    name : table name in the warehouse.
    columns : column name -> ibis type string (``"string"``, ``"int64"``, ``"float64"``,
        ``"boolean"``, ``"timestamp"``, ``"date"``); all nullable unless listed in ``required``.
    keys : the columns that identify a row (used for de-duplication and upserts).
    required : columns that may not be null.
    description : one line for the docs.
    """

    name: str
    columns: dict[str, str]
    keys: tuple[str, ...]
    required: tuple[str, ...] = ()
    description: str = ""
    docs: dict[str, str] = field(default_factory=dict)

    @property
    def schema(self) -> ibis.Schema:
        return ibis.schema({c: dt.dtype(t) for c, t in self.columns.items()})

    def conform(self, df: pd.DataFrame, *, strict: bool = True) -> pd.DataFrame:
        """Return ``df`` with the contract's columns in order and types cast.

        Missing optional columns are added as nulls; a missing required column or,
        with ``strict``, an unknown extra column raises :class:`SchemaError`.
        """
        missing = [c for c in self.required if c not in df.columns]
        if missing:
            raise SchemaError(
                f"table {self.name!r} needs column(s) {missing}; got {list(df.columns)}"
            )
        extra = [c for c in df.columns if c not in self.columns]
        if strict and extra:
            raise SchemaError(
                f"table {self.name!r} has no column(s) {extra}; allowed: {list(self.columns)}"
            )
        out = pd.DataFrame(index=df.index)
        for col, typ in self.columns.items():
            s = df[col] if col in df.columns else pd.Series(None, index=df.index, dtype="object")
            out[col] = _cast(s, typ)
        return out.reset_index(drop=True)


_PANDAS = {
    "string": "string",
    "int64": "Int64",
    "int32": "Int32",
    "float64": "float64",
    "boolean": "boolean",
}


def _cast(s: pd.Series, typ: str) -> pd.Series:
    if typ == "timestamp":
        out = pd.to_datetime(s, errors="raise")
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_convert("UTC").dt.tz_localize(None)
        return out.astype("datetime64[us]")
    if typ == "date":
        return pd.to_datetime(s, errors="raise").dt.normalize().astype("datetime64[us]").dt.date
    if typ == "string":
        return s.astype("string").astype(object).where(s.notna(), None)
    return s.astype(_PANDAS[typ])


_REGISTRY: dict[str, TableContract] = {}


def register(contract: TableContract) -> TableContract:
    """Add (or replace) a contract in the registry and return it."""
    _REGISTRY[contract.name] = contract
    return contract


def get(name: str) -> TableContract:
    """The contract for ``name``; raises :class:`UnknownTableError` listing the known tables."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownTableError(
            f"no table contract named {name!r}; known: {', '.join(sorted(_REGISTRY))}"
        ) from None


def all_contracts() -> dict[str, TableContract]:
    return dict(_REGISTRY)


# --- canonical input tables -------------------------------------------------------------

CUSTOMERS = register(TableContract(
    "customers",
    {
        "customer_id": "string", "created_at": "timestamp", "country": "string", "city": "string",
        "locale": "string", "acquisition_channel": "string", "email": "string", "phone": "string",
        "name": "string", "address": "string", "birth_year": "int64",
    },
    keys=("customer_id",), required=("customer_id",),
    description="One row per known customer. Personal fields are pseudonymised at ingest.",
))

PRODUCTS = register(TableContract(
    "products",
    {
        "product_id": "string", "title": "string", "title_zh": "string", "description": "string",
        "description_zh": "string", "category": "string", "subcategory": "string", "brand": "string",
        "price": "float64", "cost": "float64", "in_stock": "boolean", "created_at": "timestamp",
    },
    keys=("product_id",), required=("product_id",),
    description="The catalogue; titles and descriptions in English and Chinese where known.",
))

ORDERS = register(TableContract(
    "orders",
    {
        "order_id": "string", "line_no": "int64", "customer_id": "string", "product_id": "string",
        "ts": "timestamp", "quantity": "float64", "unit_price": "float64", "amount": "float64",
        "discount": "float64", "is_return": "boolean", "channel": "string", "country": "string",
        "currency": "string", "campaign_id": "string",
    },
    keys=("order_id", "line_no"), required=("order_id", "line_no", "ts"),
    description="Order lines. customer_id null = anonymous order (still counts for demand); "
    "returns have is_return true and negative quantity/amount; discount is the fraction off list price.",
))

EVENTS = register(TableContract(
    "events",
    {
        "event_id": "string", "customer_id": "string", "ts": "timestamp", "event_type": "string",
        "product_id": "string", "campaign_id": "string", "session_id": "string", "value": "float64",
        "properties": "string",
    },
    keys=("event_id",), required=("event_id", "ts", "event_type"),
    description="Behaviour: view, cart, purchase, open, click, conversion, unsubscribe, ...; properties is JSON text.",
))

CAMPAIGNS = register(TableContract(
    "campaigns",
    {
        "campaign_id": "string", "name": "string", "channel": "string", "offer": "string",
        "start_ts": "timestamp", "end_ts": "timestamp", "budget": "float64", "status": "string",
        "arms": "string",
    },
    keys=("campaign_id",), required=("campaign_id",),
    description="Campaign definitions; arms is a comma-separated list such as 'control,email_a'.",
))

SENDS = register(TableContract(
    "sends",
    {
        "send_id": "string", "campaign_id": "string", "customer_id": "string", "arm": "string",
        "ts": "timestamp", "channel": "string", "status": "string", "cost": "float64",
    },
    keys=("send_id",), required=("send_id", "campaign_id", "customer_id", "arm"),
    description="Exposures: who was assigned which arm (including control/holdout) of which campaign.",
))

OUTCOMES = register(TableContract(
    "outcomes",
    {
        "outcome_id": "string", "campaign_id": "string", "customer_id": "string", "ts": "timestamp",
        "outcome_type": "string", "value": "float64",
    },
    keys=("outcome_id",), required=("outcome_id", "campaign_id", "customer_id", "outcome_type"),
    description="Measured responses to a campaign: open, click, visit, conversion (value = revenue).",
))

CHANNEL_SPEND = register(TableContract(
    "channel_spend",
    {
        "date": "date", "channel": "string", "geo": "string", "spend": "float64",
        "impressions": "float64", "clicks": "float64",
    },
    keys=("date", "channel", "geo"), required=("date", "channel", "spend"),
    description="Paid media per day or week and channel (and geo where known).",
))

REVIEWS = register(TableContract(
    "reviews",
    {
        "review_id": "string", "product_id": "string", "customer_id": "string", "ts": "timestamp",
        "rating": "int64", "title": "string", "text": "string", "language": "string",
    },
    keys=("review_id",), required=("review_id", "text"),
    description="Product reviews, English or Chinese; rating 1-5 where known.",
))

CONSENT = register(TableContract(
    "consent",
    {
        "customer_id": "string", "channel": "string", "purpose": "string", "granted": "boolean",
        "ts": "timestamp", "source": "string",
    },
    keys=("customer_id", "channel", "purpose"), required=("customer_id", "channel", "purpose", "granted"),
    description="Latest consent per customer, channel (email, sms, push, ads) and purpose (marketing, profiling).",
))

QUARANTINE = register(TableContract(
    "quarantine",
    {
        "run_id": "string", "target_table": "string", "source": "string", "row_number": "int64",
        "column_name": "string", "value": "string", "reason": "string", "expected": "string",
        "raw": "string", "ingested_at": "timestamp",
    },
    keys=("target_table", "source", "row_number"), required=("target_table", "source", "reason"),
    description="Every rejected input row with its reason; raw is the row as JSON text.",
))

RUNS = register(TableContract(
    "runs",
    {
        "run_id": "string", "stage": "string", "started_at": "timestamp", "finished_at": "timestamp",
        "status": "string", "params": "string", "metrics": "string", "model_version": "string",
    },
    keys=("run_id",), required=("run_id", "stage"),
    description="One row per stage run (ingest, simulate, customers, ...), with params and metrics as JSON.",
))

INPUT_TABLES = (
    "customers", "products", "orders", "events", "campaigns", "sends", "outcomes",
    "channel_spend", "reviews", "consent",
)
