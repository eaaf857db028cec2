"""The `codesim` command as a user runs it (a subprocess), for tests in any package: its
environment, the argv of `codesim run` against the fake LLM server and of `codesim evaluate`,
JSONL files in and out, and answers for that server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from codesim.testing.fake_llm import FakeLLMServer, FakeReply, FakeRequest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
HUMANEVAL = SHARED_DATA / "humaneval" / "HumanEval.jsonl"
CODESIM = [sys.executable, "-m", "codesim"]
WRONG = "def {name}(*args):\n    return None\n"


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of one command: its own `CODESIM_HOME` (response cache), a dummy
    OpenAI key, unbuffered output, and `extra`."""
    return {**os.environ, "CODESIM_HOME": str(home), "OPENAI_API_KEY": "x", "PYTHONUNBUFFERED": "1", **extra}


def run_argv(dataset: str, data_file: Path, *flags: str) -> list[str]:
    """`codesim run --dataset DATASET` on the file `data_file`, with `flags`."""
    return [*CODESIM, "run", "--dataset", dataset, "--data-file", str(data_file), *flags]


def humaneval_run_argv(*flags: str) -> list[str]:
    """`codesim run --dataset humaneval` on the shared HumanEval file, with `flags`."""
    return run_argv("humaneval", HUMANEVAL, *flags)


def fake_llm_flags(server: FakeLLMServer, out: Path, model: str = "fake-coder") -> list[str]:
    """The `codesim run` flags that ask `server` (OpenAI protocol) for `model` and write into `out`."""
    return ["--provider", "openai", "--base-url", server.openai_base_url, "--model", model, "--out", str(out)]


def evaluate_args(samples: Path, *flags: str, dataset: str = "humaneval", data_file: Path | None = None) -> list[str]:
    """The arguments after `codesim` of `evaluate` of the samples file `samples` on `dataset`,
    read from `data_file` (default: the dataset's usual source); `flags` last (a repeated flag
    overrides)."""
    data = ["--data-file", str(data_file)] if data_file is not None else []
    return ["evaluate", "--dataset", dataset, *data, "--samples", str(samples), *flags]


def humaneval_evaluate_argv(samples: Path) -> list[str]:
    """`codesim evaluate` of the samples file `samples` on the shared HumanEval file."""
    return [*CODESIM, *evaluate_args(samples, data_file=HUMANEVAL)]


def direct_run_argv(server: FakeLLMServer, out: Path, *extra: str, model: str = "fake-coder") -> list[str]:
    """`codesim run` of the direct strategy on HumanEval, asking `server` for model `model`,
    writing into `out`; `extra` flags last (a repeated flag overrides)."""
    return humaneval_run_argv("--strategy", "direct", *fake_llm_flags(server, out, model), *extra)


def run_codesim(
    argv: list[str], home: Path, timeout_s: float = 300, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    """Run `argv` (a `codesim` command line) to its end with `cli_env(home, **extra_env)`; text
    output captured."""
    return subprocess.run(argv, env=cli_env(home, **extra_env), capture_output=True, text=True, timeout=timeout_s)


def last_json(stdout: str) -> dict:
    """The JSON object a command printed last (`codesim evaluate`'s summary)."""
    return json.loads(stdout.strip().splitlines()[-1])


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    """`rows` written to `path`, one JSON object a line (a samples file); returns `path`."""
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    """The JSON objects of `path`, one a line (results.jsonl, an evaluate verdicts file)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class Cli:
    """Direct runs on HumanEval against `server`, with their own `CODESIM_HOME`."""

    def __init__(self, server: FakeLLMServer, home: Path) -> None:
        self.server = server
        self.home = home
        self.env = cli_env(home)

    def argv(self, out: Path, *extra: str) -> list[str]:
        return direct_run_argv(self.server, out, *extra)

    def run(self, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
        """Run into `out` to the end."""
        return run_codesim(self.argv(out, *extra), self.home)

    def start(self, out: Path, *extra: str) -> subprocess.Popen[str]:
        """Start a run into `out`; its output is piped."""
        return subprocess.Popen(
            self.argv(out, *extra), env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )


def humaneval_rows(count: int) -> list[dict]:
    """The first `count` HumanEval rows."""
    with HUMANEVAL.open(encoding="utf-8") as handle:
        return [json.loads(line) for _, line in zip(range(count), handle, strict=False)]


def humaneval_answers(count: int, wrong: tuple[int, ...] = ()) -> dict[str, str]:
    """Markers and answers for the first `count` HumanEval tasks (see `answers_by_marker`): the
    canonical solution, or a wrong function for the task numbers in `wrong`."""
    rows = humaneval_rows(count)
    return {
        f"def {row['entry_point']}(": WRONG.format(name=row["entry_point"])
        if n in wrong
        else row["prompt"] + row["canonical_solution"]
        for n, row in enumerate(rows)
    }


def answers_by_marker(answers: dict[str, str], tag: str = "python") -> Callable[[FakeRequest], FakeReply]:
    """A responder for real dataset prompts: the code of the first marker found in the request
    (e.g. `def has_close_elements(`), else an answer without code."""

    def respond(request: FakeRequest) -> FakeReply:
        text = request.all_text
        for marker, code in answers.items():
            if marker in text:
                return FakeReply(f"```{tag}\n{code}```\n")
        return FakeReply("I cannot solve this.")

    return respond
