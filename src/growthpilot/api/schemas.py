"""Request and response models, split by role: ``*Create`` (input), ``*Public`` (output), ``Page`` (lists).

Row models allow extra columns, so a stage that adds a column shows up without an API change.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

T = TypeVar("T")
Id = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:@\-]+$")


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class Input(BaseModel):
    """Base of request bodies: NUL characters are refused (no engine stores them safely)."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise ValueError("text may not contain NUL (\\u0000) characters")
        return data


class Row(BaseModel):
    model_config = ConfigDict(extra="allow")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items`` plus the total and the window asked for."""

    items: list[T]
    total: int
    limit: int
    offset: int


class HealthPublic(BaseModel):
    status: Literal["ok"]
    version: str
    tables: int


# --- customers -----------------------------------------------------------------------------
class CustomerPublic(Row):
    customer_id: str
    country: str | None = None
    city: str | None = None
    locale: str | None = None
    acquisition_channel: str | None = None
    created_at: str | None = None


class ScorePublic(Row):
    customer_id: str
    horizon_days: int | None = None
    expected_purchases: float | None = None
    expected_spend: float | None = None
    p_alive: float | None = None
    churn_risk: float | None = None
    p_purchase_30d: float | None = None
    next_order_date: str | None = None
    reasons: list[str] = []
    model_version: str | None = None
    run_id: str | None = None


class ReasonsPublic(BaseModel):
    customer_id: str
    reasons: list[str]
    run_id: str | None = None


class PiiPublic(BaseModel):
    customer_id: str
    fields: dict[str, str]


# --- segments ------------------------------------------------------------------------------
class SegmentSummary(BaseModel):
    segment: str
    customers: int


class PersonaPublic(Row):
    segment: str
    size: int | None = None
    revenue_share: float | None = None
    traits: dict[str, Any] | list[Any] | str | None = None


# --- recommendations / forecasts -----------------------------------------------------------
class RecommendationPublic(Row):
    customer_id: str
    rank: int
    product_id: str
    score: float | None = None
    model: str | None = None
    model_version: str | None = None
    title: str | None = None


class RecommendationList(BaseModel):
    customer_id: str
    items: list[RecommendationPublic]


class ForecastPoint(Row):
    ds: str
    y_hat: float | None = None
    lo_90: float | None = None
    hi_90: float | None = None


class ForecastSeries(BaseModel):
    unique_id: str
    level: str | None = None
    model: str | None = None
    points: list[ForecastPoint]


class SeriesPublic(BaseModel):
    unique_id: str
    level: str | None = None
    points: int


# --- campaigns / experiments ---------------------------------------------------------------
Channel = Literal["email", "sms", "push", "ads"]


class CampaignCreate(Input):
    name: str = Field(min_length=1, max_length=200)
    channel: Channel = "email"
    offer: str = Field(default="", max_length=200)
    budget: float | None = Field(default=None, ge=0, le=1e12)
    segment: str | None = Field(default=None, max_length=100, description="rfm_segment of the audience")
    variant_ids: list[str] = Field(default=[], max_length=20)
    holdout: float = Field(default=0.1, ge=0.0, le=0.9, description="share kept as control")


class CampaignPublic(Row):
    campaign_id: str
    name: str | None = None
    channel: str | None = None
    offer: str | None = None
    status: str | None = None
    budget: float | None = None
    arms: str | None = None


class ResultPublic(Row):
    campaign_id: str
    arm: str | None = None
    metric: str | None = None
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    lift: float | None = None
    p_value: float | None = None


class ExperimentPublic(BaseModel):
    campaign_id: str
    results: list[ResultPublic]


class AudienceQuery(Input):
    segment: str | None = Field(default=None, max_length=100)
    channel: Channel = "email"
    purpose: Literal["marketing", "profiling"] = "marketing"


class AudiencePublic(BaseModel):
    segment: str | None
    channel: str
    candidates: int
    consented: int


class SendPublic(BaseModel):
    campaign_id: str
    sent: int
    holdout: int
    excluded_no_consent: int
    status: str
    counts: dict[str, int] = {}
    export: str | None = None


# --- copy / assistant ----------------------------------------------------------------------
class CopyVariantPublic(Row):
    variant_id: str
    brief_id: str | None = None
    channel: str | None = None
    language: str | None = None
    segment: str | None = None
    text: str | None = None
    status: str | None = None
    score: float | None = None


class CopyBriefCreate(Input):
    product_id: str | None = Field(default=None, max_length=128)
    segment: str | None = Field(default=None, max_length=100)
    channel: Channel = "email"
    language: Literal["en", "zh"] = "en"
    offer: str = Field(default="", max_length=200)
    n_variants: int = Field(default=3, ge=1, le=10)


class ChatMessage(Input):
    role: Literal["user", "assistant"]
    content: str = Field(min_length=1, max_length=4000)


class ChatRequest(Input):
    messages: list[ChatMessage] = Field(min_length=1, max_length=20)


class ChatPublic(BaseModel):
    answer: str
    sources: list[str] = []
    model: str | None = None


# --- events --------------------------------------------------------------------------------
class EventCreate(Input):
    event_id: str = Id
    ts: str = Field(description="ISO-8601 time", pattern=r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-]\d{2}:?\d{2})?$")
    event_type: str = Field(min_length=1, max_length=64)
    customer_id: str | None = Field(default=None, max_length=128)
    product_id: str | None = Field(default=None, max_length=128)
    campaign_id: str | None = Field(default=None, max_length=128)
    session_id: str | None = Field(default=None, max_length=128)
    value: float | None = Field(default=None, ge=-1e12, le=1e12)
    properties: dict[str, Any] | None = None


class EventBatch(Input):
    events: list[EventCreate] = Field(min_length=1, max_length=1000)


class EventBatchPublic(BaseModel):
    accepted: int
    new_or_changed: int
    total: int


# --- privacy -------------------------------------------------------------------------------
class ConsentPublic(Row):
    customer_id: str
    channel: str
    purpose: str
    granted: bool
    ts: str | None = None
    source: str | None = None


class ConsentUpdate(Input):
    channel: Channel
    purpose: Literal["marketing", "profiling"]
    granted: bool
    source: str = Field(default="api", max_length=64)


class ConsentUpdates(Input):
    updates: list[ConsentUpdate] = Field(min_length=1, max_length=50)


class ErasureCreate(Input):
    customer_id: str = Id


class ReceiptPublic(BaseModel):
    receipt_id: str
    erased_at: str
    subject_commitment: str
    salt: str
    tables: dict[str, dict[str, Any]]
    files: dict[str, dict[str, Any]]
    total_rows: int
    digest: str
    signature: str
    verification: dict[str, bool] = {}


class DPReportCreate(Input):
    table: str = Field(max_length=64)
    by: str = Field(max_length=64)
    epsilon: float = Field(gt=0, le=10)
    value: str | None = Field(default=None, max_length=64)
    upper: float | None = Field(default=None, gt=0, le=1e9)
    categories: list[str] | None = Field(default=None, max_length=500)


class DPReportPublic(BaseModel):
    kind: str
    table: str
    by: str
    epsilon: float
    scale: float
    rows: list[dict[str, Any]]
    value: str | None
    upper: float | None
    categories_public: bool
    spent_after: float
    budget_total: float


class BudgetPublic(BaseModel):
    total: float
    spent: float
    remaining: float


class RetentionPublic(BaseModel):
    dry_run: bool
    deleted: dict[str, int]


class AuditPublic(Row):
    audit_id: str
    ts: str | None = None
    key_id: str | None = None
    role: str | None = None
    action: str | None = None
    method: str | None = None
    path: str | None = None
    subject_id: str | None = None
    status: int | None = None


# --- keys ----------------------------------------------------------------------------------
Role = Literal["admin", "analyst", "marketer", "viewer"]


class KeyCreate(Input):
    role: Role
    name: str = Field(default="", max_length=100)
    rate_limit: int = Field(default=600, ge=1, le=1_000_000, description="requests per minute")


class KeyPublic(BaseModel):
    key_id: str
    name: str
    role: str
    rate_limit: int
    created_at: str | None
    revoked: bool


class KeyCreated(KeyPublic):
    key: str = Field(description="the secret key; shown only once")
