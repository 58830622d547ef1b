"""Check a candidate line of copy against its brief and the catalogue.

:class:`CopyVerifier` returns the list of reasons a text must be rejected (empty = it
passes). Every number, price, discount, date, product mention and promise is matched
against the brief; banned claims, personal data, the wrong language and over-length
text are refused too. Reasons are short, stable strings starting with a category
(``discount:``, ``price:``, ``date:``, ``number:``, ``product:``, ``promise:``,
``banned:``, ``personal:``, ``language:``, ``length:``, ``format:``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from growthpilot.genai.brief import BrandVoice, Brief
from growthpilot.genai.facts import extract_claims
from growthpilot.genai.text_utils import detect_language, display_length, normalise

FACT_CATEGORIES = ("discount", "price", "date", "number", "product", "promise")
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_TYPE_STOP = {"and", "with", "for", "the", "set", "pack", "pro", "plus", "mini", "max", "new"}


class CopyVerifier:
    """Reject copy that states anything the brief and catalogue do not support.

    Parameters
    ----------
    products : the catalogue (``product_id``, ``title``, ``title_zh``, ``brand``, ``category``,
        ``price``, ``in_stock``).
    voice : brand voice (its name is allowed, its banned phrases are refused).
    """

    def __init__(self, products: pd.DataFrame, voice: BrandVoice | None = None) -> None:
        self.voice = voice or BrandVoice()
        p = products.copy()
        for c in ("title", "title_zh", "brand", "category", "subcategory"):
            if c not in p.columns:
                p[c] = None
        self.products = p.set_index(p["product_id"].astype(str), drop=False)
        self._titles = [(pid, normalise(t).lower()) for pid, t in zip(p.product_id.astype(str), p.title, strict=True)
                        if isinstance(t, str) and t] + \
                       [(pid, normalise(t)) for pid, t in zip(p.product_id.astype(str), p.title_zh, strict=True)
                        if isinstance(t, str) and t]
        self._brands = {normalise(b).lower() for b in p.brand.dropna().astype(str) if len(b) > 2}
        self._type_words = self._product_type_words(p)
        self._zh_type = self._zh_type_bigrams(p)
        self._zh_variants = {t.split()[-1] for t in p.title_zh.dropna().astype(str)
                             if len(t.split()) > 1 and len(t.split()[-1]) <= 5}

    @staticmethod
    def _product_type_words(p: pd.DataFrame) -> set[str]:
        """Words that name a kind of product: title and category words specific to one category
        (adjectives such as 'organic' or 'classic' appear across categories and are left out)."""
        cats: dict[str, set[str]] = {}
        for t, c in zip(p.title.fillna(""), p.category.fillna(""), strict=True):
            for w in set(re.findall(r"[a-z]+", f"{t} {c}".lower())):
                cats.setdefault(w, set()).add(str(c))
        multi = p.category.nunique() > 1
        return {w for w, cs in cats.items()
                if len(w) >= 3 and w not in _TYPE_STOP and (len(cs) == 1 or not multi)}

    @staticmethod
    def _zh_type_bigrams(p: pd.DataFrame) -> set[str]:
        """Chinese title bigrams specific to one category (item nouns, not adjectives such as 精选)."""
        cats: dict[str, set[str]] = {}
        for t, c in zip(p.title_zh.fillna(""), p.category.fillna(""), strict=True):
            core = re.sub(r"[^\u4e00-\u9fff]", "", str(t).split()[0] if str(t).split() else "")
            for i in range(len(core) - 1):
                cats.setdefault(core[i:i + 2], set()).add(str(c))
        multi = p.category.nunique() > 1
        return {b for b, cs in cats.items() if len(cs) == 1 or not multi}

    def names_product(self, text: str, brief: Brief) -> bool:
        """Whether ``text`` names one of the brief's products by an item word ("tea", "耳机"), not only an
        adjective; a line about "Sesame seeds" for a tea brief does not."""
        t = normalise(text)
        low = t.lower()
        for pid in brief.product_ids:
            if pid not in self.products.index:
                continue
            row = self.products.loc[pid]
            words = set(re.findall(r"[a-z]+", str(row.get("title") or "").lower()))
            key = (words & self._type_words) or {w for w in words if len(w) >= 3}
            if any(re.search(rf"\b{re.escape(w)}", low) for w in key):
                return True
            zh = str(row.get("title_zh") or "")
            core = re.sub(r"[^\u4e00-\u9fff]", "", zh.split()[0] if zh.split() else "")
            grams = {core[i:i + 2] for i in range(len(core) - 1)}
            if any(g in t for g in (grams & self._zh_type) or grams):
                return True
        return not brief.product_ids

    # ---------------------------------------------------------------------------------
    def allowed_spans(self, brief: Brief) -> list[str]:
        """Text that may appear verbatim: product titles, brands, brand name, promo code."""
        spans = [self.voice.name]
        if brief.code:
            spans.append(brief.code)
        for pid in brief.product_ids:
            if pid in self.products.index:
                row = self.products.loc[pid]
                names = [str(v) for v in (row.get("title"), row.get("title_zh"), row.get("brand")) if isinstance(v, str)]
                spans += names
                # words of a product name that hold digits ("SPF50", "100g") may appear on their own
                spans += [w for n in names[:2] for w in n.split() if re.search(r"\d", w) and len(w) > 1]
                # shortened names ("Organic sunscreen" for "Organic sunscreen SPF50 50ml")
                spans += [" ".join(n.split()[:k]) for n in names[:2] for k in range(1, len(n.split()))
                          if len(" ".join(n.split()[:k])) >= 2]
        return spans

    def allowed_numbers(self, brief: Brief) -> dict[str, set[float]]:
        """Numbers the copy may state, by kind."""
        d = brief.discount_pct
        prices: set[float] = set()
        exact: set[float] = set()
        for pid in brief.product_ids:
            if pid in self.products.index and pd.notna(self.products.loc[pid].get("price")):
                price = float(self.products.loc[pid]["price"])
                prices |= _variants(price)
                exact.add(round(price, 2))
                if d:
                    prices |= _variants(price * (1 - d / 100)) | _variants(price * d / 100)
                    exact |= {round(price * (1 - d / 100), 2), round(price * d / 100, 2)}
        if brief.free_shipping_min:
            prices |= _variants(float(brief.free_shipping_min))
            exact.add(float(brief.free_shipping_min))
        percents = {float(d)} if d else set()
        # a bare number (no currency sign) must be an exact price, the discount or a date part
        numbers = {x for x in exact if x != int(x)} | set(percents)
        if d:
            numbers |= {100 - float(d), (100 - float(d)) / 10}
        if brief.end_date:
            e = brief.end_date
            numbers |= {float(e.year), float(e.month), float(e.day)}
        return {"price": prices, "percent": percents, "number": numbers}

    def check(self, text: str, brief: Brief) -> list[str]:
        """Reasons to reject ``text`` for ``brief``; empty when it passes."""
        reasons: list[str] = []
        t = normalise(text)
        if display_length(t) < (4 if brief.language == "zh" else 8):
            return ["format: empty or too short"]
        if display_length(t) > brief.max_chars:
            reasons.append(f"length: {display_length(t)} characters, {brief.channel} allows {brief.max_chars}")
        spans = self.allowed_spans(brief)
        masked = t
        for s in sorted(spans, key=len, reverse=True):
            masked = re.sub(re.escape(normalise(s)), " ", masked, flags=re.I)
        lang = detect_language(masked) if re.search(r"[A-Za-z\u4e00-\u9fff]", masked) else brief.language
        if lang != brief.language:
            reasons.append(f"language: written in {lang}, the brief asks for {brief.language}")
        allowed = self.allowed_numbers(brief)
        for c in extract_claims(t, ignore_spans=tuple(spans)):
            reasons.extend(self._check_claim(c, brief, allowed))
        reasons.extend(self._check_products(t, brief))
        low = t.lower()
        for phrase in self.voice.banned_phrases:
            if phrase and phrase.lower() in low:
                reasons.append(f"banned: brand voice forbids {phrase!r}")
        if not self.voice.emoji and _EMOJI.search(t):
            reasons.append("format: emoji are off in this brand voice")
        if re.search(r"\b(?:here is|here's|here are|sure[,!]|i'm|i am|as an ai)|subject line|以下是|文案|写一条|不超过|字数",
                     low):
            reasons.append("format: the model talked about the task instead of writing the copy")
        if not self.names_product(t, brief):
            reasons.append("format: does not name the offer's product")
        return list(dict.fromkeys(reasons))

    def _check_claim(self, c, brief: Brief, allowed: dict[str, set[float]]) -> Iterable[str]:
        if c.kind == "personal":
            yield f"personal: contains personal data ({c.value}: {c.span!r})"
        elif c.kind == "banned":
            yield f"banned: unsupported claim {c.span!r}"
        elif c.kind == "percent":
            if not _in(c.value, allowed["percent"]):
                want = f"{brief.discount_pct:g}%" if brief.discount_pct else "no discount"
                yield f"discount: says {c.span!r}, the brief has {want}"
        elif c.kind == "price":
            if not _in(c.value, allowed["price"]):
                yield f"price: {c.span!r} matches no catalogue price of the brief's products"
        elif c.kind == "date":
            e = brief.end_date
            year, month, day = c.value
            if e is None or month != e.month or day != e.day or (year is not None and year != e.year):
                want = e.isoformat() if e else "no end date"
                yield f"date: says {c.span!r}, the brief has {want}"
        elif c.kind == "number":
            if not _in(c.value, allowed["number"]):
                yield f"number: {c.span!r} is not a fact in the brief"
        elif c.kind == "promise" and c.value not in brief.promises:
            yield f"promise: promises {c.value.replace('_', ' ')} ({c.span!r}), which the offer does not include"

    def _check_products(self, t: str, brief: Brief) -> Iterable[str]:
        low = t.lower()
        brief_ids = set(brief.product_ids)
        own_titles = {title for pid, title in self._titles if pid in brief_ids}
        for pid, title in self._titles:
            if pid not in brief_ids and title not in own_titles and len(title) >= 2 \
                    and title in (low if title.isascii() else t):
                yield f"product: names {title!r} ({pid}), which is not in this brief"
        own_brands = {normalise(str(self.products.loc[p].get("brand"))).lower()
                      for p in brief_ids if p in self.products.index}
        own_brands.add(normalise(self.voice.name).lower())
        for b in self._brands - own_brands:
            if re.search(rf"\b{re.escape(b)}\b", low):
                yield f"product: names brand {b!r}, which is not in this brief"
        own_words: set[str] = set()
        for p in brief_ids:
            if p in self.products.index:
                row = self.products.loc[p]
                for col in ("title", "category", "subcategory"):
                    v = row.get(col)
                    if isinstance(v, str):
                        own_words.update(re.findall(r"[a-z]+", v.lower()))
        for w in sorted(self._type_words - own_words):
            if re.search(rf"\b{re.escape(w)}(?:e?s)?\b", low):
                yield f"product: mentions {w!r}, which this offer does not sell"
        own_zh = " ".join(str(self.products.loc[p].get("title_zh")) for p in brief_ids if p in self.products.index)
        for v in sorted(self._zh_variants):
            if v in t and v not in own_zh:
                yield f"product: names variant {v!r}, which this offer does not include"
        for pid in brief_ids:
            stock = self.products.loc[pid].get("in_stock") if pid in self.products.index else None
            if stock is not None and not pd.isna(stock) and not bool(stock):
                yield f"product: {pid} is out of stock"


def fact_errors(reasons: Iterable[str]) -> list[str]:
    """The reasons that are factual errors (wrong number, price, discount, date, product, promise)."""
    return [r for r in reasons if r.split(":", 1)[0] in FACT_CATEGORIES]


def _variants(x: float) -> set[float]:
    """A price as people write it: exact, 2 decimals, whole number (rounded and truncated)."""
    return {round(x, 2), float(round(x)), float(int(x)), round(x, 1)}


def _in(v: float, allowed: set[float]) -> bool:
    return any(abs(v - a) < 0.011 for a in allowed)
