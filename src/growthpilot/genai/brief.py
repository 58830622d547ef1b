"""What a piece of copy must say: :class:`Brief`, :class:`BrandVoice` and channel limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Maximum characters per channel and language. English limits follow common platform
# limits (Google Ads RSA headline 30 / description 90, SMS 160 GSM-7 chars; Chinese SMS
# is UCS-2, 70 chars); Chinese copy gets about half the characters of English.
CHANNEL_LIMITS: dict[str, dict[str, int]] = {
    "email_subject": {"en": 60, "zh": 30},
    "preview_text": {"en": 90, "zh": 45},
    "push": {"en": 110, "zh": 50},
    "sms": {"en": 160, "zh": 70},
    "ad_headline": {"en": 30, "zh": 15},
    "ad_description": {"en": 90, "zh": 45},
    "product_description": {"en": 500, "zh": 250},
}
CHANNELS = tuple(CHANNEL_LIMITS)
LANGUAGES = ("en", "zh")

# Promises a copy may only make when the brief grants them (key -> description).
PROMISE_KEYS = ("free_shipping", "free_returns", "gift", "bogo", "guarantee", "warranty", "fast_delivery",
                "limited_stock", "urgency", "new_arrival", "bestseller")


@dataclass
class BrandVoice:
    """How the brand speaks.

    Parameters
    ----------
    name : brand name (always allowed in copy).
    tone : a few adjectives given to the model ("warm, playful, concise").
    do : style rules given to the model.
    banned_phrases : phrases that must never appear (added to the built-in banned claims).
    examples : past winning lines; new copy is ranked by similarity to these.
    emoji : whether emoji are allowed.
    """

    name: str = "growthpilot shop"
    tone: str = "friendly, clear, confident"
    do: tuple[str, ...] = ("use plain words", "one idea per line")
    banned_phrases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    emoji: bool = False


@dataclass
class Brief:
    """The facts one piece of copy may use, and where it goes.

    Parameters
    ----------
    brief_id : identifier (kept in ``copy_variants``).
    channel : one of :data:`CHANNELS`.
    language : ``"en"`` or ``"zh"``.
    product_ids : catalogue products the copy may name (the first is the hero).
    segment : segment or persona label the copy is written for.
    audience : plain description of the segment or persona (for the prompt).
    discount_pct : percent off, if the offer has one.
    end_date : last day of the offer, if any.
    promises : keys from :data:`PROMISE_KEYS` the offer really includes.
    code : promo code, if any.
    free_shipping_min : order value above which shipping is free, if stated.
    customer_id : set for one-to-one copy (never written into the text).
    currency : currency symbol for prices.
    """

    brief_id: str
    channel: str
    language: str
    product_ids: tuple[str, ...] = ()
    segment: str = "all"
    audience: str = ""
    discount_pct: float | None = None
    end_date: date | None = None
    promises: frozenset[str] = field(default_factory=frozenset)
    code: str | None = None
    free_shipping_min: float | None = None
    customer_id: str | None = None
    currency: str = "$"

    @property
    def max_chars(self) -> int:
        return CHANNEL_LIMITS[self.channel][self.language]
