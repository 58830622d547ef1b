"""Fact extraction and the copy verifier: every wrong fact is caught, right facts pass."""

from __future__ import annotations

from datetime import date

import pytest

from growthpilot.genai.brief import BrandVoice, Brief
from growthpilot.genai.facts import extract_claims
from growthpilot.genai.prompts import clean_candidate
from growthpilot.genai.text_utils import detect_language, tokens
from growthpilot.genai.verify import CopyVerifier, fact_errors


def brief(**kw) -> Brief:
    base = dict(brief_id="b1", channel="sms", language="en", product_ids=("p1",), discount_pct=20.0,
                end_date=date(2026, 12, 31))
    base.update(kw)
    return Brief(**base)


def kinds(text):
    return {(c.kind, c.value) for c in extract_claims(text)}


def test_extracts_numbers_prices_discounts_dates_promises():
    k = kinds("Save 20% - now $49.99 until Dec 31. Free shipping!")
    assert ("percent", 20.0) in k and ("price", 49.99) in k and ("date", (None, 12, 31)) in k
    assert ("promise", "free_shipping") in k
    zh = kinds("全场8折，仅需¥99，12月31日截止，包邮")
    assert ("percent", 20.0) in zh and ("price", 99.0) in zh and ("date", (None, 12, 31)) in zh
    assert ("promise", "free_shipping") in zh
    assert ("date", (2026, 12, 31)) in kinds("Ends 2026-12-31")
    assert ("percent", 15.0) in kinds("限时85折") and ("percent", 50.0) in kinds("半折")
    assert not any(k == "promise" for k, _ in kinds("just in time for winter"))
    assert ("personal", "email") in kinds("write to jo@example.com")


def test_product_title_digits_are_not_prices():
    claims = extract_claims("Organic green tea 100g for you", ignore_spans=("Organic green tea 100g",))
    assert [c for c in claims if c.kind in ("number", "price")] == []


@pytest.mark.parametrize("text", [
    "Organic green tea 100g: 20% off until Dec 31",
    "Save 20% on Organic green tea 100g, now $10.39",
    "Organic green tea 100g only $12.99 at growthpilot shop, 20% off",
])
def test_true_copy_passes(products, text):
    assert CopyVerifier(products).check(text, brief()) == []


@pytest.mark.parametrize("text, category", [
    ("Organic green tea 100g: 50% off!", "discount"),
    ("Organic green tea 100g 20% off, now $5", "price"),
    ("Organic green tea 100g 20% off until Jan 15", "date"),
    ("Organic green tea 100g 20% off, 3 days only", "number"),
    ("Organic green tea 100g 20% off with free shipping", "promise"),
    ("Organic green tea 100g and Classic ceramic mug large, 20% off", "product"),
    ("Organic green tea 100g 20% off, also new earbuds", "product"),
    ("Organic green tea 100g, the best in the world, 20% off", "banned"),
    ("Organic green tea 100g 20% off, call +1 555 010 9999", "personal"),
])
def test_wrong_copy_is_rejected_with_reason(products, text, category):
    reasons = CopyVerifier(products).check(text, brief())
    assert any(r.startswith(category + ":") for r in reasons), reasons


def test_wrong_chinese_variant_is_rejected(products):
    reasons = CopyVerifier(products).check("有机绿茶 大号 8折", brief(language="zh"))
    assert any(r.startswith("product:") and "大号" in r for r in reasons)


def test_language_length_and_format(products):
    v = CopyVerifier(products)
    assert any(r.startswith("language:") for r in v.check("有机绿茶 100克 限时8折", brief()))
    assert v.check("有机绿茶 100克 限时8折", brief(language="zh")) == []
    long = "Organic green tea 100g 20% off " + "really " * 30
    assert any(r.startswith("length:") for r in v.check(long, brief(channel="ad_headline")))
    assert any(r.startswith("format:") for r in v.check("Sure! Here's a subject line for tea", brief()))
    assert any("does not name" in r for r in v.check("We appreciate your loyalty", brief()))
    assert any("does not name" in r for r in v.check("Sesame seeds: 20% off, just for you", brief()))
    assert v.check("Green tea: 20% off, just for you", brief()) == []
    assert any(r.startswith("date:") for r in v.check("Organic green tea 100g 20% off for Christmas", brief()))


def test_banned_phrases_from_brand_voice_and_out_of_stock(products):
    v = CopyVerifier(products, BrandVoice(banned_phrases=("cheap",)))
    assert any(r.startswith("banned:") for r in v.check("Organic green tea 100g, cheap and good", brief()))
    r = CopyVerifier(products).check("Wool socks size M 20% off", brief(product_ids=("p4",)))
    assert any("out of stock" in x for x in r)


def test_fact_errors_filters_categories():
    reasons = ["discount: x", "length: y", "product: z", "format: w"]
    assert fact_errors(reasons) == ["discount: x", "product: z"]


def test_clean_candidate_and_language_helpers():
    assert clean_candidate('Subject line: "Tea time"\nmore') == "Tea time"
    assert clean_candidate("Dear customers,\n1. Save on tea") == "Save on tea"
    assert detect_language("限时八折") == "zh" and detect_language("Tea sale") == "en"
    assert "deliver" not in tokens("deliveries") and "delivery" in tokens("deliveries")
    assert "绿茶" in tokens("有机绿茶")
