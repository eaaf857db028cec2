"""Sandboxed execution of untrusted code: the one engine behind visible-test feedback, final
hidden-test verdicts and `codesim exec`. See docs/sandbox.md for the isolation in force."""

from codesim.execution.compare import outputs_match, values_match
from codesim.execution.languages import LANGUAGES, ToolchainMissing, normalize_language
from codesim.execution.pool import SandboxUnavailable
from codesim.execution.sandbox import Sandbox
from codesim.execution.verdicts import RunOutcome, TestReport, TestResult, Verdict

__all__ = [
    "LANGUAGES",
    "RunOutcome",
    "Sandbox",
    "SandboxUnavailable",
    "TestReport",
    "TestResult",
    "ToolchainMissing",
    "Verdict",
    "normalize_language",
    "outputs_match",
    "values_match",
]
