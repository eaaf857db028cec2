"""The one execution engine: run code on tests, or run one program, in the sandbox."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from codesim.execution.compare import decode_value, expected_text, outputs_match, values_match
from codesim.execution.languages import Language, find_tool, get_language, java_main_class, render, source_name
from codesim.execution.limits import Limits
from codesim.execution.outcomes import classify
from codesim.execution.pool import Worker, WorkerConfig, WorkerFault, WorkerPool
from codesim.execution.verdicts import RunOutcome, TestReport, TestResult, Verdict, truncate
from codesim.problems import ProblemKind, PublicProblem, TestCase

log = logging.getLogger("codesim.execution")

# Children's environment, built from scratch ({cwd} is the run's own fresh directory).
BASE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "{cwd}",
    "TMPDIR": "{cwd}",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
}
COMPILE_LIMITS = Limits(cpu_s=60, memory_mb=2048, address_space=False, max_processes=512, max_file_mb=256)
COMPILE_TIMEOUT_S = 120.0
EXEC_STDOUT_LIMIT = 16 * 2**20
STDERR_LIMIT = 16 * 2**20
MIN_IO_STDOUT_LIMIT = 2**20
MAX_IO_STDOUT_LIMIT = 256 * 2**20
REPORT_CHARS = 100_000
WATCHDOG_MARGIN_S = 30.0


@dataclass
class _Build:
    """A program ready to run in a worker: its language, run command and environment."""

    language: Language
    argv: list[str] | None
    env: dict[str, str]
    memory_mb: int


class Sandbox:
    """Runs untrusted code in isolated child processes, ``workers`` at a time.

    Use it from one event loop, and close it (``aclose`` or ``async with``). ``hide_paths`` are
    extra directories the programs must not see (e.g. the benchmark data with hidden tests).
    """

    def __init__(self, workers: int | None = None, *, hide_paths: Sequence[str] = (), uid_base: int | None = None):
        config = WorkerConfig()
        if hide_paths:
            config.hide = sorted({*config.hide, *(os.path.realpath(path) for path in hide_paths)})
        if uid_base is not None:
            config.uid_base = uid_base
        self.workers = workers or os.cpu_count() or 1
        self._pool = WorkerPool(self.workers, config)
        self._root = os.geteuid() == 0
        self._tools: dict[str, str] = {}

    async def isolation(self) -> dict:
        """The isolation in force (unprivileged user, network and mount namespaces), as reported
        by a running fork server."""
        return await self._pool.isolation()

    def worker_uids(self) -> list[int]:
        """The uids the running workers' programs execute as (for diagnostics and tests)."""
        return [worker.uid for worker in self._pool.live_workers()]

    def worker_pids(self) -> list[int]:
        """The process ids of the running fork servers (for diagnostics and tests)."""
        return [worker.process.pid for worker in self._pool.live_workers()]

    async def aclose(self) -> None:
        """Stop the worker processes."""
        await self._pool.aclose()

    async def __aenter__(self) -> Sandbox:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()

    def _resolve_tools(self, language: Language) -> dict[str, str]:
        for tool in language.tools:
            if tool not in self._tools:
                self._tools[tool] = find_tool(tool, for_other_users=self._root)
        return {tool: self._tools[tool] for tool in language.tools}

    async def run_program(
        self, code: str, language: str, stdin: str = "", *, time_limit_s: float = 10.0, memory_mb: int = 512
    ) -> RunOutcome:
        """Run one program on ``stdin``: the raw outcome `codesim exec` prints."""
        lang = get_language(language)
        tools = self._resolve_tools(lang)
        try:
            async with self._pool.worker(shared=lang.in_process) as worker:
                build, compile_error = await self._prepare(worker, lang, tools, code, memory_mb)
                try:
                    if compile_error is not None:
                        return RunOutcome("compile_error", compile_error[0], "", compile_error[1], compile_error[2])
                    raw = await worker.request(
                        self._run_request(build, code, stdin, time_limit_s, EXEC_STDOUT_LIMIT),
                        time_limit_s + WATCHDOG_MARGIN_S,
                    )
                finally:
                    await self._release(worker, lang)
        except WorkerFault as fault:
            log.error("sandbox internal error: %s", fault)
            return RunOutcome("internal_error", None, "", str(fault), 0.0)
        verdict, explanation = classify(raw, memory_mb, time_limit_s)
        stderr = raw["stderr"]
        if verdict is Verdict.INTERNAL_ERROR:
            log.error("sandbox internal error: %s", explanation)
            stderr = f"{stderr}\n[sandbox] {explanation}".strip()
        status = "ok" if verdict is None else verdict.value
        return RunOutcome(
            status,
            raw["exit_code"],
            truncate(raw["stdout"], REPORT_CHARS),
            truncate(stderr, REPORT_CHARS, keep="tail"),
            raw["wall_s"],
        )

    async def run_tests(
        self,
        code: str,
        tests: Sequence[TestCase],
        *,
        kind: ProblemKind,
        language: str = "python",
        entry_point: str | None = None,
        time_limit_s: float = 10.0,
        memory_mb: int = 1024,
        stop_at_first_failure: bool = False,
    ) -> TestReport:
        """Run ``code`` on ``tests`` (each in a fresh process or, for Python function tests, one
        fresh process per batch) and report per-test verdicts."""
        lang = get_language(language)
        if any(test.kind != "io" for test in tests) and lang.name != "python":
            raise ValueError(f"assert/call tests need Python code, not {lang.name}")
        tools = self._resolve_tools(lang)
        try:
            async with self._pool.worker(shared=lang.in_process) as worker:
                runner = _TestRun(
                    self, worker, code, lang, tools, entry_point, time_limit_s, memory_mb, stop_at_first_failure
                )
                results = await runner.run(list(tests))
        except WorkerFault as fault:
            log.error("sandbox internal error: %s", fault)
            results = [TestResult(test, Verdict.INTERNAL_ERROR, error=str(fault)) for test in tests]
        report = TestReport.from_results(results)
        if report.verdict is Verdict.INTERNAL_ERROR:
            log.error("sandbox internal error while testing (kind=%s, language=%s)", kind.value, lang.name)
        return report

    async def run_problem_tests(
        self,
        problem: PublicProblem,
        code: str,
        tests: Sequence[TestCase],
        *,
        language: str | None = None,
        stop_at_first_failure: bool = False,
    ) -> TestReport:
        """Run ``code`` as a solution of ``problem`` on ``tests``, with the problem's kind, entry point
        and limits, in ``language`` (default: the problem's); Python code gets the problem's prelude."""
        lang = get_language(language or problem.language)
        program = problem.prelude + code if lang.name == "python" and problem.prelude else code
        return await self.run_tests(
            program,
            tests,
            kind=problem.kind,
            language=lang.name,
            entry_point=problem.entry_point,
            time_limit_s=problem.time_limit_s,
            memory_mb=problem.memory_mb,
            stop_at_first_failure=stop_at_first_failure,
        )

    async def _prepare(
        self, worker: Worker, lang: Language, tools: dict[str, str], code: str, memory_mb: int
    ) -> tuple[_Build, tuple[int | None, str, float] | None]:
        """Open a build directory with the source and compile it if the language needs it.

        Returns the build and, when compilation failed, ``(exit_code, compiler message, seconds)``.
        """
        src = source_name(lang, code)
        if not lang.in_process:
            await worker.request({"op": "open", "files": {src: code}}, WATCHDOG_MARGIN_S)
        values = {"src": src, "mem": str(memory_mb), "main": java_main_class(code) if lang.name == "java" else ""}
        env = {**BASE_ENV, **render(lang.run_env, tools, **values)}
        build = _Build(lang, render(lang.run, tools, **values) if lang.run else None, env, memory_mb)
        if not lang.compile:
            return build, None
        request = {
            "op": "run",
            "cwd": "build",
            "argv": render(lang.compile, tools, **values),
            "env": {**BASE_ENV, "HOME": "{build}", "TMPDIR": "{build}", **render(lang.compile_env, tools, **values)},
            "limits": COMPILE_LIMITS.to_json(),
            "timeout_s": COMPILE_TIMEOUT_S,
            "stdout_limit": 2**20,
            "stderr_limit": 2**20,
        }
        raw = await worker.request(request, COMPILE_TIMEOUT_S + WATCHDOG_MARGIN_S)
        verdict, explanation = classify(raw, COMPILE_LIMITS.memory_mb, COMPILE_LIMITS.cpu_s)
        if verdict is Verdict.INTERNAL_ERROR:
            raise WorkerFault(f"compiler could not start: {explanation}")
        if verdict is not None:
            message = (raw["stderr"] + raw["stdout"]).strip() or explanation
            if verdict is not Verdict.RUNTIME_ERROR:
                message = f"compilation stopped: {explanation}\n{message}"
            return build, (raw["exit_code"], truncate(message, 8000), raw["wall_s"])
        await worker.request({"op": "seal"}, WATCHDOG_MARGIN_S)
        return build, None

    async def _release(self, worker: Worker, lang: Language) -> None:
        """Delete the build directory `_prepare` opened (none for in-process Python)."""
        if not lang.in_process and worker.alive:
            await worker.request({"op": "close"}, WATCHDOG_MARGIN_S)

    def _limits(self, build: _Build, cpu_s: float) -> Limits:
        lang = build.language
        return Limits(
            cpu_s=cpu_s,
            memory_mb=build.memory_mb + lang.overhead_mb,
            address_space=lang.address_space,
            stack_mb=lang.stack_mb,
        )

    def _run_request(self, build: _Build, code: str, stdin: str, time_limit_s: float, stdout_limit: int) -> dict:
        request = {
            "op": "run",
            "cwd": "fresh",
            "argv": build.argv,
            "env": build.env,
            "stdin": stdin,
            "limits": self._limits(build, time_limit_s).to_json(),
            "timeout_s": time_limit_s,
            "stdout_limit": stdout_limit,
            "stderr_limit": STDERR_LIMIT,
        }
        if build.argv is None:
            request["python"] = {"mode": "program", "code": code}
        return request


class _TestRun:
    """One code on a list of tests, inside one borrowed worker."""

    def __init__(
        self,
        sandbox: Sandbox,
        worker: Worker,
        code: str,
        lang: Language,
        tools: dict[str, str],
        entry_point: str | None,
        time_limit_s: float,
        memory_mb: int,
        stop: bool,
    ):
        self.sandbox, self.worker, self.code, self.lang, self.tools = sandbox, worker, code, lang, tools
        self.entry_point, self.time_limit_s, self.memory_mb, self.stop = entry_point, time_limit_s, memory_mb, stop

    async def run(self, tests: list[TestCase]) -> list[TestResult]:
        build, compile_error = await self.sandbox._prepare(
            self.worker, self.lang, self.tools, self.code, self.memory_mb
        )
        try:
            if compile_error is not None:
                return [TestResult(test, Verdict.COMPILE_ERROR, error=compile_error[1]) for test in tests]
            results: list[TestResult] = []
            index = 0
            while index < len(tests):
                if tests[index].kind == "io":
                    results.append(await self._io_test(build, tests[index]))
                    index += 1
                else:
                    end = index
                    while end < len(tests) and tests[end].kind != "io":
                        end += 1
                    results += await self._function_tests(tests[index:end])
                    index = len(results)
                if self.stop and any(result.verdict is not Verdict.PASSED for result in results):
                    break
            return results
        finally:
            await self.sandbox._release(self.worker, self.lang)

    async def _io_test(self, build: _Build, test: TestCase) -> TestResult:
        expected = expected_text(test.expected)
        stdout_limit = min(MAX_IO_STDOUT_LIMIT, max(MIN_IO_STDOUT_LIMIT, 4 * len(expected.encode())))
        stdin = expected_text(test.input)
        request = self.sandbox._run_request(build, self.code, stdin, self.time_limit_s, stdout_limit)
        raw = await self.worker.request(request, self.time_limit_s + WATCHDOG_MARGIN_S)
        verdict, explanation = classify(raw, self.memory_mb, self.time_limit_s)
        actual = truncate(raw["stdout"], 2000)
        error = truncate(raw["stderr"], 3000, keep="tail") or explanation
        if verdict is None:
            if outputs_match(raw["stdout"], expected, test.atol or 1e-6):
                return TestResult(test, Verdict.PASSED, actual, "", **_process_figures(raw))
            return TestResult(test, Verdict.FAILED, actual, "wrong answer", **_process_figures(raw))
        if verdict is Verdict.INTERNAL_ERROR:
            log.error("sandbox internal error: %s", explanation)
            error = explanation
        elif explanation and explanation not in error:
            error = f"{error}\n{explanation}".strip()
        return TestResult(test, verdict, actual, error, **_process_figures(raw))

    async def _function_tests(self, tests: list[TestCase]) -> list[TestResult]:
        """Python assert/call tests in one child; after a test that kills the child (timeout,
        crash, memory), a new child continues with the next test."""
        results: list[TestResult] = []
        while len(results) < len(tests):
            batch = tests[len(results) :]
            nonce = secrets.token_hex(16)
            cpu_s = self.time_limit_s * (len(batch) + 1) + 1
            build = _Build(self.lang, None, BASE_ENV, self.memory_mb)
            request = {
                "op": "run",
                "cwd": "fresh",
                "argv": None,
                "env": BASE_ENV,
                "stdin": "",
                "limits": self.sandbox._limits(build, cpu_s).to_json(),
                "timeout_s": self.time_limit_s,
                "stdout_limit": EXEC_STDOUT_LIMIT,
                "stderr_limit": STDERR_LIMIT,
                "python": {
                    "mode": "tests",
                    "code": self.code,
                    "entry_point": self.entry_point,
                    "nonce": nonce,
                    "tests": [{"kind": test.kind, "input": test.input} for test in batch],
                },
            }
            raw = await self.worker.request(request, cpu_s + WATCHDOG_MARGIN_S)
            batch_results, finished = self._read_records(batch, raw, nonce, cpu_s, offset=len(results))
            results += batch_results
            failures = [index for index, result in enumerate(results) if result.verdict is not Verdict.PASSED]
            if self.stop and failures:
                return results[: failures[0] + 1]
            if finished:
                break
        return results

    def _read_records(
        self, batch: list[TestCase], raw: dict, nonce: str, cpu_s: float, offset: int
    ) -> tuple[list[TestResult], bool]:
        """Per-test results from the driver's records (``batch`` starts at test #offset+1);
        ``finished`` is False when the child died during a test (that test gets the run's
        verdict, the caller goes on after it)."""
        records = [record for record in raw["records"] if record.get("nonce") == nonce]
        ends = {record["index"]: record for record in records if record.get("event") == "end"}
        load = next((record for record in records if record.get("event") == "load"), None)
        results: list[TestResult] = []
        if load is not None:
            verdict = Verdict(load["verdict"])
            return [TestResult(test, verdict, "", load.get("error", "")) for test in batch], True
        if -1 not in ends:
            verdict, error = self._crash_verdict(raw, cpu_s, "while loading the code")
            return [TestResult(test, verdict, "", error) for test in batch], True
        for index, test in enumerate(batch):
            record = ends.get(index)
            if record is None:
                verdict, error = self._crash_verdict(raw, cpu_s, f"during test #{offset + index + 1}")
                results.append(TestResult(test, verdict, truncate(raw["stdout"], 500), error, raw["wall_s"]))
                return results, False
            results.append(self._judge(test, record))
        return results, True

    def _crash_verdict(self, raw: dict, cpu_s: float, when: str) -> tuple[Verdict, str]:
        verdict, explanation = classify(raw, self.memory_mb, cpu_s)
        stderr = truncate(raw["stderr"], 3000, keep="tail")
        if verdict is None:
            return Verdict.RUNTIME_ERROR, f"the program exited {when} (exit code 0) before the test finished"
        if verdict is Verdict.INTERNAL_ERROR:
            log.error("sandbox internal error: %s", explanation)
        return verdict, f"{stderr}\n{explanation} {when}".strip()

    def _judge(self, test: TestCase, record: dict) -> TestResult:
        figures = _record_figures(record)
        if record["verdict"] != "returned":
            return TestResult(
                test, Verdict(record["verdict"]), record.get("actual", ""), record.get("error", ""), **figures
            )
        value = decode_value(record["value"])
        actual = truncate(repr(value), 2000)
        if values_match(value, test.expected, test.atol):
            return TestResult(test, Verdict.PASSED, actual, "", **figures)
        return TestResult(test, Verdict.FAILED, actual, f"expected {truncate(repr(test.expected), 2000)}", **figures)


def _process_figures(raw: dict) -> dict:
    """Wall and CPU seconds and peak memory of a whole run (one process: one I/O test), from its rusage."""
    return {"time_s": raw["wall_s"], "cpu_s": raw.get("cpu_s"), "peak_kb": raw.get("maxrss_kb")}


def _record_figures(record: dict) -> dict:
    """Wall and CPU seconds and peak memory of one function test, as the driver measured them."""
    cpu_s, peak_kb = record.get("cpu_s"), record.get("peak_kb")
    return {
        "time_s": float(record.get("time_s", 0.0)),
        "cpu_s": None if cpu_s is None else float(cpu_s),
        "peak_kb": None if peak_kb is None else int(peak_kb),
    }
