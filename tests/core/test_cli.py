"""The command-line skeleton: help, version, one-line usage errors (as a real subprocess)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from codesim import __version__

SUBCOMMANDS = ("run", "evaluate", "exec", "solve", "report", "models")


def codesim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "codesim", *args], capture_output=True, text=True, timeout=120)


def test_help_lists_every_subcommand() -> None:
    result = codesim("--help")
    assert result.returncode == 0
    for name in SUBCOMMANDS:
        assert name in result.stdout


def test_version() -> None:
    result = codesim("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"codesim {__version__}"


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_has_help(name: str) -> None:
    result = codesim(name, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: codesim {name}")


def test_bad_flag_is_one_line_exit_2() -> None:
    result = codesim("run", "--dataset", "humaneval", "--strategy", "direct", "--no-such-flag")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--no-such-flag" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--rpm", "-5", "expected a number > 0, got -5"),
        ("--llm-concurrency", "0", "expected a number >= 1, got 0"),
        ("--max-tokens", "lots", "expected a whole number, got 'lots'"),
        ("--temperature", "-0.1", "expected a number >= 0, got -0.1"),
        ("--request-timeout", "nan", "expected a number > 0, got nan"),
        ("--max-retries", "-1", "expected a number >= 0, got -1"),
    ],
)
def test_out_of_range_model_flag_is_one_line_exit_2(flag: str, value: str, expected: str) -> None:
    # A negative --rpm used to be accepted and then wait forever for its first request.
    result = codesim("run", "--dataset", "humaneval", "--strategy", "direct", flag, value)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and flag in lines[0] and expected in lines[0]


def test_unknown_subcommand_is_one_line_exit_2() -> None:
    result = codesim("frobnicate")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
