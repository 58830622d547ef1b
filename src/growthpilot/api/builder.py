"""The campaign builder's steps, over the campaigns package: audience -> offer -> copy -> send.

The audience is a segment's members (or everyone) filtered by consent for the chosen channel
(``growthpilot.campaigns``: opt-in, unsubscribes honoured); a campaign is saved as a
:class:`~growthpilot.campaigns.Campaign` whose variants are the chosen copy variants; sending
goes through ``send_campaign`` (consent, frequency caps, hashed holdout, budget) and the
file-export channel (``WORKSPACE/exports/<campaign_id>.csv``), recording every assignment in ``sends``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from growthpilot.api.problems import Problem
from growthpilot.api.records import records
from growthpilot.errors import UnknownTableError, ValidationError
from growthpilot.warehouse import Warehouse
from growthpilot.workspace import Workspace

DEFAULT_VARIANT = {"a": "We picked something for you: {offer}"}


def audience(wh: Warehouse, segment: str | None, channel: str, purpose: str = "marketing") -> tuple[int, list[str]]:
    """(candidates, the customer ids among them who consented to ``channel`` for ``purpose``)."""
    from growthpilot.campaigns import Audience, build_audience, consented

    if not wh.has_table("customers"):
        return 0, []
    if segment and not wh.has_table("segments"):
        return 0, []
    aud = build_audience(wh, Audience(segments=[segment] if segment else None))
    ids = aud["customer_id"].astype(str).tolist()
    ok = consented(wh, ids, channel, purpose)
    return len(ids), [c for c in ids if c in ok]


def _variant_texts(wh: Warehouse, variant_ids: list[str]) -> dict[str, str]:
    """The chosen variants' texts; none chosen gives the default. A chosen id that does not exist or whose
    copy failed the fact check is refused: the campaign must not go out with other copy than was picked."""
    if not variant_ids:
        return dict(DEFAULT_VARIANT)
    if not wh.has_table("copy_variants"):
        raise ValidationError("there are no copy variants yet", column="variant_ids", value=variant_ids,
                              expected="variant ids from POST /api/v1/copy/generate, or none for the default text")
    t = wh.table("copy_variants")
    df = wh.read(t.filter(t.variant_id.isin(variant_ids)).select("variant_id", "text", "status"))
    unknown = [v for v in variant_ids if v not in set(df["variant_id"].astype(str))]
    if unknown:
        raise ValidationError("unknown copy variant(s)", column="variant_ids", value=unknown,
                              expected="ids listed by GET /api/v1/copy/variants")
    rejected = sorted(set(df.loc[df["status"].astype(str) != "accepted", "variant_id"].astype(str)))
    if rejected:
        raise ValidationError("copy variant(s) not accepted by the fact check", column="variant_ids",
                              value=rejected, expected="accepted variants (GET /api/v1/copy/variants?status=accepted)")
    return {str(v): str(x) for v, x in zip(df["variant_id"], df["text"], strict=True) if v != "control"}


def create(wh: Warehouse, spec: dict[str, Any], created_by: str) -> dict[str, Any]:
    """Save a draft campaign from the builder's choices; returns its ``campaigns`` row."""
    from growthpilot.campaigns import Audience, Campaign

    cid = f"cmp-{uuid.uuid4().hex[:10]}"
    campaign = Campaign(
        campaign_id=cid, name=spec["name"], channel="file", offer=spec.get("offer") or "",
        subject=spec["name"], variants=_variant_texts(wh, list(spec.get("variant_ids") or [])),
        budget=spec.get("budget"), holdout_share=float(spec.get("holdout", 0.1)),
        consent_channel=spec.get("channel", "email"),
        audience=Audience(segments=[spec["segment"]] if spec.get("segment") else None),
    )
    campaign.save(wh)
    t = wh.table("campaigns")
    row = records(wh.read(t.filter(t.campaign_id == cid)))[0]
    return {**row, "created_by": created_by}


def send(ws: Workspace, campaign_id: str) -> dict[str, Any]:
    """Send a saved campaign through the file-export channel; returns the counts by fate."""
    from growthpilot.campaigns import Campaign, FileExportChannel, send_campaign

    wh = ws.warehouse
    try:
        campaign = Campaign.load(wh, campaign_id)
    except UnknownTableError:
        raise Problem(404, f"no campaign {campaign_id!r} made by the builder; create it with POST /api/v1/campaigns") from None
    except (TypeError, ValueError) as exc:
        raise Problem(409, f"campaign {campaign_id!r} has a spec this version cannot read: {exc}") from exc
    channel = FileExportChannel(ws.root / "exports" / f"{campaign_id}.csv")
    rep = send_campaign(wh, campaign, channel)
    counts = rep.counts
    return {"campaign_id": campaign_id, "sent": counts.get("sent", 0), "holdout": counts.get("holdout", 0),
            "excluded_no_consent": counts.get("no_consent", 0), "status": "sent", "counts": counts,
            "export": json.dumps(str(channel.path.relative_to(ws.root)))}
