"""Webhook: one JSON POST per message with an ``Idempotency-Key`` header, retries and exponential backoff."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import asdict

from growthpilot.campaigns.channels.base import Delivery, Message

RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


class WebhookChannel:
    """POST each message as JSON to ``url``.

    Server errors (5xx), 408/425/429 and connection failures are retried up to ``max_retries`` times with
    exponential backoff (``backoff * 2**attempt`` seconds, honouring ``Retry-After``); other 4xx fail at once.
    The receiver de-duplicates with the ``Idempotency-Key`` header (the message's ``send_id``), so a retry
    after a lost response never delivers twice.
    """

    name = "webhook"

    def __init__(self, url: str, *, headers: dict[str, str] | None = None, max_retries: int = 4,
                 backoff: float = 0.5, timeout: float = 10.0, sleep: Callable[[float], None] = time.sleep) -> None:
        self.url = url
        self.headers = headers or {}
        self.max_retries = max_retries
        self.backoff = backoff
        self.timeout = timeout
        self.sleep = sleep

    def _post(self, m: Message) -> Delivery:
        body = json.dumps({k: v for k, v in asdict(m).items()}).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": m.send_id, **self.headers}
        error = ""
        for attempt in range(self.max_retries + 1):
            req = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
            wait = self.backoff * 2**attempt
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - user-set URL
                    if 200 <= resp.status < 300:
                        return Delivery(m.send_id, True)
                    error = f"HTTP {resp.status}"
            except urllib.error.HTTPError as exc:
                error = f"HTTP {exc.code}"
                if exc.code not in RETRY_STATUS:
                    return Delivery(m.send_id, False, error)
                ra = exc.headers.get("Retry-After") if exc.headers else None
                if ra and ra.isdigit():
                    wait = max(wait, float(ra))
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                error = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
            if attempt < self.max_retries:
                self.sleep(wait)
        return Delivery(m.send_id, False, f"{error} after {self.max_retries + 1} attempts")

    def send(self, messages: Sequence[Message]) -> list[Delivery]:
        return [self._post(m) for m in messages]
