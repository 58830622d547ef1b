"""What every channel adapter receives and returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Message:
    """One message to one customer; ``send_id`` is stable and doubles as the idempotency key."""

    send_id: str
    campaign_id: str
    customer_id: str
    arm: str
    to: str | None
    subject: str
    body: str
    offer: str = ""
    unsubscribe_url: str = ""
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    """Outcome of handing one message to the channel."""

    send_id: str
    ok: bool
    error: str = ""


class Channel(Protocol):
    name: str

    def send(self, messages: Sequence[Message]) -> list[Delivery]:
        """Deliver the messages; never raise for one bad message, report it in its :class:`Delivery`."""
        ...
