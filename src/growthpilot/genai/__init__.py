"""Generative AI, offline and bilingual (English and Chinese).

- LLM backends behind one interface (:class:`~growthpilot.genai.llm_base.LLMBackend`):
  embedded llama.cpp (:mod:`~growthpilot.genai.llm_embedded`, any GGUF, packaged SmolLM2 by default)
  and any OpenAI-compatible server (:mod:`~growthpilot.genai.llm_http`); cache, retries, timeouts,
  concurrency limit, streaming. :mod:`~growthpilot.genai.testing` has a fake transport for tests.
- Copy studio (:mod:`~growthpilot.genai.copy_studio`): generate -> verify -> de-duplicate -> rank.
- Catalogue assistant (:mod:`~growthpilot.genai.assistant`): cites sources or refuses.
- Review intelligence (:mod:`~growthpilot.genai.sentiment`, :mod:`~growthpilot.genai.reviews`).

Output tables registered here: ``copy_variants``, ``review_sentiment``, ``product_sentiment``,
``customer_review_sentiment``.
"""

from growthpilot.genai import copy_studio as _copy_studio  # noqa: F401  (registers copy_variants)
from growthpilot.genai import reviews as _reviews  # noqa: F401  (registers review tables)
from growthpilot.genai.assistant import Answer, CatalogueAssistant, Conversation
from growthpilot.genai.brief import CHANNEL_LIMITS, BrandVoice, Brief
from growthpilot.genai.copy_studio import CopyStudio
from growthpilot.genai.llm_base import Completion, GenerationParams, LLMBackend, LLMError, LLMTimeoutError
from growthpilot.genai.llm_factory import get_backend
from growthpilot.genai.reviews import ReviewAnalyzer
from growthpilot.genai.sentiment import SentimentClassifier

__all__ = [
    "Answer", "BrandVoice", "Brief", "CHANNEL_LIMITS", "CatalogueAssistant", "Completion", "Conversation",
    "CopyStudio", "GenerationParams", "LLMBackend", "LLMError", "LLMTimeoutError", "ReviewAnalyzer",
    "SentimentClassifier", "get_backend",
]
