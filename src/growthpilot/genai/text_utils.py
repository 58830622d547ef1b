"""Small text helpers shared by copy checks, retrieval and review analysis (English + Chinese)."""

from __future__ import annotations

import re
import unicodedata

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
EN_STOP = frozenset(
    "a an the and or of to in on for with is are was were be been it its this that these those at by from as "
    "do does did can could will would should i you your we our my me he she they them what which who whom how "
    "when where why there here have has had not no any some all about into than then so if".split()
)
ZH_STOP = frozenset("的了吗呢吧啊是在有和与及或也都就还这那个么什怎哪我你您他她它们")


def normalise(text: str) -> str:
    """NFKC-normalise (full-width digits and ％ become ASCII) and collapse whitespace."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text))).strip()


def cjk_ratio(text: str) -> float:
    """Share of CJK characters among letters (CJK + Latin)."""
    c = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return c / (c + latin) if (c + latin) else 0.0


def detect_language(text: str) -> str:
    """``'zh'`` when CJK characters dominate the letters, ``'en'`` when Latin letters do, else ``'unknown'``."""
    c = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    if c == 0 and latin == 0:
        return "unknown"
    # a CJK character carries about as much as a 3-letter English word
    return "zh" if c * 3 >= latin else "en"


def tokens(text: str) -> list[str]:
    """Search tokens: lower-cased English words (stop words dropped, light plural stemming)
    plus Chinese character unigrams and bigrams."""
    t = normalise(text).lower()
    out: list[str] = []
    for w in _WORD.findall(t):
        if w in EN_STOP:
            continue
        if w.endswith(("sses", "xes", "zes", "ches", "shes")):
            w = w[:-2]
        elif len(w) > 4 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        out.append(w)
    for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", t):
        chars = [ch for ch in run]
        out.extend(ch for ch in chars if ch not in ZH_STOP)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def display_length(text: str) -> int:
    """Characters as a reader sees them (NFKC, whitespace collapsed)."""
    return len(normalise(text))
