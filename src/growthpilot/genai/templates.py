"""Grounded templates: copy built only from the brief's facts (slot filling).

They give the studio a safe fallback when a small model's candidates are all rejected.
Template output still goes through the same verifier and ranking as model output, and
``copy_variants.model`` says ``template`` so nobody mistakes it for generated text.
"""

from __future__ import annotations

import random

import pandas as pd

from growthpilot.genai.brief import BrandVoice, Brief
from growthpilot.genai.prompts import PROMISE_TEXT, fmt_money, product_facts

# (needs, English, Chinese); needs: d = discount, e = end date, c = code
_SHORT = [
    ("d", "{d}% off {p}", "{p}限时{z}折"),
    ("d", "Save {d}% on {p}", "{p}立省{d}%"),
    ("de", "{p}: {d}% off until {e}", "{p}{d}%优惠，{ez}截止"),
    ("", "{p}, picked for you", "为你精选：{p}"),
    ("", "Meet {p} from {b}", "{b}推荐：{p}"),
    ("", "{p} is waiting for you", "{p}等你来"),
]
_LONG = [
    ("d", "{p} is {d}% off right now at {b}.{ps}", "{b}的{p}现在{z}折。{psz}"),
    ("de", "Take {d}% off {p} until {e}.{ps}", "{p}{d}%优惠，{ez}前有效。{psz}"),
    ("dc", "Use code {c} for {d}% off {p}.{ps}", "使用优惠码{c}，{p}享{d}%优惠。{psz}"),
    ("", "{p} for {price}, chosen for you by {b}.{ps}", "{b}为你挑选：{p}，仅需{price}。{psz}"),
    ("", "Discover {p} at {b}: {price}.{ps}", "来{b}看看{p}：{price}。{psz}"),
]


def template_candidates(brief: Brief, products: pd.DataFrame, voice: BrandVoice, n: int, seed: int = 0) -> list[str]:
    """Up to ``n`` distinct template lines for ``brief`` (only templates whose facts exist)."""
    facts = product_facts(brief, products)
    if not facts:
        return []
    hero = facts[0]
    zh = brief.language == "zh"
    d = brief.discount_pct
    e = brief.end_date
    price = fmt_money(float(hero["price"]), brief.currency) if pd.notna(hero["price"]) else ""
    ps_en = " " + ", ".join(PROMISE_TEXT[p][0].capitalize() for p in sorted(brief.promises) if p in PROMISE_TEXT
                            and p not in ("urgency", "limited_stock")) if brief.promises else ""
    ps_zh = "，".join(PROMISE_TEXT[p][1] for p in sorted(brief.promises) if p in PROMISE_TEXT
                     and p not in ("urgency", "limited_stock"))
    slots = {
        "p": hero["name"], "b": voice.name, "d": f"{d:g}" if d else "", "z": f"{(100 - d) / 10:g}" if d else "",
        "e": f"{e:%b} {e.day}" if e else "", "ez": f"{e.month}月{e.day}日" if e else "", "c": brief.code or "",
        "price": price, "ps": (ps_en + ".") if ps_en.strip() else "", "psz": (ps_zh + "。") if ps_zh else "",
    }
    have = {"d": bool(d), "e": bool(e), "c": bool(brief.code)}
    bank = _SHORT if brief.channel in ("email_subject", "ad_headline", "push") else _LONG + _SHORT
    usable = [(zh_t if zh else en_t) for needs, en_t, zh_t in bank if all(have[k] for k in needs)]
    if not price:
        usable = [u for u in usable if "{price}" not in u]
    rng = random.Random(f"{brief.brief_id}|{seed}")
    rng.shuffle(usable)
    names = _shorter_names(hero["name"], zh)
    out: list[str] = []
    for t in usable:
        for name in names:  # shorten the product name until the line fits the channel
            s = t.format(**{**slots, "p": name}).strip()
            if len(s) <= brief.max_chars:
                break
        if s and s not in out and len(s) <= brief.max_chars:
            out.append(s)
        if len(out) >= n:
            break
    return out


def _shorter_names(name: str, zh: bool) -> list[str]:
    """The full name, then the name without its trailing words (size, colour), at least two words left
    (a lone adjective such as "Organic" would not name the product)."""
    words = name.split()
    return [" ".join(words[:k]) for k in range(len(words), 1, -1)] if len(words) > 2 else [name]
