"""Extract the checkable claims in a piece of copy: numbers, prices, discounts, dates,
promises, banned claims and personal data (English and Chinese).

Everything is returned as :class:`Claim` objects with the matched span, so a verifier can
compare each one with the brief and the catalogue and say exactly what was wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from growthpilot.genai.text_utils import normalise

_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_ZH_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "半": 5}

NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
RE_PERCENT = re.compile(rf"({NUM})\s*(?:%|percent\b|per cent\b)", re.I)
RE_ZH_PERCENT_OFF = re.compile(rf"(?:减|省|优惠|立减|降)\s*({NUM})\s*%")
RE_ZHE = re.compile(r"(\d{1,2}(?:\.\d)?|[一二两三四五六七八九半])\s*折")
RE_PRICE = re.compile(rf"(?:[$€£¥]|US\$|RMB|CNY|USD|EUR)\s?({NUM})|({NUM})\s?(?:元|块|dollars?\b|usd\b|eur\b|euros?\b)", re.I)
RE_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
RE_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")
RE_ZH_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
RE_EN_DATE = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b"
                        r"|\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + "|".join(sorted(_MONTHS, key=len, reverse=True))
                        + r")\b", re.I)
RE_NUMBER = re.compile(NUM)
# holidays imply a date: (month, day) or None when the date moves every year
HOLIDAYS: dict[str, tuple[int, int] | None] = {
    r"christmas|xmas|圣诞": (12, 25), r"new year'?s? (?:eve)": (12, 31), r"new year|元旦": (1, 1),
    r"valentine|情人节": (2, 14), r"halloween|万圣节": (10, 31), r"双十一|双11|singles'? day": (11, 11),
    r"双十二|双12": (12, 12), r"black friday|cyber monday|thanksgiving|easter|mother'?s day|father'?s day|"
    r"春节|中秋|国庆|618": None,
}
RE_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
RE_PHONE = re.compile(r"(?:\+?\d[\d\s().-]{7,}\d)")
RE_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)

# promise key -> patterns (English and Chinese)
PROMISE_PATTERNS: dict[str, tuple[str, ...]] = {
    "free_shipping": (r"free (?:shipping|delivery|postage)", r"ships? free", r"包邮", r"免运费", r"免费(?:配送|送货)"),
    "free_returns": (r"free returns?", r"免费退(?:货|换)", r"无理由退"),
    "gift": (r"free gift", r"\bgift with\b", r"赠品", r"送礼", r"免费(?:赠|送)"),
    "bogo": (r"buy one,? get one", r"\bbogo\b", r"2 for 1", r"two for one", r"买一送一", r"第二件半价"),
    "guarantee": (r"money[- ]back", r"guarantee", r"保证", r"包退"),
    "warranty": (r"warranty", r"保修", r"质保"),
    "fast_delivery": (r"next[- ]day", r"same[- ]day", r"overnight", r"express delivery", r"次日达", r"当日达", r"极速"),
    "limited_stock": (r"limited stock", r"only \d+ left", r"while stocks? last", r"selling fast", r"限量", r"售罄"),
    "urgency": (r"today only", r"tonight", r"ends? (?:today|tomorrow|soon)", r"last chance", r"24 hours?",
                r"final hours?", r"hurry", r"今天", r"今晚", r"今日", r"明天", r"最后机会", r"仅限今"),
    "new_arrival": (r"\bnew arrivals?\b", r"just (?:in(?! time)|landed|arrived)\b", r"brand[- ]new", r"新品", r"上新"),
    "bestseller": (r"best[- ]?sell(?:er|ing)", r"top[- ]rated", r"most popular", r"畅销", r"爆款", r"销量第一"),
}
# Claims no copy may make: absolute, unprovable or regulated (health, safety, finance);
# the Chinese list follows the Advertising Law's ban on absolute terms (art. 9).
BANNED_PATTERNS: tuple[str, ...] = (
    r"\bbest in the world\b", r"\bworld'?s best\b", r"\b#1\b", r"\bnumber one\b", r"\bno\.? ?1\b",
    r"\bcures?\b", r"\bclinically proven\b", r"\b100% (?:safe|natural|effective|guaranteed)\b",
    r"\brisk[- ]free\b", r"\bguaranteed (?:results|income|returns)\b", r"\bmiracle\b", r"\bperfect for everyone\b",
    r"\blowest price ever\b", r"\bcheapest\b", r"\bfree money\b",
    r"最好", r"最佳", r"第一", r"最低价", r"全网最", r"国家级", r"顶级", r"极品", r"治愈", r"根治", r"百分之百", r"100%有效",
)


@dataclass(frozen=True)
class Claim:
    """One checkable statement found in a text."""

    kind: str  # percent | price | date | number | promise | banned | personal
    value: object
    span: str


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _zh_zhe(s: str) -> float:
    """'8折' means you pay 80 %, i.e. 20 % off; '8.5折' -> 15 % off; '半' -> 50 % off."""
    v = _ZH_NUM.get(s)
    x = float(v) if v is not None else float(s)
    if x >= 10:  # '85折' is 8.5折
        x /= 10
    return round(100 - x * 10, 4)


def extract_claims(text: str, *, ignore_spans: tuple[str, ...] = ()) -> list[Claim]:
    """All claims in ``text``; ``ignore_spans`` (product titles, brand, promo code) are masked first
    so the digits inside a product name are not read as a price."""
    t = normalise(text)
    for span in sorted((s for s in ignore_spans if s), key=len, reverse=True):
        t = re.sub(re.escape(normalise(span)), " ", t, flags=re.I)
    claims: list[Claim] = []
    used: list[tuple[int, int]] = []

    def take(m: re.Match, kind: str, value: object) -> None:
        claims.append(Claim(kind, value, m.group(0)))
        used.append(m.span())

    for m in RE_EMAIL.finditer(t):
        take(m, "personal", "email")
    for m in RE_URL.finditer(t):
        take(m, "personal", "url")
    for m in RE_PHONE.finditer(t):
        digits = re.sub(r"\D", "", m.group(0))
        if len(digits) >= 9 and not _overlaps(m.span(), used):
            take(m, "personal", "phone")
    for m in RE_ISO_DATE.finditer(t):
        if not _overlaps(m.span(), used):
            take(m, "date", (int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in RE_ZH_DATE.finditer(t):
        if not _overlaps(m.span(), used):
            take(m, "date", (int(m.group(1)) if m.group(1) else None, int(m.group(2)), int(m.group(3))))
    for m in RE_EN_DATE.finditer(t):
        if _overlaps(m.span(), used):
            continue
        mon, day = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        take(m, "date", (None, _MONTHS[mon.lower().rstrip(".")], int(day)))
    for m in RE_SLASH_DATE.finditer(t):
        if not _overlaps(m.span(), used):
            take(m, "date", (None, int(m.group(1)), int(m.group(2))))
    for m in RE_PERCENT.finditer(t):
        if not _overlaps(m.span(), used):
            take(m, "percent", _num(m.group(1)))
    for m in RE_ZHE.finditer(t):
        if not _overlaps(m.span(), used):
            take(m, "percent", _zh_zhe(m.group(1)))
    for m in RE_PRICE.finditer(t):
        if not _overlaps(m.span(), used):
            take(m, "price", _num(m.group(1) or m.group(2)))
    for m in RE_NUMBER.finditer(t):
        if not _overlaps(m.span(), used):
            take(m, "number", _num(m.group(0)))
    low = t.lower()
    for pat, md in HOLIDAYS.items():
        m = re.search(pat, low)
        if m:
            claims.append(Claim("date", (None, md[0], md[1]) if md else (None, 0, 0), m.group(0)))
    for key, pats in PROMISE_PATTERNS.items():
        for p in pats:
            m = re.search(p, low)
            if m:
                claims.append(Claim("promise", key, m.group(0)))
                break
    for p in BANNED_PATTERNS:
        m = re.search(p, low)
        if m:
            claims.append(Claim("banned", p, m.group(0)))
    return claims


def _overlaps(span: tuple[int, int], used: list[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in used)
