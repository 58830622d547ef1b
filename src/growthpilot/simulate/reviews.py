"""Product reviews in English and Chinese whose text carries a known sentiment.

A review's sentiment comes from a latent satisfaction score (product quality plus noise,
lower when the line was returned); its rating and text follow. Texts combine aspect
phrases (quality, delivery, price, packaging, taste) with negation ("not bad at all",
"不太好") and mixed opinions ("delivery was fast, but ..."), so no single word gives the
label away.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# aspect -> (positive phrases, negative phrases), each (en, zh)
ASPECTS: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "quality": ([("the quality is excellent", "质量非常好"), ("it feels really well made", "做工很扎实"),
                 ("the quality is not bad at all", "质量一点也不差")],
                [("the quality is poor", "质量很差"), ("it broke after a week", "用了一周就坏了"),
                 ("the quality is not great", "质量不太好")]),
    "delivery": ([("delivery was fast", "物流很快"), ("it arrived a day early", "提前一天就到了"),
                  ("shipping was not slow at all", "发货一点都不慢")],
                 [("delivery took forever", "物流太慢了"), ("it arrived late", "到货晚了好几天"),
                  ("the courier was not helpful", "快递员态度不好")]),
    "price": ([("good value for money", "性价比很高"), ("worth every penny", "物有所值"),
               ("not expensive for what you get", "这个价格不算贵")],
              [("overpriced for what you get", "价格偏贵"), ("not worth the price", "不值这个价"),
               ("too expensive", "太贵了")]),
    "packaging": ([("nicely packaged", "包装很精美"), ("the box was neat and sturdy", "包装结实整齐")],
                  [("the packaging was torn", "包装破损了"), ("the box was dented", "盒子被压坏了")]),
    "taste": ([("it tastes fresh and rich", "口感新鲜浓郁"), ("lovely aroma", "香气很好")],
              [("it tastes stale", "味道不新鲜"), ("the flavour is bland", "味道很淡")]),
}
FOOD = {"tea", "coffee", "snacks"}
OPEN = {"positive": [("Really happy with this.", "非常满意。"), ("Would buy again.", "会回购。"),
                     ("I wasn't disappointed.", "没有让我失望。")],
        "negative": [("Would not recommend.", "不推荐。"), ("I returned it.", "已经退货了。"),
                     ("I can't say I'm impressed.", "说实话不太满意。")],
        "neutral": [("It's okay.", "还行吧。"), ("Does the job.", "能用。"), ("Average product.", "中规中矩。")]}
TITLES = {"positive": [("Great buy", "很满意"), ("Love it", "喜欢"), ("Better than expected", "超出预期")],
          "negative": [("Disappointed", "失望"), ("Not as described", "与描述不符"), ("Avoid", "别买")],
          "neutral": [("It's ok", "一般"), ("Mixed feelings", "有好有坏"), ("Fine", "还可以")]}


def _pick(rng: np.random.Generator, items: list) -> tuple[str, str]:
    return items[int(rng.integers(len(items)))]


MENTION = [("Bought the {item} as a gift.", "买了{item}送人。"), ("Second time ordering the {item}.", "第二次买{item}了。"),
           ("Ordered the {item} last week.", "上周下单的{item}。")]


def review_text(rng: np.random.Generator, sentiment: str, category: str, zh: bool,
                item: str = "") -> tuple[str, str]:
    """(title, text) for one review of ``sentiment`` in English or Chinese, sometimes naming ``item``."""
    aspects = [a for a in ASPECTS if a != "taste" or category in FOOD]
    main, other = rng.choice(len(aspects), 2, replace=False)
    lang = 1 if zh else 0
    pos_a = _pick(rng, ASPECTS[aspects[main]][0])[lang]
    neg_a = _pick(rng, ASPECTS[aspects[main]][1])[lang]
    pos_b = _pick(rng, ASPECTS[aspects[other]][0])[lang]
    neg_b = _pick(rng, ASPECTS[aspects[other]][1])[lang]
    opener = _pick(rng, OPEN[sentiment])[lang]
    style = int(rng.integers(3))
    if sentiment == "positive":
        body = [f"{pos_a}, and {pos_b}", f"{pos_a}; only {neg_b} but that's minor", f"{pos_a}"][style] if not zh else \
            [f"{pos_a}，{pos_b}", f"{pos_a}，虽然{neg_b}，但问题不大", f"{pos_a}"][style]
    elif sentiment == "negative":
        body = [f"{neg_a}, and {neg_b}", f"{pos_b}, but {neg_a}", f"{neg_a}"][style] if not zh else \
            [f"{neg_a}，而且{neg_b}", f"{pos_b}，但是{neg_a}", f"{neg_a}"][style]
    else:
        body = [f"{pos_a}, but {neg_b}", f"{neg_a}, though {pos_b}", f"{pos_a} and {neg_b}"][style] if not zh else \
            [f"{pos_a}，但是{neg_b}", f"{neg_a}，不过{pos_b}", f"{pos_a}，{neg_b}"][style]
    if zh:
        text = f"{body}。{opener}" if rng.random() < 0.5 else f"{opener}{body}。"
    else:
        body = body[0].upper() + body[1:]
        text = f"{body}. {opener}" if rng.random() < 0.5 else f"{opener} {body}."
    if item and rng.random() < 0.35:
        mention = _pick(rng, MENTION)[lang].format(item=item if zh else item[0].lower() + item[1:])
        text = f"{mention}{text}" if zh else f"{mention} {text}"
    return _pick(rng, TITLES[sentiment])[lang], text


def simulate_reviews(rng: np.random.Generator, block: int, lines: pd.DataFrame, quality: np.ndarray,
                     category: np.ndarray, returned: np.ndarray, zh_customer: np.ndarray, review_rate: float,
                     days_left: np.ndarray, items: tuple[np.ndarray, np.ndarray] | None = None,
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reviews for a random subset of purchased lines (registered customers only).

    ``lines`` holds ``customer_id``, ``product_id`` and ``ts`` of the candidate sale lines;
    the other arrays are aligned with it; ``items`` holds the product titles (English, Chinese)
    that some reviews mention. Returns ``(reviews, truth_reviews)``.
    """
    p = review_rate * np.where(returned, 2.0, 1.0)
    lag = rng.uniform(2, 25, len(lines))
    pick = np.flatnonzero((rng.random(len(lines)) < p) & (lag < days_left))
    z = quality[pick] + rng.normal(0, 0.9, pick.size) - 1.6 * returned[pick]
    rating = np.digitize(z, [-0.4, 0.1, 0.55, 1.1]) + 1
    sentiment = np.where(rating >= 4, "positive", np.where(rating <= 2, "negative", "neutral"))
    zh = zh_customer[pick] ^ (rng.random(pick.size) < 0.05)
    titles, texts = [], []
    en_items = items[0][pick] if items is not None else np.full(pick.size, "")
    zh_items = items[1][pick] if items is not None else np.full(pick.size, "")
    for s, cat, is_zh, en_item, zh_item in zip(sentiment, category[pick], zh, en_items, zh_items, strict=True):
        title, text = review_text(rng, s, cat, bool(is_zh), zh_item if is_zh else en_item)
        titles.append(title)
        texts.append(text)
    rid = [f"r{block:05d}{i:06d}" for i in range(pick.size)]
    reviews = pd.DataFrame({
        "review_id": rid, "product_id": lines["product_id"].to_numpy()[pick],
        "customer_id": lines["customer_id"].to_numpy()[pick],
        "ts": lines["ts"].to_numpy()[pick] + np.round(lag[pick] * 86400).astype(np.int64).astype("timedelta64[s]"),
        "rating": rating.astype(int), "title": titles, "text": texts,
        "language": np.where(zh, "zh", "en"),
    })
    truth = pd.DataFrame({"review_id": rid, "sentiment": sentiment, "rating": rating.astype(int),
                          "latent_score": z})
    return reviews, truth
