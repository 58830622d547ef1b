"""Sentiment with an LLM (zero-shot), the optional alternative to :class:`SentimentClassifier`.

Useful with a strong model behind an OpenAI-compatible server when no labelled reviews
exist; with the packaged 135M model it is a demonstration, not a recommendation (the
trained classifier is far more accurate and faster on a CPU).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from growthpilot.genai.llm_base import LLMBackend, LLMError
from growthpilot.genai.text_utils import detect_language

_WORDS = {
    "positive": ("positive", "正面", "积极", "好评"),
    "negative": ("negative", "负面", "消极", "差评"),
    "neutral": ("neutral", "中性", "一般"),
}


class LLMSentimentClassifier:
    """Ask an LLM for the label of each review (no training; ``fit`` only records the labels).

    Parameters
    ----------
    llm : any :class:`LLMBackend`.
    labels : label names the model may answer, in the order of :attr:`classes_`.
    max_tokens : tokens allowed for the answer.
    """

    def __init__(self, *, llm: LLMBackend, labels: Sequence[str] = ("negative", "positive"), max_tokens: int = 4) -> None:
        self.llm = llm
        self.labels = labels
        self.max_tokens = max_tokens

    def fit(self, texts: Sequence[str] | None = None, labels: Sequence | None = None) -> LLMSentimentClassifier:
        self.classes_ = np.array(list(self.labels))
        return self

    def _ask(self, text: str) -> str:
        zh = detect_language(text) == "zh"
        opts = " / ".join(self.labels)
        prompt = (f"评论：{text}\n这条评论的情感是？只回答一个词：{opts}。" if zh else
                  f"Review: {text}\nIs the sentiment of this review {opts}? Answer with one word.")
        try:
            out = self.llm.complete(prompt, max_tokens=self.max_tokens, temperature=0.0, seed=0).text.lower()
        except LLMError:
            return ""
        for lab in self.labels:
            if any(w in out for w in _WORDS.get(lab, (lab,))) or re.search(rf"\b{re.escape(lab)}\b", out):
                return lab
        return ""

    def predict_proba(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """One-hot answers; an unparseable answer gets a uniform row."""
        if not hasattr(self, "classes_"):
            self.fit()
        p = np.full((len(texts), len(self.classes_)), 1.0 / len(self.classes_))
        for i, t in enumerate(texts):
            lab = self._ask(str(t))
            if lab:
                p[i] = 0.0
                p[i, list(self.classes_).index(lab)] = 1.0
            if progress:
                progress(1)
        return p

    def predict(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        proba = self.predict_proba(texts, progress)
        return self.classes_[proba.argmax(1)]

    @property
    def model_version(self) -> str:
        return f"llm-sentiment:{self.llm.model_id}"
