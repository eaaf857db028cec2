"""A scripted LLM server on loopback that speaks the real wire protocols.

It answers OpenAI chat completions (`POST /v1/chat/completions`), Anthropic messages
(`POST /v1/messages`) and Gemini `generateContent` (`POST /v1beta/models/M:generateContent`),
so the official client libraries can be exercised over real HTTP. Answers come from a queue
of scripted `FakeReply` objects, else from a `responder` function of the request; a request for
several answers (OpenAI `n`, Gemini `candidateCount`) takes one reply per answer, and each
answer ends before the request's first stop string, as a real server ends it. Used by
the tests and by the benchmark scripts; never by the product itself.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeRequest:
    """One request as received: the protocol, the path, the JSON body and the chat turns."""

    protocol: str  # "openai" | "anthropic" | "gemini"
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    messages: list[tuple[str, str]]  # (role, text), system first when present

    @property
    def last_user_text(self) -> str:
        """The text of the last user turn."""
        return next((text for role, text in reversed(self.messages) if role == "user"), "")

    @property
    def all_text(self) -> str:
        """Every turn's text, joined."""
        return "\n".join(text for _, text in self.messages)


@dataclass
class FakeReply:
    """A scripted answer. `raw_body` replaces the protocol JSON (e.g. malformed JSON);
    `usage=False` omits token usage; `delay_s` sleeps before answering; `reasoning_tokens` > 0
    answers as a reasoning model: hidden reasoning counted in the usage as each protocol
    reports it (Anthropic: a thinking block before the text)."""

    text: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw_body: str | None = None
    usage: bool = True
    delay_s: float = 0.0
    reasoning_tokens: int = 0


Responder = Callable[[FakeRequest], "str | FakeReply"]


def _messages_of(protocol: str, body: dict[str, Any]) -> list[tuple[str, str]]:
    if protocol == "openai":
        return [(m.get("role", ""), str(m.get("content", ""))) for m in body.get("messages", [])]
    if protocol == "anthropic":
        turns = [("system", str(body["system"]))] if body.get("system") else []
        for m in body.get("messages", []):
            content = m.get("content", "")
            if isinstance(content, list):
                content = "".join(part.get("text", "") for part in content)
            turns.append((m.get("role", ""), content))
        return turns
    turns = []
    system = body.get("systemInstruction") or body.get("system_instruction")
    if system:
        turns.append(("system", "".join(p.get("text", "") for p in system.get("parts", []))))
    for content in body.get("contents", []):
        role = "assistant" if content.get("role") == "model" else "user"
        turns.append((role, "".join(p.get("text", "") for p in content.get("parts", []))))
    return turns


def _gemini_config(body: dict[str, Any]) -> dict[str, Any]:
    """A Gemini request's generation config (REST and SDK spellings)."""
    return body.get("generationConfig") or body.get("generation_config") or {}


def _answers_wanted(protocol: str, body: dict[str, Any]) -> int:
    if protocol == "openai":
        return int(body.get("n") or 1)
    if protocol == "gemini":
        config = _gemini_config(body)
        return int(config.get("candidateCount") or config.get("candidate_count") or 1)
    return 1


def _stop_strings(protocol: str, body: dict[str, Any]) -> list[str]:
    if protocol == "openai":
        stop = body.get("stop") or []
        return [stop] if isinstance(stop, str) else list(stop)
    if protocol == "anthropic":
        return list(body.get("stop_sequences") or [])
    config = _gemini_config(body)
    return list(config.get("stopSequences") or config.get("stop_sequences") or [])


def _cut_at_stop(reply: FakeReply, stop: list[str]) -> FakeReply:
    """The reply as a real server sends it: ended before the first stop string, left out."""
    ends = [i for i in (reply.text.find(s) for s in stop if s) if i >= 0]
    return replace(reply, text=reply.text[: min(ends)]) if ends else reply


def _body_for(protocol: str, model: str, replies: list[FakeReply], prompt_tokens: int) -> dict[str, Any]:
    reply = replies[0]
    answer_tokens = sum(max(1, len(each.text.split())) for each in replies)
    completion_tokens = answer_tokens + reply.reasoning_tokens
    if protocol == "openai":
        body: dict[str, Any] = {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {"index": i, "message": {"role": "assistant", "content": each.text}, "finish_reason": "stop"}
                for i, each in enumerate(replies)
            ],
        }
        if reply.usage:
            body["usage"] = {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
                "completion_tokens_details": {"reasoning_tokens": reply.reasoning_tokens},
            }
        return body
    if protocol == "anthropic":
        thinking = " ".join(["hmm"] * reply.reasoning_tokens)
        return {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": ([{"type": "thinking", "thinking": thinking, "signature": "fake"}] if thinking else [])
            + [{"type": "text", "text": reply.text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": prompt_tokens, "output_tokens": completion_tokens}
            if reply.usage
            else {"input_tokens": None, "output_tokens": None},
        }
    body = {
        "candidates": [
            {"index": i, "content": {"role": "model", "parts": [{"text": each.text}]}, "finishReason": "STOP"}
            for i, each in enumerate(replies)
        ],
        "modelVersion": model,
    }
    if reply.usage:
        body["usageMetadata"] = {
            "promptTokenCount": prompt_tokens,
            "candidatesTokenCount": answer_tokens,
            "totalTokenCount": prompt_tokens + completion_tokens,
            **({"thoughtsTokenCount": reply.reasoning_tokens} if reply.reasoning_tokens else {}),
        }
    return body


class FakeLLMServer:
    """A threaded HTTP server on 127.0.0.1 with a free port. Use as a context manager.

    Records every request (`requests`) and the most requests seen in flight at once
    (`max_in_flight`)."""

    def __init__(self, responder: Responder | None = None, latency_s: float = 0.0) -> None:
        self.responder = responder
        self.latency_s = latency_s
        self.script: deque[FakeReply] = deque()
        self.requests: list[FakeRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        host, port = self._httpd.server_address[:2]
        assert isinstance(host, str)  # an AF_INET address: (host, port)
        return f"http://{host}:{port}"

    @property
    def openai_base_url(self) -> str:
        """The base URL to give an OpenAI client."""
        return f"{self.url}/v1"

    def push(self, *replies: FakeReply | str) -> None:
        """Queue scripted replies, answered in order before the responder is asked."""
        for reply in replies:
            self.script.append(reply if isinstance(reply, FakeReply) else FakeReply(text=reply))

    def start(self) -> FakeLLMServer:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next_reply(self, request: FakeRequest) -> FakeReply:
        with self._lock:
            scripted = self.script.popleft() if self.script else None
        if scripted is not None:
            return scripted
        if self.responder is None:
            return FakeReply(text="")
        answer = self.responder(request)
        return answer if isinstance(answer, FakeReply) else FakeReply(text=answer)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b"{}"
        path = handler.path.split("?")[0]
        if path.endswith("/chat/completions"):
            protocol = "openai"
        elif path.endswith("/messages"):
            protocol = "anthropic"
        elif ":generateContent" in path:
            protocol = "gemini"
        else:
            handler.send_error(404, "unknown endpoint")
            return
        body = json.loads(raw or b"{}")
        request = FakeRequest(protocol, path, dict(handler.headers.items()), body, _messages_of(protocol, body))
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            stop = _stop_strings(protocol, body)
            replies = [_cut_at_stop(self._next_reply(request), stop) for _ in range(_answers_wanted(protocol, body))]
            reply = replies[0]
            time.sleep(self.latency_s + reply.delay_s)
            model = body.get("model") or path.split("/models/")[-1].split(":")[0]
            prompt_tokens = max(1, len(request.all_text.split()))
            payload = (
                reply.raw_body
                if reply.raw_body is not None
                else json.dumps(_body_for(protocol, model, replies, prompt_tokens))
            )
            data = payload.encode("utf-8")
            handler.send_response(reply.status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # as real servers do; otherwise ~40 ms per answer

            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                server._handle(self)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
