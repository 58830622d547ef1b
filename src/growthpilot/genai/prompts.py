"""Prompts for the copy studio and the assistant, in English and Chinese, and the cleanup
of raw model output into one candidate line."""

from __future__ import annotations

import re

import pandas as pd

from growthpilot.genai.brief import BrandVoice, Brief

CHANNEL_NAMES = {
    "email_subject": ("an email subject line", "一条邮件标题"),
    "preview_text": ("an email preview text (the line shown after the subject)", "一条邮件预览文字"),
    "push": ("a mobile push notification", "一条手机推送通知"),
    "sms": ("an SMS text message", "一条短信"),
    "ad_headline": ("a search ad headline", "一条搜索广告标题"),
    "ad_description": ("a search ad description", "一条搜索广告描述"),
    "product_description": ("a short product description", "一段简短的商品描述"),
}
PROMISE_TEXT = {
    "free_shipping": ("free shipping", "包邮"), "free_returns": ("free returns", "免费退货"),
    "gift": ("a free gift", "赠品"), "bogo": ("buy one get one", "买一送一"),
    "guarantee": ("money-back guarantee", "退款保证"), "warranty": ("warranty", "保修"),
    "fast_delivery": ("next-day delivery", "次日达"), "limited_stock": ("limited stock", "限量"),
    "urgency": ("ends soon", "即将结束"), "new_arrival": ("new arrival", "新品"), "bestseller": ("bestseller", "畅销"),
}


def product_facts(brief: Brief, products: pd.DataFrame) -> list[dict]:
    """Name (in the brief's language) and price of each product in the brief."""
    idx = products.set_index(products["product_id"].astype(str), drop=False)
    out = []
    for pid in brief.product_ids:
        if pid not in idx.index:
            continue
        row = idx.loc[pid]
        name = row.get("title_zh") if brief.language == "zh" and isinstance(row.get("title_zh"), str) else row.get("title")
        out.append({"product_id": pid, "name": str(name), "price": row.get("price")})
    return out


def fmt_money(x: float, currency: str) -> str:
    return f"{currency}{x:,.2f}".replace(".00", "")


# A one-shot example (a product we do not sell) shows small models the expected shape of
# the answer; the studio refuses any candidate that copies the example's product name.
EXAMPLE_PRODUCT = ("Sunrise jasmine candle", "晨曦茉莉蜡烛")
_EXAMPLE_REPLY = ("Sunrise jasmine candle: 15% off, just for you", "晨曦茉莉蜡烛限时85折，专属于你")


def copy_messages(brief: Brief, products: pd.DataFrame, voice: BrandVoice) -> list[dict[str, str]]:
    """Chat messages asking for one candidate for ``brief`` (with a one-shot example)."""
    zh = brief.language == "zh"
    what = CHANNEL_NAMES[brief.channel][1 if zh else 0]
    if zh:
        ex_user = (f"为顾客写{what}，不超过{brief.max_chars}个字。\n事实：\n- 商品: {EXAMPLE_PRODUCT[1]} ($20)\n"
                   "- 折扣: 15% 优惠\n只回复文案本身。")
    else:
        ex_user = (f"Write {what} for our customers, at most {brief.max_chars} characters.\nFacts:\n"
                   f"- Product: {EXAMPLE_PRODUCT[0]} ($20)\n- Discount: 15% off\nReply with the text only.")
    msgs = _copy_messages(brief, products, voice)
    return [msgs[0], {"role": "user", "content": ex_user},
            {"role": "assistant", "content": _EXAMPLE_REPLY[1 if zh else 0]}, msgs[1]]


def _copy_messages(brief: Brief, products: pd.DataFrame, voice: BrandVoice) -> list[dict[str, str]]:
    zh = brief.language == "zh"
    facts = product_facts(brief, products)
    what = CHANNEL_NAMES[brief.channel][1 if zh else 0]
    lines = []
    for f in facts:
        price = f"{fmt_money(float(f['price']), brief.currency)}" if pd.notna(f["price"]) else ""
        lines.append(f"- {'商品' if zh else 'Product'}: {f['name']}" + (f" ({price})" if price else ""))
    if brief.discount_pct:
        lines.append(f"- {'折扣' if zh else 'Discount'}: {brief.discount_pct:g}% {'优惠' if zh else 'off'}")
    if brief.end_date:
        lines.append(f"- {'截止日期' if zh else 'Ends'}: {brief.end_date.isoformat()}")
    if brief.code:
        lines.append(f"- {'优惠码' if zh else 'Code'}: {brief.code}")
    for p in sorted(brief.promises):
        lines.append(f"- {PROMISE_TEXT.get(p, (p, p))[1 if zh else 0]}")
    if zh:
        system = (f"你是{voice.name}的文案。语气：{voice.tone}。只用中文写。只使用给出的事实，"
                  "不要编造数字、日期、商品或承诺。")
        user = (f"为{brief.audience or '顾客'}写{what}，不超过{brief.max_chars}个字。\n事实：\n" + "\n".join(lines)
                + "\n只回复文案本身。")
    else:
        system = (f"You are the copywriter for {voice.name}. Tone: {voice.tone}. Write in English. Use only the "
                  "facts given; never invent numbers, dates, products or promises.")
        user = (f"Write {what} for {brief.audience or 'our customers'}, at most {brief.max_chars} characters.\n"
                "Facts:\n" + "\n".join(lines) + "\nReply with the text only.")
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


_LABEL = re.compile(r"^\s*(?:[-*#>\d.)\s]+)?\s*(?:\*\*)?(?:email\s+)?(?:subject(?:\s+line)?|preview(?:\s+text)?|push|sms|"
                    r"headline|description|text|title|product details|标题|文案|短信|推送|描述)\s*[:：]\s*(?:\*\*)?", re.I)


_SALUTATION = re.compile(r"^(?:dear|hi|hey|hello|greetings)\b[^.!?]{0,40}[,!:]?$|^(?:亲爱的|您好|你好)[^。！]{0,12}[，,：:！!]?$", re.I)


def clean_candidate(raw: str) -> str:
    """First meaningful line of the model's answer, without labels, quotes or markdown."""
    for line in (raw or "").replace("\r", "").split("\n"):
        if _SALUTATION.match(line.strip()):
            continue
        s = _LABEL.sub("", line).strip()
        s = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", s)
        s = s.strip().strip('"“”\'‘’「」*` ').strip()
        if s:
            return s
    return ""
