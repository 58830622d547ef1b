"""Campaign definitions: audience, offer, channel, copy variants, budget, holdout and frequency cap."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import pandas as pd

from growthpilot.errors import DataError, UnknownTableError
from growthpilot.warehouse import Warehouse
from growthpilot.warehouse.contracts import TableContract, register

CAMPAIGN_SPECS = register(TableContract(
    "campaign_specs", {"campaign_id": "string", "spec": "string", "updated_at": "timestamp"},
    keys=("campaign_id",), required=("campaign_id", "spec"),
    description="The full definition of each campaign as JSON (audience, copy variants, caps, holdout).",
))

CHANNELS = ("email", "webhook", "file")


@dataclass
class Audience:
    """Who may receive the campaign: filters over ``segments`` and ``customer_scores`` when they exist.

    Parameters
    ----------
    segments : keep customers whose ``rfm_segment`` (or ``cluster``) is one of these.
    min_churn_risk, min_p_purchase : thresholds on ``customer_scores``.
    plan_id : take the customers (and offers) of a ``targeting_plans`` plan.
    customer_ids : an explicit list.
    max_size : keep the best-scored customers up to this many.
    """

    segments: list[str] | None = None
    min_churn_risk: float | None = None
    min_p_purchase: float | None = None
    plan_id: str | None = None
    customer_ids: list[str] | None = None
    max_size: int | None = None


@dataclass
class Campaign:
    """A campaign. ``variants`` maps a copy-variant id to its text (``{name}``-style fields allowed);
    ``subject`` is the e-mail subject. Arms are ``control`` (the hashed holdout) plus the variant ids."""

    campaign_id: str
    name: str = ""
    channel: str = "email"
    offer: str = ""
    subject: str = "A message for you"
    variants: dict[str, str] = field(default_factory=lambda: {"a": "Hello {name}, we picked something for you."})
    budget: float | None = None
    cost_per_send: float = 0.0
    holdout_share: float = 0.1
    frequency_cap: int = 3
    cap_window_days: int = 7
    consent_channel: str | None = None
    purpose: str = "marketing"
    unsubscribe_url: str = "https://example.invalid/unsubscribe?c={campaign_id}&u={customer_id}"
    audience: Audience = field(default_factory=Audience)

    def __post_init__(self) -> None:
        if isinstance(self.audience, dict):
            self.audience = Audience(**self.audience)
        if self.channel not in CHANNELS:
            raise DataError(f"channel must be one of {CHANNELS}, got {self.channel!r}")
        if not 0 <= self.holdout_share < 1:
            raise DataError(f"holdout_share must be in [0, 1), got {self.holdout_share}")
        if not self.variants or "control" in self.variants:
            raise DataError("give at least one copy variant; 'control' is reserved for the holdout")

    @property
    def consent_on(self) -> str:
        """The consent channel checked before sending (``email`` for e-mail, else ``ads`` unless set)."""
        return self.consent_channel or ("email" if self.channel == "email" else "ads")

    @property
    def arms(self) -> list[str]:
        return ["control", *self.variants]

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def save(self, wh: Warehouse) -> None:
        """Write the ``campaigns`` row and the full spec (idempotent upserts)."""
        now = pd.Timestamp.now("UTC").tz_localize(None)
        wh.write("campaigns", pd.DataFrame([{
            "campaign_id": self.campaign_id, "name": self.name or self.campaign_id, "channel": self.channel,
            "offer": self.offer, "budget": self.budget, "status": "draft", "arms": ",".join(self.arms),
            "start_ts": now,
        }]), mode="upsert")
        wh.write("campaign_specs", pd.DataFrame([{"campaign_id": self.campaign_id, "spec": self.to_json(),
                                                  "updated_at": now}]), mode="upsert")

    @classmethod
    def load(cls, wh: Warehouse, campaign_id: str) -> Campaign:
        if not wh.has_table("campaign_specs"):
            raise UnknownTableError(f"no campaign {campaign_id!r}: create it first (growthpilot campaign create)")
        t = wh.table("campaign_specs")
        df = wh.read(t.filter(t.campaign_id == campaign_id))
        if df.empty:
            raise UnknownTableError(f"no campaign {campaign_id!r}: create it first (growthpilot campaign create)")
        return cls(**json.loads(df["spec"].iloc[0]))
