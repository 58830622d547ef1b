"""Send a campaign: audience -> consent and caps -> hashed holdout -> budget -> channel -> ``sends``.

Re-running is safe: every message has a deterministic ``send_id``; customers already recorded as
``sent`` or ``holdout`` for the campaign are skipped, so nobody gets the same campaign twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from growthpilot.campaigns.audience import build_audience
from growthpilot.campaigns.channels.base import Channel, Message
from growthpilot.campaigns.definition import Campaign
from growthpilot.campaigns.eligibility import consented, over_cap
from growthpilot.campaigns.holdout import assign_arms, priority, send_id
from growthpilot.warehouse import Warehouse


@dataclass
class SendReport:
    """What a send did, customer counts by fate."""

    campaign_id: str
    audience: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)  # why deliveries failed: message -> how many

    def as_dict(self) -> dict:
        return {"campaign_id": self.campaign_id, "audience": self.audience, **self.counts}


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _render(text: str, fields: dict) -> str:
    return text.format_map(_SafeDict({k: ("" if pd.isna(v) else v) for k, v in fields.items()}))


def send_campaign(wh: Warehouse, campaign: Campaign, channel: Channel, *, now: datetime | None = None,
                  run_id: str = "", reveal: Callable[[list[str], str], dict[str, str]] | None = None) -> SendReport:
    """Send ``campaign`` through ``channel`` and record every assignment in ``sends``.

    Personal fields are pseudonymised in the warehouse; ``reveal(customer_ids, field)`` (for example
    :meth:`growthpilot.privacy.Vault.reveal_field`) gives the real addresses for delivery, which are
    used in memory only and never written back.
    """
    now = pd.Timestamp(now or pd.Timestamp.now("UTC").tz_localize(None)).to_pydatetime()
    aud = build_audience(wh, campaign.audience)
    rep = SendReport(campaign.campaign_id, audience=len(aud))
    counts: Counter[str] = Counter()
    ids = aud["customer_id"].astype(str).tolist()
    done: set[str] = set()
    if wh.has_table("sends"):
        s = wh.table("sends")
        prev = wh.read(s.filter((s.campaign_id == campaign.campaign_id) & s.status.isin(["sent", "holdout"]))
                       .select("customer_id"))
        done = set(prev["customer_id"])
    counts["already_done"] = sum(c in done for c in ids)
    ids = [c for c in ids if c not in done]
    ok = consented(wh, ids, campaign.consent_on, campaign.purpose)
    counts["no_consent"] = sum(c not in ok for c in ids)
    ids = [c for c in ids if c in ok]
    capped = over_cap(wh, ids, max_sends=campaign.frequency_cap, window_days=campaign.cap_window_days, now=now)
    counts["over_cap"] = len(capped)
    ids = [c for c in ids if c not in capped]
    info = aud.set_index(aud["customer_id"].astype(str))
    for fld in ("email", "name") if reveal is not None else ():
        if fld in info.columns:
            real = reveal(ids, fld)
            info[fld] = [real.get(c, v) for c, v in zip(info.index, info[fld], strict=True)]
    if campaign.channel == "email":
        has = {c for c in ids if isinstance(info.at[c, "email"], str) and "@" in info.at[c, "email"]}
        counts["no_address"] = len(ids) - len(has)
        ids = [c for c in ids if c in has]
    arms = assign_arms(ids, campaign.campaign_id, holdout_share=campaign.holdout_share,
                       variants=list(campaign.variants))
    holdout = [c for c, a in zip(ids, arms, strict=True) if a == "control"]
    treat = [(c, a) for c, a in zip(ids, arms, strict=True) if a != "control"]
    if campaign.budget is not None and campaign.cost_per_send > 0:
        spent = 0.0
        if wh.has_table("sends"):
            s = wh.table("sends")
            spent = float(wh.read(s.filter((s.campaign_id == campaign.campaign_id) & (s.status == "sent"))
                                  .aggregate(c=s.cost.sum()))["c"].fillna(0).iloc[0])
        room = max(int((campaign.budget - spent) // campaign.cost_per_send), 0)
        order = np.argsort(priority([c for c, _ in treat], campaign.campaign_id))
        counts["over_budget"] = max(len(treat) - room, 0)
        treat = [treat[i] for i in sorted(order[:room])]
    messages = []
    for c, arm in treat:
        fields = {**info.loc[c].to_dict(), "customer_id": c, "offer": campaign.offer}
        unsub = _render(campaign.unsubscribe_url, {"campaign_id": campaign.campaign_id, "customer_id": c})
        messages.append(Message(send_id(campaign.campaign_id, c), campaign.campaign_id, c, arm,
                                info.at[c, "email"] if "email" in info.columns else None,
                                _render(campaign.subject, fields), _render(campaign.variants[arm], fields),
                                campaign.offer, unsub))
    deliveries = {d.send_id: d for d in channel.send(messages)} if messages else {}
    report_errors: dict[str, int] = {}
    rows = [{"send_id": send_id(campaign.campaign_id, c), "campaign_id": campaign.campaign_id,
             "customer_id": c, "arm": "control", "ts": now, "channel": campaign.channel, "status": "holdout",
             "cost": 0.0} for c in holdout]
    for m in messages:
        d = deliveries.get(m.send_id)
        sent = d is not None and d.ok
        rows.append({"send_id": m.send_id, "campaign_id": campaign.campaign_id, "customer_id": m.customer_id,
                     "arm": m.arm, "ts": now, "channel": campaign.channel, "status": "sent" if sent else "failed",
                     "cost": campaign.cost_per_send if sent else 0.0})
        counts["sent" if sent else "failed"] += 1
        if not sent:
            why = d.error if d is not None and d.error else "the channel reported no delivery"
            report_errors[why] = report_errors.get(why, 0) + 1
    counts["holdout"] = len(holdout)
    if rows:
        wh.write("sends", pd.DataFrame(rows), mode="upsert")
    wh.write("campaigns", pd.DataFrame([{"campaign_id": campaign.campaign_id, "name": campaign.name or
                                         campaign.campaign_id, "channel": campaign.channel, "offer": campaign.offer,
                                         "budget": campaign.budget, "status": "sent",
                                         "arms": ",".join(campaign.arms), "start_ts": now}]), mode="upsert")
    rep.counts = {k: int(v) for k, v in counts.items()}
    rep.errors = report_errors
    return rep
