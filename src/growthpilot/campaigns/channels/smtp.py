"""SMTP e-mail through :mod:`smtplib`, one connection per batch, with unsubscribe headers."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import make_msgid

from growthpilot.campaigns.channels.base import Delivery, Message


class SMTPChannel:
    """Send e-mails through an SMTP server.

    Every mail carries ``List-Unsubscribe`` (RFC 2369/8058) and an unsubscribe line in the body, and an
    ``X-GrowthPilot-Send-Id`` header with the message's idempotency key. Recipients refused by the server
    are reported as failed deliveries; nothing is raised for one bad address.
    """

    name = "email"

    def __init__(self, host: str = "localhost", port: int = 25, *, sender: str = "shop@example.invalid",
                 username: str | None = None, password: str | None = None, starttls: bool = False,
                 use_ssl: bool = False, timeout: float = 30.0) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password = username, password
        self.starttls, self.use_ssl, self.timeout = starttls, use_ssl, timeout

    def _mail(self, m: Message) -> EmailMessage:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, m.to, m.subject
        msg["Message-ID"] = make_msgid(idstring=m.send_id, domain=self.sender.split("@")[-1])
        msg["X-GrowthPilot-Send-Id"] = m.send_id
        msg["X-GrowthPilot-Campaign"] = m.campaign_id
        if m.unsubscribe_url:
            msg["List-Unsubscribe"] = f"<{m.unsubscribe_url}>"
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        footer = f"\n\n--\nTo stop these e-mails: {m.unsubscribe_url}" if m.unsubscribe_url else ""
        msg.set_content(m.body + footer)
        return msg

    def send(self, messages: Sequence[Message]) -> list[Delivery]:
        if not messages:
            return []
        cls = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
        out = []
        try:
            with cls(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                for m in messages:
                    if not m.to:
                        out.append(Delivery(m.send_id, False, "no e-mail address"))
                        continue
                    try:
                        refused = smtp.send_message(self._mail(m))
                        out.append(Delivery(m.send_id, not refused, str(refused) if refused else ""))
                    except smtplib.SMTPException as exc:
                        out.append(Delivery(m.send_id, False, f"{type(exc).__name__}: {exc}"))
        except (OSError, smtplib.SMTPException) as exc:
            done = {d.send_id for d in out}
            out += [Delivery(m.send_id, False, f"SMTP server {self.host}:{self.port}: {exc}")
                    for m in messages if m.send_id not in done]
        return out
