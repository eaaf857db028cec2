"""Hostile programs: each case checks the verdict AND that the host is unharmed (no process left
behind, canary file intact, no secret visible, harness and its workers alive)."""

from __future__ import annotations

import asyncio
import os
import socket
import textwrap

import psutil
from host_guard import SECRET, Canary, assert_host_unharmed, requires_root

from codesim.execution import Sandbox, Verdict
from codesim.execution.verdicts import RunOutcome
from codesim.problems import ProblemKind
from codesim.problems import TestCase as Case

FUNCTION = ProblemKind.FUNCTION
pytestmark = requires_root


async def run(
    sandbox: Sandbox, code: str, *, time_limit_s: float = 10.0, memory_mb: int = 256, language: str = "python"
) -> RunOutcome:
    outcome = await sandbox.run_program(textwrap.dedent(code), language, time_limit_s=time_limit_s, memory_mb=memory_mb)
    assert SECRET not in outcome.stdout and SECRET not in outcome.stderr
    return outcome


async def check_function(sandbox: Sandbox, code: str, tests: list[Case], entry_point: str = "f") -> Verdict:
    report = await sandbox.run_tests(textwrap.dedent(code), tests, kind=FUNCTION, entry_point=entry_point)
    assert not report.passed
    return report.verdict


# --- runaway resources -------------------------------------------------------------------------


async def test_infinite_loop_times_out(sandbox: Sandbox, canary: Canary) -> None:
    outcome = await run(sandbox, "while True:\n    pass\n", time_limit_s=1.5)
    assert outcome.status == "timeout"
    await assert_host_unharmed(sandbox, canary)


async def test_sleeping_forever_hits_the_wall_clock(sandbox: Sandbox, canary: Canary) -> None:
    outcome = await run(sandbox, "import time\ntime.sleep(10_000)\n", time_limit_s=1.5)
    assert outcome.status == "timeout" and outcome.time_s < 5
    await assert_host_unharmed(sandbox, canary)


async def test_memory_bomb(sandbox: Sandbox, canary: Canary) -> None:
    outcome = await run(sandbox, "x = [0] * (10 ** 10)\n")
    assert outcome.status == "memory_limit"
    await assert_host_unharmed(sandbox, canary)


async def test_stdout_flood_is_cut_and_the_harness_memory_stays_bounded(sandbox: Sandbox, canary: Canary) -> None:
    before = psutil.Process().memory_info().rss
    outcome = await run(sandbox, "import os\nwhile True:\n    os.write(1, b'x' * 65536)\n", time_limit_s=20)
    assert outcome.status == "output_limit"
    assert psutil.Process().memory_info().rss - before < 200 * 2**20
    await assert_host_unharmed(sandbox, canary)


async def test_stderr_flood(sandbox: Sandbox, canary: Canary) -> None:
    outcome = await run(sandbox, "import sys\nwhile True:\n    sys.stderr.write('e' * 65536)\n", time_limit_s=20)
    assert outcome.status == "output_limit" and len(outcome.stderr) <= 100_010
    await assert_host_unharmed(sandbox, canary)


async def test_file_size_limit(sandbox: Sandbox, canary: Canary) -> None:
    outcome = await run(sandbox, "with open('big', 'wb') as f:\n    f.write(b'x' * (200 * 2**20))\n", memory_mb=512)
    assert outcome.status == "runtime_error"
    await assert_host_unharmed(sandbox, canary)


async def test_open_files_limit(sandbox: Sandbox, canary: Canary) -> None:
    code = """
        handles = []
        try:
            while len(handles) < 5000:
                handles.append(open('/dev/null'))
        except OSError as err:
            print('stopped', len(handles), err.errno)
        """
    outcome = await run(sandbox, code)
    assert outcome.status == "ok" and outcome.stdout.startswith("stopped") and int(outcome.stdout.split()[1]) < 300
    await assert_host_unharmed(sandbox, canary)


# --- processes -----------------------------------------------------------------------------------


async def test_burst_of_50_forks_leaves_nothing_behind(sandbox: Sandbox, canary: Canary) -> None:
    code = """
        import os, time
        for _ in range(50):
            if os.fork() == 0:
                time.sleep(1000)
                os._exit(0)
        print('forked')
        """
    outcome = await run(sandbox, code)
    assert (outcome.status, outcome.stdout) == ("ok", "forked\n")
    await assert_host_unharmed(sandbox, canary)


async def test_fork_bomb_is_stopped_by_the_process_limit(sandbox: Sandbox, canary: Canary) -> None:
    code = """
        import os, time
        made = refused = 0
        for _ in range(300):
            try:
                pid = os.fork()
            except OSError:
                refused += 1
                continue
            if pid == 0:
                time.sleep(1000)
                os._exit(0)
            made += 1
        print(made, refused)
        """
    outcome = await run(sandbox, code)
    made, refused = map(int, outcome.stdout.split())
    assert outcome.status == "ok" and made < 64 and refused > 200
    await assert_host_unharmed(sandbox, canary)


async def test_daemon_escaping_the_session_is_killed(sandbox: Sandbox, canary: Canary) -> None:
    code = """
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(1000)
            os._exit(0)
        time.sleep(0.2)
        print('parent done')
        """
    outcome = await run(sandbox, code)
    assert outcome.status == "ok"
    await assert_host_unharmed(sandbox, canary)


async def test_native_fork_burst_leaves_nothing_behind(sandbox: Sandbox, canary: Canary) -> None:
    code = "#include <unistd.h>\nint main(void){for(int i=0;i<50;i++) if(fork()==0){sleep(1000);return 0;} return 0;}\n"
    outcome = await run(sandbox, code, language="c")
    assert outcome.status == "ok"
    await assert_host_unharmed(sandbox, canary)


async def test_program_cannot_kill_its_supervisor(sandbox: Sandbox, canary: Canary) -> None:
    await sandbox.isolation()
    servers = sandbox.worker_pids()
    outcome = await run(sandbox, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n")
    assert outcome.status == "runtime_error" and "PermissionError" in outcome.stderr
    assert set(servers) <= set(sandbox.worker_pids())
    await assert_host_unharmed(sandbox, canary)


async def test_program_cannot_signal_the_harness(sandbox: Sandbox, canary: Canary) -> None:
    outcome = await run(sandbox, f"import os, signal\nos.kill({os.getpid()}, signal.SIGTERM)\n")
    # Another uid (PermissionError), and in its own PID namespace the harness's pid names no process.
    assert outcome.status == "runtime_error"
    assert "PermissionError" in outcome.stderr or "ProcessLookupError" in outcome.stderr
    await assert_host_unharmed(sandbox, canary)


async def test_kill_everything_only_reaches_the_programs_own_processes(sandbox: Sandbox, canary: Canary) -> None:
    await sandbox.isolation()
    servers = sandbox.worker_pids()
    code = """
        import os, signal, time
        if os.fork() == 0:
            time.sleep(100)
            os._exit(0)
        os.kill(-1, signal.SIGKILL)
        print('still here', os.wait()[1] == signal.SIGKILL)
        """
    outcome = await run(sandbox, code)
    assert (outcome.status, outcome.stdout) == ("ok", "still here True\n")
    assert set(servers) <= set(sandbox.worker_pids())
    await assert_host_unharmed(sandbox, canary)


async def test_concurrent_runs_cannot_touch_each_other(sandbox: Sandbox, canary: Canary) -> None:
    killer = (
        "import os, signal, time\nend = time.time() + 2\nwhile time.time() < end:\n    os.kill(-1, signal.SIGKILL)\n"
    )
    victim = "import time\ntime.sleep(1)\nprint('survived')\n"
    await asyncio.gather(sandbox.isolation(), sandbox.isolation())
    assert len(set(sandbox.worker_uids())) == 2
    _, survivor = await asyncio.gather(run(sandbox, killer), run(sandbox, victim))
    assert (survivor.status, survivor.stdout) == ("ok", "survived\n")
    await assert_host_unharmed(sandbox, canary)


async def test_cannot_regain_root(sandbox: Sandbox, canary: Canary) -> None:
    outcome = await run(sandbox, "import os\nos.setuid(0)\n")
    assert outcome.status == "runtime_error" and "PermissionError" in outcome.stderr
    await assert_host_unharmed(sandbox, canary)


# --- secrets and files -----------------------------------------------------------------------------


async def test_environment_is_built_from_scratch(sandbox: Sandbox, canary: Canary) -> None:
    outcome = await run(sandbox, "import os\nprint(sorted(os.environ))\n")
    assert outcome.status == "ok"
    assert "CODESIM_TEST_API_KEY" not in outcome.stdout and "PATH" in outcome.stdout
    await assert_host_unharmed(sandbox, canary)


async def test_harness_environment_unreadable_through_proc(sandbox: Sandbox, canary: Canary) -> None:
    code = f"""
        for pid in ({os.getpid()}, __import__('os').getppid()):
            try:
                print(open(f'/proc/{{pid}}/environ', 'rb').read())
            except OSError as err:
                print('denied', type(err).__name__)
        """
    outcome = await run(sandbox, code)
    assert outcome.status == "ok" and outcome.stdout.count("denied PermissionError") == 2
    await assert_host_unharmed(sandbox, canary)


async def test_cannot_delete_or_overwrite_user_files(sandbox: Sandbox, canary: Canary) -> None:
    code = f"""
        import os
        path = {str(canary.path)!r}
        print(open(path).read().strip() != '')
        for attempt in (lambda: os.remove(path), lambda: open(path, 'w').write('pwned'),
                        lambda: os.rename(path, path + '.x'), lambda: os.chmod(path, 0o777)):
            try:
                attempt()
                print('done')
            except OSError as err:
                print('denied', type(err).__name__)
        """
    outcome = await run(sandbox, code)
    # PermissionError (not the owner), or OSError EROFS as root (the host is mounted read-only)
    assert outcome.status == "ok" and outcome.stdout.count("denied") == 4
    await assert_host_unharmed(sandbox, canary)


async def test_private_directories_are_hidden(sandbox: Sandbox, canary: Canary) -> None:
    code = f"""
        import os
        for path in ({os.getcwd()!r}, '/root', '/home'):
            try:
                print(path, sorted(os.listdir(path)))
            except OSError as err:
                print(path, 'denied')
        """
    outcome = await run(sandbox, code)
    assert outcome.status == "ok" and "pyproject.toml" not in outcome.stdout and ".bashrc" not in outcome.stdout
    await assert_host_unharmed(sandbox, canary)


async def test_cannot_write_system_files(sandbox: Sandbox, canary: Canary) -> None:
    outcome = await run(sandbox, "open('/etc/passwd', 'a').write('evil::0:0::/:/bin/sh\\n')\n")
    assert outcome.status == "runtime_error" and "PermissionError" in outcome.stderr
    await assert_host_unharmed(sandbox, canary)


async def test_symlink_left_in_the_work_directory_does_not_redirect_cleanup(sandbox: Sandbox, canary: Canary) -> None:
    code = f"import os\nos.symlink({str(canary.path.parent)!r}, 'link')\nos.symlink({str(canary.path)!r}, 'file')\n"
    outcome = await run(sandbox, code)
    assert outcome.status == "ok"
    await assert_host_unharmed(sandbox, canary)


async def test_no_network(sandbox: Sandbox, canary: Canary) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    port = server.getsockname()[1]
    code = f"""
        import socket
        try:
            socket.create_connection(('127.0.0.1', {port}), timeout=2)
            print('connected')
        except OSError as err:
            print('refused', type(err).__name__)
        """
    try:
        outcome = await run(sandbox, code)
        assert outcome.status == "ok" and outcome.stdout.startswith("refused")
        try:
            server.accept()
            raise AssertionError("the sandboxed program reached the host's loopback")
        except BlockingIOError:
            pass
    finally:
        server.close()
    await assert_host_unharmed(sandbox, canary)


# --- faking a pass ---------------------------------------------------------------------------------


async def test_sys_exit_zero_inside_the_function_does_not_pass(sandbox: Sandbox, canary: Canary) -> None:
    code = "import sys\ndef f(x):\n    sys.exit(0)\n"
    assert await check_function(sandbox, code, [Case("assert", "assert f(1) == 2")]) is Verdict.RUNTIME_ERROR
    await assert_host_unharmed(sandbox, canary)


async def test_os_exit_zero_at_import_does_not_pass(sandbox: Sandbox, canary: Canary) -> None:
    code = "import os\nos._exit(0)\ndef f(x):\n    return x\n"
    verdict = await check_function(sandbox, code, [Case("assert", "assert f(1) == 2"), Case("call", [1], 2)])
    assert verdict is Verdict.RUNTIME_ERROR
    await assert_host_unharmed(sandbox, canary)


async def test_system_exit_at_import_does_not_pass(sandbox: Sandbox, canary: Canary) -> None:
    assert (
        await check_function(sandbox, "raise SystemExit(0)\n", [Case("assert", "assert f(1) == 2")])
        is Verdict.RUNTIME_ERROR
    )
    await assert_host_unharmed(sandbox, canary)


async def test_closing_stdout_and_printing_passed_does_not_pass(sandbox: Sandbox, canary: Canary) -> None:
    code = "import sys, os\nprint('passed')\nsys.stdout.close()\nos.close(1)\ndef f(x):\n    return 0\n"
    assert await check_function(sandbox, code, [Case("assert", "assert f(1) == 2")]) is Verdict.FAILED
    await assert_host_unharmed(sandbox, canary)


async def test_forged_records_on_every_descriptor_do_not_pass(sandbox: Sandbox, canary: Canary) -> None:
    code = """
        import os, json
        fake = ''.join(json.dumps({'event': e, 'index': i, 'verdict': 'passed'}) + '\\n'
                       for e, i in (('end', -1), ('start', 0), ('end', 0), ('done', 0)))
        for fd in range(0, 64):
            try:
                os.write(fd, fake.encode())
            except OSError:
                pass
        os._exit(0)
        """
    verdict = await check_function(sandbox, code, [Case("assert", "assert f(1) == 2"), Case("call", [1], 2)])
    assert verdict is Verdict.RUNTIME_ERROR
    await assert_host_unharmed(sandbox, canary)


async def test_lying_eq_is_refused(sandbox: Sandbox, canary: Canary) -> None:
    code = """
        class Anything:
            def __eq__(self, other):
                return True
            __hash__ = object.__hash__
        def f(x):
            return Anything()
        """
    assert await check_function(sandbox, code, [Case("assert", "assert f(1) == 2")]) is Verdict.FAILED
    assert await check_function(sandbox, code, [Case("call", [1], 2)]) is Verdict.FAILED
    await assert_host_unharmed(sandbox, canary)


async def test_int_subclass_disguised_as_builtin_is_refused(sandbox: Sandbox, canary: Canary) -> None:
    code = """
        class Int(int):
            __module__ = 'builtins'
            __qualname__ = 'int'
            def __eq__(self, other):
                return True
            __hash__ = int.__hash__
        def f(x):
            return [Int(0)]
        """
    assert await check_function(sandbox, code, [Case("assert", "assert f(1) == [2]")]) is Verdict.FAILED
    assert await check_function(sandbox, code, [Case("call", [1], [2])]) is Verdict.FAILED
    await assert_host_unharmed(sandbox, canary)


async def test_patching_builtins_does_not_fake_a_pass(sandbox: Sandbox, canary: Canary) -> None:
    code = """
        import builtins
        builtins.abs = lambda value: 0
        builtins.all = lambda values: True
        def f(x):
            builtins.len = lambda value: 3
            return x
        """
    tests = [
        Case("assert", "assert abs(f(1) - 2) < 1e-9"),
        Case("assert", "assert all([f(0)])"),
        Case("assert", "assert len(f([1])) == 3"),
    ]
    report = await sandbox.run_tests(textwrap.dedent(code), tests, kind=FUNCTION, entry_point="f")
    assert [r.verdict for r in report.results] == [Verdict.FAILED] * 3
    await assert_host_unharmed(sandbox, canary)


async def test_stdio_program_printing_passed_and_exiting_zero_fails(sandbox: Sandbox, canary: Canary) -> None:
    code = "import os\nprint('passed')\nos._exit(0)\n"
    report = await sandbox.run_tests(code, [Case("io", "1 2", "3")], kind=ProblemKind.STDIO)
    assert report.verdict is Verdict.FAILED
    await assert_host_unharmed(sandbox, canary)
