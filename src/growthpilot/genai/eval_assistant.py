"""Assistant benchmark: questions with known answers from the catalogue and the policy
documents, plus questions the sources cannot answer (which must be refused)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from growthpilot.genai.assistant import CatalogueAssistant


@dataclass
class Question:
    text: str
    language: str
    answerable: bool
    source: str | None = None  # product id or document id that must be cited
    expected: str | None = None  # substring the answer must contain
    kind: str = ""


PRODUCT_TEMPLATES = {
    "price": (("How much is the {t}?", "What does the {t} cost?", "What's the price of the {t}?"),
              ("{t}多少钱？", "{t}的价格是多少？")),
    "stock": (("Is the {t} in stock?", "Is {t} available right now?"), ("{t}有货吗？", "{t}还有库存吗？")),
    "brand": (("Who makes the {t}?", "What brand is the {t}?"), ("{t}是什么品牌？", "{t}是哪个品牌的？")),
}
POLICY_QUESTIONS = [
    ("How long does delivery take?", "en", "policy-shipping", "3 to 5"),
    ("Is shipping free?", "en", "policy-shipping", "$50"),
    ("What is your return policy?", "en", "policy-returns", "30 days"),
    ("Can I get a refund?", "en", "policy-returns", "refund"),
    ("Which payment methods do you accept?", "en", "policy-payment", "PayPal"),
    ("Is there a warranty on electronics?", "en", "policy-warranty", "12-month"),
    ("Can I cancel my order?", "en", "faq-order-change", "cancel"),
    ("When is customer support open?", "en", "faq-support", "9:00"),
    ("Do you offer gift wrapping?", "en", "faq-gift-wrap", "$3"),
    ("配送需要多长时间？", "zh", "policy-shipping", "3到5"),
    ("退货政策是什么？", "zh", "policy-returns", "30天"),
    ("你们接受哪些支付方式？", "zh", "policy-payment", "支付宝"),
    ("电子产品有保修吗？", "zh", "policy-warranty", "12个月"),
    ("可以取消订单吗？", "zh", "faq-order-change", "取消"),
    ("客服什么时间在线？", "zh", "faq-support", "9:00"),
    ("有礼品包装吗？", "zh", "faq-gift-wrap", "3美元"),
]
UNANSWERABLE_PRODUCT = (("Is the {t} gluten-free?", "Is the {t} made in Italy?", "What are the dimensions of the {t}?",
                         "Will the {t} go on sale next week?"),
                        ("{t}含麸质吗？", "{t}是意大利制造的吗？", "{t}的尺寸是多少厘米？"))
UNANSWERABLE_GENERAL = [
    ("Do you sell surfboards?", "en"), ("Do you sell electric bikes?", "en"), ("Who is your CEO?", "en"),
    ("Can I pay with bitcoin?", "en"), ("Do you have a store in Paris?", "en"), ("What is your stock ticker?", "en"),
    ("你们卖冲浪板吗？", "zh"), ("你们的CEO是谁？", "zh"), ("可以用比特币支付吗？", "zh"), ("你们在巴黎有门店吗？", "zh"),
    ("你们卖电动自行车吗？", "zh"),
]


def simulated_questions(products: pd.DataFrame, n_product: int = 150, n_unanswerable: int = 60,
                        seed: int = 0) -> list[Question]:
    """Product questions (price, stock, brand; en and zh), policy questions, unanswerable ones."""
    rng = np.random.default_rng(seed)
    qs: list[Question] = []
    recs = products.to_dict("records")
    for i in range(n_product):
        r = recs[int(rng.integers(len(recs)))]
        kind = list(PRODUCT_TEMPLATES)[i % 3]
        lang = "zh" if i % 2 else "en"
        tmpl = PRODUCT_TEMPLATES[kind][1 if lang == "zh" else 0]
        title = r["title_zh"] if lang == "zh" else r["title"]
        t = tmpl[int(rng.integers(len(tmpl)))].format(t=title if lang == "zh" else title)
        stock = r.get("in_stock") is not False
        expected = {"price": f"{float(r['price']):.2f}", "brand": str(r["brand"]),
                    "stock": ("有货" if stock else "缺货") if lang == "zh" else ("in stock" if stock else "out of stock")}[kind]
        qs.append(Question(t, lang, True, str(r["product_id"]), expected, kind))
    for text, lang, doc, exp in POLICY_QUESTIONS:
        qs.append(Question(text, lang, True, doc, exp, "policy"))
    for i in range(n_unanswerable):
        if i % 2 == 0:
            text, lang = UNANSWERABLE_GENERAL[(i // 2) % len(UNANSWERABLE_GENERAL)]
        else:
            r = recs[int(rng.integers(len(recs)))]
            lang = "zh" if i % 4 == 3 else "en"
            tmpl = UNANSWERABLE_PRODUCT[1 if lang == "zh" else 0]
            text = tmpl[int(rng.integers(len(tmpl)))].format(t=r["title_zh"] if lang == "zh" else r["title"])
        qs.append(Question(text, lang, False, kind="unanswerable"))
    return qs


def _title_twins(products: pd.DataFrame) -> dict[str, set[str]]:
    """Products that share a title with another product (a correct answer may cite either)."""
    out: dict[str, set[str]] = {}
    for col in ("title", "title_zh"):
        for _, g in products.groupby(col):
            ids = set(g["product_id"].astype(str))
            for pid in ids:
                out.setdefault(pid, set()).update(ids)
    return out


def run_assistant(bot: CatalogueAssistant, questions: list[Question],
                  progress: Callable[[int], None] | None = None) -> tuple[dict, pd.DataFrame]:
    """Accuracy on answerable questions (cites the right source, contains the expected value, does not
    refuse) and the share of unanswerable questions correctly refused."""
    rows = []
    twins = _title_twins(bot.products)
    for q in questions:
        a = bot.ask(q.text)
        if q.answerable:
            cited = q.source in a.citations or bool(twins.get(str(q.source), set()) & set(a.citations))
            ok = (not a.refused) and cited and (q.expected or "") in a.text
        else:
            ok = a.refused
        rows.append({"question": q.text, "language": q.language, "kind": q.kind, "answerable": q.answerable,
                     "expected_source": q.source, "expected": q.expected, "answer": a.text, "citations": a.citations,
                     "refused": a.refused, "correct": ok})
        if progress:
            progress(1)
    df = pd.DataFrame(rows)
    ans, un = df[df.answerable], df[~df.answerable]
    metrics = {
        "questions": len(df), "answerable": len(ans), "unanswerable": len(un),
        "accuracy": float(ans["correct"].mean()) if len(ans) else None,
        "correct_refusals": float(un["correct"].mean()) if len(un) else None,
        "false_refusals": float(ans["refused"].mean()) if len(ans) else None,
        "accuracy_by_kind": {k: float(g["correct"].mean()) for k, g in df.groupby("kind")},
        "accuracy_by_language": {k: float(g["correct"].mean()) for k, g in ans.groupby("language")},
    }
    return metrics, df
