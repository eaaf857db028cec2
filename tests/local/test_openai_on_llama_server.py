"""The `openai` provider against a real OpenAI-compatible server nobody here wrote:
llama-cpp-python's own server, started on loopback with the local model."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from codesim.errors import ProviderError
from codesim.llm.base import Message
from codesim.llm.factory import ModelConfig, build_chat_model
from codesim.llm.local_provider import default_threads

pytest.importorskip("uvicorn", reason="needs llama-cpp-python[server] (in the test extra)")

ADD = [
    Message("system", "You are a helpful coder."),
    Message("user", "Write a Python function add(a, b) that returns a+b. Only code."),
]
STARTUP_TIMEOUT_S = 180


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"llama_cpp.server exited with {server.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"llama_cpp.server did not answer within {STARTUP_TIMEOUT_S} s: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def llama_server_url(real_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m llama_cpp.server` on 127.0.0.1, stopped by its PID after the module."""
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(real_model_path),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", str(default_threads()),
    ]  # fmt: skip
    with log.open("wb") as sink:
        server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_serving(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


async def test_openai_provider_matches_the_local_provider(llama_server_url: str, real_model_path: Path) -> None:
    remote = build_chat_model(
        ModelConfig(provider="openai", base_url=llama_server_url, model="qwen", max_tokens=32, use_cache=False)
    )
    local = build_chat_model(
        ModelConfig(provider="local", model_path=str(real_model_path), max_tokens=32, use_cache=False)
    )
    try:
        served = await remote.chat(ADD)
        in_process = await local.chat(ADD)
    finally:
        await remote.aclose()
        await local.aclose()

    assert "def add(a, b)" in served.text
    assert not served.usage.estimated
    assert served.usage.prompt_tokens == in_process.usage.prompt_tokens
    assert served.text == in_process.text


async def test_openai_provider_reports_a_prompt_the_server_rejects(llama_server_url: str) -> None:
    remote = build_chat_model(
        ModelConfig(provider="openai", base_url=llama_server_url, model="qwen", max_tokens=16, use_cache=False)
    )
    try:
        with pytest.raises(ProviderError, match="HTTP 400.*maximum context length is 4096 tokens") as caught:
            await remote.chat([Message("user", "parcel " * 6000)])
    finally:
        await remote.aclose()
    assert "openai (model qwen)" in str(caught.value)
