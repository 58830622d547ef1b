"""Copy studio: generate -> verify -> de-duplicate -> rank with a fake model."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from growthpilot.errors import ValidationError
from growthpilot.genai.brief import BrandVoice, Brief
from growthpilot.genai.briefs import briefs_for_customers, briefs_for_segments
from growthpilot.genai.copy_studio import COPY_VARIANTS, CopyStudio
from growthpilot.genai.eval_copy import audit_numbers, run_copy

LINES = [
    "Organic green tea 100g: 20% off until Dec 31",     # true
    "Organic green tea 100g now 50% off!",              # wrong discount
    "Organic green tea 100g 20% off + a free gift",     # promise not granted
    "Organic green tea 100g: 20% off until Dec 31!",    # duplicate of the first
    "Get the Classic ceramic mug large at 20% off",     # wrong product
    "Tea lovers: Organic green tea 100g is 20% off",    # true, different
]


def scripted(lines):
    state = {"i": 0}

    def respond(messages, params):
        state["i"] += 1
        return lines[(state["i"] - 1) % len(lines)]

    return respond


@pytest.fixture
def brief():
    return Brief("b1", "email_subject", "en", ("p1",), segment="loyal", discount_pct=20, end_date=date(2026, 12, 31))


def test_generate_keeps_rejections_with_reasons(products, embedder, fake_llm, brief):
    studio = CopyStudio(llm=fake_llm(scripted(LINES)), products=products, embedder=embedder, oversample=3,
                        use_templates=False)
    table = studio.generate([brief], n_variants=2)
    assert list(table.columns) == list(COPY_VARIANTS.columns)
    acc = table[table.status == "accepted"]
    assert 1 <= len(acc) <= 2 and acc["score"].notna().all()
    assert set(acc.text) <= {LINES[0], LINES[5], LINES[3]}
    rej = table[table.status == "rejected"].set_index("text")
    assert json.loads(rej.loc[LINES[1], "reasons"])[0].startswith("discount:")
    assert json.loads(rej.loc[LINES[2], "reasons"])[0].startswith("promise:")
    assert any(r.startswith("product:") for r in json.loads(rej.loc[LINES[4], "reasons"]))
    assert (table.generator == "llm").all() and table.run_id.nunique() == 1
    COPY_VARIANTS.conform(table)  # fits the contract


def test_near_duplicates_are_removed(products, embedder, fake_llm, brief):
    lines = [LINES[0], "Organic green tea 100g - 20% off until Dec 31", LINES[5]]
    studio = CopyStudio(llm=fake_llm(scripted(lines)), products=products, embedder=embedder, oversample=1,
                        use_templates=False, dedup_threshold=0.9)
    table = studio.generate([brief], n_variants=3)
    reasons = [r for rs in table.reasons.map(json.loads) for r in rs]
    assert any(r.startswith(("near-duplicate", "duplicate")) for r in reasons)
    assert (table.status == "accepted").sum() == 2


def test_templates_give_safe_variants_when_the_model_fails(products, embedder, fake_llm):
    bad = fake_llm(lambda m, p: "50% OFF EVERYTHING!!! call 555-123-4567")
    b = Brief("b2", "sms", "zh", ("p2",), discount_pct=15, promises=frozenset({"free_shipping"}))
    table = CopyStudio(llm=bad, products=products, embedder=embedder).generate([b], n_variants=2)
    acc = table[table.status == "accepted"]
    assert len(acc) == 2 and (acc.generator == "template").all()
    assert all("马克杯" in t for t in acc.text)
    assert (table[table.generator == "llm"].status == "rejected").all()


def test_ranking_prefers_past_winners(products, embedder, fake_llm, brief):
    lines = ["Tea lovers: Organic green tea 100g is 20% off", "Organic green tea 100g: 20% off until Dec 31"]
    studio = CopyStudio(llm=fake_llm(scripted(lines)), products=products, embedder=embedder, oversample=1,
                        use_templates=False, dedup_threshold=0.99)
    table = studio.generate([brief], n_variants=2, past_winners=["Tea lovers: a treat for you"])
    acc = table[table.status == "accepted"].sort_values("score", ascending=False)
    assert acc.text.iloc[0].startswith("Tea lovers")


def test_model_errors_become_rejections(products, embedder, fake_llm, brief):
    from growthpilot.genai.testing import FakeTransport

    llm = fake_llm(None, transport=FakeTransport(lambda m, p: "x", fail_first=100), retries=0)
    table = CopyStudio(llm=llm, products=products, embedder=embedder).generate([brief], n_variants=1)
    llm_rows = table[table.generator == "llm"]
    assert (llm_rows.status == "rejected").all() and llm_rows.reasons.str.contains("model:").all()
    assert (table.status == "accepted").sum() == 1


def test_prompt_carries_facts_voice_and_language(products, embedder, fake_llm, brief):
    llm = fake_llm(scripted(LINES[:1]))
    voice = BrandVoice(name="Leaf & Co", tone="calm")
    CopyStudio(llm=llm, products=products, embedder=embedder, voice=voice, oversample=1).generate([brief], n_variants=1)
    msgs = llm.transport.calls[0]["body"]["messages"]
    text = msgs[0]["content"] + " " + msgs[-1]["content"]
    assert "Leaf & Co" in text and "calm" in text and "20% off" in text and "2026-12-31" in text and "$12.99" in text
    zh = Brief("b3", "push", "zh", ("p1",), discount_pct=20)
    CopyStudio(llm=llm, products=products, embedder=embedder, oversample=1).generate([zh], n_variants=1)
    assert "有机绿茶" in llm.transport.calls[-1]["body"]["messages"][-1]["content"]


def test_copying_the_prompt_example_is_rejected(products, embedder, fake_llm):
    llm = fake_llm(lambda m, p: "Sunrise jasmine candle: 15% off, just for you")
    b = Brief("b4", "email_subject", "en", ("p1",), discount_pct=15)
    table = CopyStudio(llm=llm, products=products, embedder=embedder, use_templates=False).generate([b])
    assert (table.status == "rejected").all() and table.reasons.str.contains("banned").all()


def test_invalid_briefs_are_explained(products, embedder):
    studio = CopyStudio(llm=None, products=products, embedder=embedder)
    with pytest.raises(ValidationError, match="channel"):
        studio.generate([Brief("x", "fax", "en", ("p1",))])
    with pytest.raises(ValidationError, match="catalogue"):
        studio.generate([Brief("x", "sms", "en", ("p9",))])


def test_briefs_per_segment_and_per_customer(products):
    segs = briefs_for_segments(pd.DataFrame({"segment": ["loyal", "new"], "traits": ['{"recency": "low"}', "{}"]}),
                               products, channel="push", discount_pct=10)
    assert [b.segment for b in segs] == ["loyal", "new"] and "recency" in segs[0].audience
    recs = pd.DataFrame({"customer_id": ["c1", "c1", "c1", "c2"], "rank": [1, 2, 3, 1],
                         "product_id": ["p4", "p2", "p3", "p1"]})
    customers = pd.DataFrame({"customer_id": ["c1", "c2"], "locale": ["zh-CN", "en-US"]})
    bs = briefs_for_customers(recs, products, channel="sms", customers=customers, k=2)
    by = {b.customer_id: b for b in bs}
    assert by["c1"].product_ids == ("p2", "p3")  # p4 is out of stock
    assert by["c1"].language == "zh" and by["c2"].language == "en"


def test_run_copy_reports_rates(products, embedder, fake_llm, brief):
    studio = CopyStudio(llm=fake_llm(scripted(LINES)), products=products, embedder=embedder, oversample=3)
    metrics, table = run_copy(studio, [brief], n_variants=2)
    assert metrics["raw_llm_fact_error_rate"] == pytest.approx(3 / 6)
    assert metrics["accepted_fact_errors"] == 0 and metrics["accepted"] == 2
    assert audit_numbers("Organic green tea 100g 20% off, $10.39", brief, products) == []
    assert audit_numbers("Organic green tea 100g 35% off", brief, products) == ["unsupported number 35"]
