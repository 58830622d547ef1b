"""The product catalogue: categories, brands, prices, costs and bilingual titles/descriptions.

Titles are built from templates, e.g. ``"Organic green tea 100g"`` / ``"有机绿茶 100克"``.
Each product also has a latent ``quality`` (used for review sentiment) and ``popularity``
(used for choosing products within a category).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from growthpilot.simulate.config import S_CATALOG, SimConfig

# category -> (subcategory, [(item en, item zh)], [(size en, size zh)], price range)
CATEGORIES: dict[str, tuple[str, list[tuple[str, str]], list[tuple[str, str]], tuple[float, float]]] = {
    "tea": ("loose leaf", [("green tea", "绿茶"), ("oolong tea", "乌龙茶"), ("jasmine tea", "茉莉花茶"),
                           ("black tea", "红茶"), ("pu-erh tea", "普洱茶")],
            [("100g", "100克"), ("250g", "250克"), ("50 bags", "50袋")], (6, 45)),
    "coffee": ("beans", [("espresso beans", "意式咖啡豆"), ("ground coffee", "研磨咖啡"),
                         ("cold brew", "冷萃咖啡"), ("drip bags", "挂耳咖啡")],
               [("250g", "250克"), ("500g", "500克"), ("1kg", "1公斤")], (8, 40)),
    "snacks": ("pantry", [("dark chocolate", "黑巧克力"), ("roasted almonds", "烤杏仁"), ("rice crackers", "米饼"),
                          ("dried mango", "芒果干"), ("granola", "格兰诺拉麦片")],
               [("150g", "150克"), ("300g", "300克"), ("6-pack", "6包装")], (3, 18)),
    "skincare": ("face", [("face cream", "面霜"), ("cleansing foam", "洁面泡沫"), ("sheet masks", "面膜"),
                          ("sunscreen SPF50", "防晒霜SPF50"), ("serum", "精华液")],
                 [("50ml", "50毫升"), ("100ml", "100毫升"), ("10 pieces", "10片")], (9, 80)),
    "home": ("kitchen", [("ceramic mug", "陶瓷马克杯"), ("glass teapot", "玻璃茶壶"), ("bamboo cutting board", "竹砧板"),
                         ("scented candle", "香薰蜡烛"), ("linen towel", "亚麻毛巾")],
             [("set of 2", "两件套"), ("large", "大号"), ("small", "小号")], (7, 60)),
    "apparel": ("basics", [("cotton t-shirt", "纯棉T恤"), ("wool socks", "羊毛袜"), ("hoodie", "连帽卫衣"),
                           ("running shorts", "跑步短裤"), ("silk scarf", "真丝围巾")],
                [("size S", "S码"), ("size M", "M码"), ("size L", "L码")], (10, 90)),
    "electronics": ("accessories", [("wireless earbuds", "无线耳机"), ("power bank", "移动电源"),
                                    ("USB-C cable", "USB-C数据线"), ("smart plug", "智能插座"), ("desk lamp", "台灯")],
                    [("black", "黑色"), ("white", "白色"), ("2-pack", "两件装")], (9, 150)),
    "toys": ("kids", [("wooden puzzle", "木制拼图"), ("building blocks", "积木"), ("plush bear", "毛绒小熊"),
                      ("drawing set", "绘画套装")],
             [("ages 3+", "3岁以上"), ("ages 6+", "6岁以上"), ("deluxe", "豪华版")], (8, 70)),
}
_ADJ = [("Organic", "有机"), ("Premium", "精选"), ("Classic", "经典"), ("Handmade", "手工"), ("Eco", "环保"),
        ("Everyday", "日常"), ("Deluxe", "豪华"), ("Fresh", "新鲜"), ("Natural", "天然"), ("Limited edition", "限量版")]
_BRANDS = [("Lotus Lane", "莲径"), ("Mountain Spring", "山泉"), ("Blue Harbor", "蓝港"), ("Golden Field", "金田"),
           ("Northwind", "北风"), ("Jade River", "玉河"), ("Sunny Day", "晴天"), ("Red Lantern", "红灯笼"),
           ("Silver Pine", "银松"), ("Cloud Nine", "九霄"), ("Oak & Ash", "橡木"), ("Little Panda", "小熊猫")]
_DESC_EN = [
    "{adj} {item} from {brand}, {size}. {benefit}",
    "{brand} {item} ({size}): {benefit} Ships within two days.",
    "Our {adj_l} {item} by {brand} comes in {size}. {benefit}",
]
_DESC_ZH = [
    "{brand}{adj}{item}，{size}。{benefit}",
    "{brand}出品的{item}（{size}）：{benefit}两天内发货。",
    "这款{adj}{item}来自{brand}，规格{size}。{benefit}",
]
_BENEFITS = [("Carefully selected and quality checked.", "精心挑选，严格质检。"),
             ("A customer favourite for gifting.", "送礼佳品，深受顾客喜爱。"),
             ("Great value for daily use.", "日常使用，性价比高。"),
             ("Sustainably sourced and packed.", "可持续采购，环保包装。")]

CATEGORY_NAMES = tuple(CATEGORIES)
CATEGORY_WEIGHTS = np.array([0.14, 0.12, 0.18, 0.12, 0.12, 0.12, 0.1, 0.1])


def simulate_catalog(config: SimConfig) -> pd.DataFrame:
    """The ``products`` table plus latent columns ``quality`` and ``popularity`` (drop them to conform)."""
    rng = config.rng(S_CATALOG)
    n = config.products
    cat_idx = np.sort(rng.choice(len(CATEGORIES), n, p=CATEGORY_WEIGHTS / CATEGORY_WEIGHTS.sum()))
    cat_idx[: len(CATEGORIES)] = np.arange(len(CATEGORIES))  # every category present
    cat_idx = np.sort(cat_idx)
    rows = []
    for i, ci in enumerate(cat_idx):
        cat = CATEGORY_NAMES[ci]
        sub, items, sizes, (lo, hi) = CATEGORIES[cat]
        item_en, item_zh = items[rng.integers(len(items))]
        size_en, size_zh = sizes[rng.integers(len(sizes))]
        adj_en, adj_zh = _ADJ[rng.integers(len(_ADJ))]
        brand_en, brand_zh = _BRANDS[rng.integers(len(_BRANDS))]
        ben_en, ben_zh = _BENEFITS[rng.integers(len(_BENEFITS))]
        k = int(rng.integers(len(_DESC_EN)))
        price = float(np.round(np.exp(rng.uniform(np.log(lo), np.log(hi))), 0) - 0.01)
        rows.append({
            "product_id": f"p{i:05d}",
            "title": f"{adj_en} {item_en} {size_en}",
            "title_zh": f"{adj_zh}{item_zh} {size_zh}",
            "description": _DESC_EN[k].format(adj=adj_en, adj_l=adj_en.lower(), item=item_en, brand=brand_en,
                                              size=size_en, benefit=ben_en),
            "description_zh": _DESC_ZH[k].format(adj=adj_zh, item=item_zh, brand=brand_zh, size=size_zh,
                                                 benefit=ben_zh),
            "category": cat, "subcategory": sub, "brand": brand_en, "price": price,
            "cost": float(np.round(price * rng.uniform(0.35, 0.7), 2)),
            "in_stock": bool(rng.random() > 0.06),
            "created_at": config.start_ts - pd.Timedelta(days=int(rng.integers(30, 900))),
            "quality": float(np.clip(rng.normal(0.6, 0.9), -1.5, 2.5)),
            "popularity": float(rng.pareto(1.2) + 0.2),
        })
    return pd.DataFrame(rows)


class ProductSampler:
    """Vectorised choice of products: a category by customer preference, then a product by popularity."""

    def __init__(self, catalog: pd.DataFrame) -> None:
        self.catalog = catalog
        cat = pd.Categorical(catalog["category"], categories=list(CATEGORY_NAMES))
        self.cat_code = np.asarray(cat.codes)
        self.price = catalog["price"].to_numpy(float)
        pop = catalog["popularity"].to_numpy(float)
        # global CDF: products of category c occupy [c, c+1)
        cdf = np.empty(len(catalog))
        for c in range(len(CATEGORY_NAMES)):
            m = self.cat_code == c
            w = np.cumsum(pop[m])
            cdf[m] = c + w / w[-1]
        self.cdf = cdf
        self.mean_price = np.array([
            np.average(self.price[self.cat_code == c], weights=pop[self.cat_code == c])
            for c in range(len(CATEGORY_NAMES))
        ])

    def sample(self, categories: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Product row indices for category codes ``categories`` with uniforms ``u``."""
        idx = np.searchsorted(self.cdf, categories + u * (1 - 1e-12), side="left")
        return np.minimum(idx, len(self.cdf) - 1)
