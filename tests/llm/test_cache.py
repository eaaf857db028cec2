"""The response cache under concurrent use from several processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from codesim.llm.base import ChatResult, Usage
from codesim.llm.cache import ResponseCache, cache_enabled_by_env

WRITER = """
import sys
from codesim.llm.base import ChatResult, Usage
from codesim.llm.cache import ResponseCache
cache = ResponseCache(sys.argv[1])
worker = sys.argv[2]
for i in range(300):
    usage = Usage(prompt_tokens=i, completion_tokens=1)
    cache.put(f"{worker}-{i}", ChatResult(text=f"answer {worker} {i}", usage=usage))
    shared = cache.get("shared")
    cache.put("shared", ChatResult(text="shared", usage=Usage()))
    assert cache.get(f"{worker}-{i}").text == f"answer {worker} {i}"
print("ok")
"""


def test_several_processes_share_one_cache_file(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    ResponseCache(path).close()
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(n)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for n in range(4)
    ]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0, 0, 0], outputs
    cache = ResponseCache(path)
    assert len(cache) == 4 * 300 + 1
    hit = cache.get("2-17")
    assert hit is not None and hit.cached and hit.text == "answer 2 17" and hit.usage.prompt_tokens == 17


def test_first_writer_wins(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite3")
    cache.put("k", ChatResult(text="one", usage=Usage(prompt_tokens=1)))
    cache.put("k", ChatResult(text="two", usage=Usage(prompt_tokens=2)))
    assert cache.get("k").text == "one"
    assert cache.get("missing") is None


def test_env_switch(monkeypatch) -> None:
    monkeypatch.setenv("CODESIM_CACHE", "off")
    assert not cache_enabled_by_env()
    monkeypatch.setenv("CODESIM_CACHE", "1")
    assert cache_enabled_by_env()
