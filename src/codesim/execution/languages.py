"""The languages the sandbox runs: aliases, toolchains, compile and run commands, memory flags."""

from __future__ import annotations

import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from codesim.errors import CodesimError, UsageError

# Directories searched for toolchains besides $PATH (CI environments may lack ~/.cargo/bin etc.).
STANDARD_DIRS = (
    "/usr/local/bin",
    "/usr/bin",
    "/bin",
    "/usr/lib/go/bin",
    "/usr/local/go/bin",
    "/usr/lib/jvm/default-java/bin",
    "/root/.cargo/bin",
    str(Path.home() / ".cargo" / "bin"),
)


class ToolchainMissing(CodesimError):
    """A language's compiler or interpreter is not installed (or not usable by the sandbox user)."""


@dataclass(frozen=True)
class Language:
    """How to build and run a program of one language.

    Command templates use ``{tool}`` placeholders for the resolved executables (e.g. ``{gcc}``),
    ``{src}`` for the source file name, ``{main}`` for Java's main class and ``{mem}`` for the
    memory limit in MiB; ``{build}`` (the build directory) is filled in by the fork server.
    """

    name: str
    aliases: tuple[str, ...]
    source: str
    package: str
    tools: tuple[str, ...] = ()
    compile: tuple[str, ...] = ()
    run: tuple[str, ...] = ()
    address_space: bool = True
    # Extra MiB of RLIMIT_DATA/AS on top of the user's limit, for the runtime's own fixed overhead.
    overhead_mb: int = 0
    # RLIMIT_STACK; V8 and Ruby misbehave with a very large one.
    stack_mb: int = 256
    compile_env: dict[str, str] = field(default_factory=dict)
    run_env: dict[str, str] = field(default_factory=dict)

    @property
    def in_process(self) -> bool:
        """True for Python: the fork server runs it in a fresh forked child, with no exec."""
        return not self.run


LANGUAGES: dict[str, Language] = {
    lang.name: lang
    for lang in (
        Language("python", ("python3", "py", "py3", "python 3", "pypy", "pypy3"), "solution.py", "python3"),
        Language(
            "c",
            ("gnu c", "c11", "c17", "gcc"),
            "main.c",
            "gcc",
            ("gcc",),
            compile=("{gcc}", "-O2", "-std=gnu17", "-pipe", "-o", "{build}/main", "{build}/{src}", "-lm"),
            run=("{build}/main",),
        ),
        Language(
            "cpp",
            ("c++", "cxx", "g++", "c++17", "c++14", "c++11", "c++20", "gnu c++", "gnu c++17"),
            "main.cpp",
            "g++",
            ("g++",),
            compile=("{g++}", "-O2", "-std=gnu++17", "-pipe", "-o", "{build}/main", "{build}/{src}"),
            run=("{build}/main",),
        ),
        Language(
            "java",
            ("java8", "java11", "java17", "java 8", "java 11", "java 17"),
            "Main.java",
            "default-jdk-headless",
            ("javac", "java"),
            compile=(
                "{javac}",
                "-J-Xmx512m",
                "-J-XX:+UseSerialGC",
                "-encoding",
                "UTF-8",
                "-d",
                "{build}",
                "{build}/{src}",
            ),
            run=(
                "{java}",
                "-Xmx{mem}m",
                "-Xss32m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:ReservedCodeCacheSize=64m",
                "-XX:MaxMetaspaceSize=128m",
                "-cp",
                "{build}",
                "{main}",
            ),
            address_space=False,
            overhead_mb=512,
        ),
        Language(
            "javascript",
            ("js", "node", "nodejs", "node.js", "javascript (node)"),
            "main.js",
            "nodejs",
            ("node",),
            run=("{node}", "--max-old-space-size={mem}", "--stack-size=50000", "{build}/{src}"),
            address_space=False,
            overhead_mb=192,
            stack_mb=64,
        ),
        Language(
            "go",
            ("golang", "go1"),
            "main.go",
            "golang-go",
            ("go",),
            compile=("{go}", "build", "-o", "{build}/main", "{build}/{src}"),
            run=("{build}/main",),
            address_space=False,
            overhead_mb=32,
            compile_env={
                "GOCACHE": "{build}/.cache/go-build",
                "GOPATH": "{build}/.cache/gopath",
                "GO111MODULE": "off",
                "GOTOOLCHAIN": "local",
            },
            run_env={"GOMEMLIMIT": "{mem}MiB"},
        ),
        Language(
            "rust",
            ("rs", "rustc", "rust 2021"),
            "main.rs",
            "rustc",
            ("rustc",),
            compile=("{rustc}", "-O", "--edition", "2021", "-o", "{build}/main", "{build}/{src}"),
            run=("{build}/main",),
        ),
        Language(
            "ruby",
            ("rb", "ruby3"),
            "main.rb",
            "ruby",
            ("ruby",),
            run=("{ruby}", "{build}/{src}"),
            overhead_mb=64,
            stack_mb=64,
        ),
        Language(
            "php",
            ("php7", "php8", "php-cli"),
            "main.php",
            "php-cli",
            ("php",),
            run=("{php}", "-d", "memory_limit={mem}M", "-d", "display_errors=stderr", "{build}/{src}"),
            overhead_mb=64,
            stack_mb=64,
        ),
    )
}

_ALIASES = {alias: lang.name for lang in LANGUAGES.values() for alias in (lang.name, *lang.aliases)}


def normalize_language(name: str) -> str:
    """The canonical language name for ``name`` (case-insensitive alias); UsageError if unknown."""
    key = " ".join(name.strip().lower().split())
    if key in _ALIASES:
        return _ALIASES[key]
    raise UsageError(f"unknown language {name!r}; expected one of: {', '.join(LANGUAGES)}")


def get_language(name: str) -> Language:
    """The Language for any accepted spelling of ``name``."""
    return LANGUAGES[normalize_language(name)]


def world_usable(path: str) -> bool:
    """True if a user with no special rights can reach and execute ``path``."""
    real = Path(os.path.realpath(path))
    try:
        if not real.stat().st_mode & stat.S_IXOTH:
            return False
        return all(parent.stat().st_mode & stat.S_IXOTH for parent in real.parents)
    except OSError:
        return False


def find_tool(tool: str, *, for_other_users: bool) -> str:
    """The absolute path of executable ``tool``; ToolchainMissing (naming the package) if absent.

    With ``for_other_users`` (the sandbox runs programs as an unprivileged uid) a copy under a
    private directory, such as a rustup install in /root, does not count.
    """
    search = os.pathsep.join([os.environ.get("PATH", ""), *STANDARD_DIRS])
    unusable = None
    for directory in dict.fromkeys(search.split(os.pathsep)):
        if not directory:
            continue
        found = shutil.which(tool, path=directory)
        if not found:
            continue
        if not for_other_users or world_usable(found):
            return os.path.abspath(found)
        unusable = unusable or found
    language = next(lang for lang in LANGUAGES.values() if tool in lang.tools)
    hint = f"install the Debian package '{language.package}' (apt-get install {language.package})"
    if unusable:
        raise ToolchainMissing(
            f"{language.name}: '{tool}' at {unusable} is not usable by the unprivileged sandbox user "
            f"(a parent directory is private); {hint}"
        )
    raise ToolchainMissing(f"{language.name}: '{tool}' not found; {hint} or run scripts/install-toolchains.sh")


_JAVA_PUBLIC_CLASS = re.compile(r"\bpublic\s+(?:final\s+|abstract\s+|static\s+)*class\s+([A-Za-z_$][\w$]*)")
_JAVA_CLASS = re.compile(r"\bclass\s+([A-Za-z_$][\w$]*)")
_JAVA_MAIN = re.compile(r"\bstatic\s+(?:final\s+)?(?:synchronized\s+)?void\s+main\s*\(")


def java_main_class(code: str) -> str:
    """The class to run: the public top-level class, else the last class declared before ``main``."""
    public = _JAVA_PUBLIC_CLASS.search(code)
    if public:
        return public.group(1)
    main = _JAVA_MAIN.search(code)
    candidates = _JAVA_CLASS.findall(code[: main.start()] if main else code)
    return candidates[-1] if candidates else "Main"


def source_name(language: Language, code: str) -> str:
    """The file name the program is saved under (Java: named after its public class)."""
    if language.name == "java" and _JAVA_PUBLIC_CLASS.search(code):
        return f"{java_main_class(code)}.java"
    return language.source


def render(template: tuple[str, ...] | dict[str, str], tools: dict[str, str], **values: str):
    """Fill the placeholders of a command (tuple) or environment (dict) template."""
    mapping = {**tools, **values}

    def fill(text: str) -> str:
        return re.sub(r"\{([\w+]+)\}", lambda m: mapping.get(m.group(1), m.group(0)), text)

    if isinstance(template, dict):
        return {key: fill(value) for key, value in template.items()}
    return [fill(part) for part in template]
