"""Campaigns: definitions, audiences, hashed holdouts, consent and caps, channels, outcomes, reports."""

from growthpilot.campaigns.audience import build_audience
from growthpilot.campaigns.channels import FileExportChannel, Message, SMTPChannel, WebhookChannel
from growthpilot.campaigns.definition import Audience, Campaign
from growthpilot.campaigns.eligibility import consented, over_cap, record_unsubscribe
from growthpilot.campaigns.holdout import assign_arms, hash_unit, send_id
from growthpilot.campaigns.outcomes import ingest_outcomes
from growthpilot.campaigns.report import CAMPAIGN_RESULTS, campaign_report, customer_outcomes
from growthpilot.campaigns.send import SendReport, send_campaign

__all__ = [
    "Audience", "CAMPAIGN_RESULTS", "Campaign", "FileExportChannel", "Message", "SMTPChannel", "SendReport",
    "WebhookChannel", "assign_arms", "build_audience", "campaign_report", "consented", "customer_outcomes",
    "hash_unit", "ingest_outcomes", "over_cap", "record_unsubscribe", "send_campaign", "send_id",
]
