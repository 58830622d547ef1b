"""Channel adapters: file export (CSV), webhook (JSON POST) and SMTP e-mail, behind one ``send`` method."""

from growthpilot.campaigns.channels.base import Channel, Delivery, Message
from growthpilot.campaigns.channels.file_export import FileExportChannel
from growthpilot.campaigns.channels.smtp import SMTPChannel
from growthpilot.campaigns.channels.webhook import WebhookChannel

__all__ = ["Channel", "Delivery", "FileExportChannel", "Message", "SMTPChannel", "WebhookChannel"]
