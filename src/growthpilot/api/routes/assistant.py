"""The assistant: questions about the shop answered from the workspace's tables."""

from __future__ import annotations

from fastapi import APIRouter

from growthpilot.api import adapters
from growthpilot.api.deps import AssistantChat, StateDep
from growthpilot.api.schemas import ChatPublic, ChatRequest

router = APIRouter(prefix="/assistant", tags=["assistant"])


@router.post("/chat", response_model=ChatPublic, summary="Ask the assistant")
def chat(body: ChatRequest, state: StateDep, _: AssistantChat) -> dict:
    with state.locked():
        return adapters.assistant_chat(state.ws, [m.model_dump() for m in body.messages], use_llm=state.use_llm)
