"""File export: a CSV for e-mail tools, or for ad platforms (customer-match style, hashed e-mails)."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from pathlib import Path

from growthpilot.campaigns.channels.base import Delivery, Message

EMAIL_COLUMNS = ["send_id", "campaign_id", "customer_id", "arm", "email", "subject", "body", "offer",
                 "unsubscribe_url"]
ADS_COLUMNS = ["send_id", "campaign_id", "customer_id", "arm", "hashed_email", "offer"]


def hashed_email(email: str | None) -> str:
    """SHA-256 of the trimmed, lower-cased address (the format ad platforms' customer lists expect)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest() if email else ""


class FileExportChannel:
    """Append messages to a CSV file; rows already in the file (same ``send_id``) are not written twice.

    Parameters
    ----------
    path : the CSV file.
    layout : ``"email"`` (address, subject, body) or ``"ads"`` (SHA-256 hashed address, no text).
    """

    name = "file"

    def __init__(self, path: str | Path, *, layout: str = "email") -> None:
        self.path = Path(path)
        self.layout = layout

    def send(self, messages: Sequence[Message]) -> list[Delivery]:
        cols = ADS_COLUMNS if self.layout == "ads" else EMAIL_COLUMNS
        seen: set[str] = set()
        if self.path.exists():
            with self.path.open(newline="") as fh:
                seen = {r["send_id"] for r in csv.DictReader(fh)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists()
        with self.path.open("a", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=cols)
            if new:
                w.writeheader()
            for m in messages:
                if m.send_id in seen:
                    continue
                row = {"send_id": m.send_id, "campaign_id": m.campaign_id, "customer_id": m.customer_id,
                       "arm": m.arm, "offer": m.offer}
                if self.layout == "ads":
                    row["hashed_email"] = hashed_email(m.to)
                else:
                    row.update(email=m.to or "", subject=m.subject, body=m.body, unsubscribe_url=m.unsubscribe_url)
                w.writerow(row)
                seen.add(m.send_id)
        return [Delivery(m.send_id, True) for m in messages]
