"""Named OpenAI-compatible services: base URL and the variable holding the API key."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OpenAIPreset:
    """An OpenAI-compatible endpoint. `key_required=False` means a local server that
    accepts any key."""

    base_url: str | None
    key_env: str
    key_required: bool = True


OPENAI_PRESETS: dict[str, OpenAIPreset] = {
    "openai": OpenAIPreset(None, "OPENAI_API_KEY"),
    "groq": OpenAIPreset("https://api.groq.com/openai/v1", "GROQ_API_KEY"),
    "deepseek": OpenAIPreset("https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"),
    "openrouter": OpenAIPreset("https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
    "together": OpenAIPreset("https://api.together.xyz/v1", "TOGETHER_API_KEY"),
    "ollama": OpenAIPreset("http://localhost:11434/v1", "OLLAMA_API_KEY", key_required=False),
    "vllm": OpenAIPreset("http://localhost:8000/v1", "VLLM_API_KEY", key_required=False),
    "sglang": OpenAIPreset("http://localhost:30000/v1", "SGLANG_API_KEY", key_required=False),
    "llamacpp": OpenAIPreset("http://localhost:8080/v1", "LLAMACPP_API_KEY", key_required=False),
}
