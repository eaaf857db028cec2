"""Language names and toolchain lookup."""

from __future__ import annotations

import pytest

from codesim.errors import UsageError
from codesim.execution import LANGUAGES, normalize_language
from codesim.execution.languages import ToolchainMissing, find_tool, java_main_class


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("Python3", "python"),
        ("py", "python"),
        ("C++", "cpp"),
        ("c++17", "cpp"),
        ("js", "javascript"),
        ("Java", "java"),
        ("golang", "go"),
        ("Rust", "rust"),
        ("rb", "ruby"),
        ("PHP", "php"),
        ("C", "c"),
    ],
)
def test_aliases(alias: str, name: str) -> None:
    assert normalize_language(alias) == name


def test_unknown_language_is_a_usage_error_listing_the_choices() -> None:
    with pytest.raises(UsageError, match="unknown language 'cobol'.*python"):
        normalize_language("cobol")


def test_the_nine_languages_are_supported() -> None:
    assert set(LANGUAGES) == {"python", "c", "cpp", "java", "javascript", "go", "rust", "ruby", "php"}


def test_missing_toolchain_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr("codesim.execution.languages.STANDARD_DIRS", ("/nonexistent-too",))
    with pytest.raises(ToolchainMissing, match="install the Debian package 'php-cli'"):
        find_tool("php", for_other_users=True)


def test_a_toolchain_in_a_private_directory_is_refused_for_the_sandbox_user(tmp_path, monkeypatch) -> None:
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    tool = private / "ruby"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", str(private))
    monkeypatch.setattr("codesim.execution.languages.STANDARD_DIRS", ())
    with pytest.raises(ToolchainMissing, match="not usable by the unprivileged sandbox user.*'ruby'"):
        find_tool("ruby", for_other_users=True)
    assert find_tool("ruby", for_other_users=False) == str(tool)


def test_java_main_class() -> None:
    assert java_main_class("import x;\npublic class Solution { public static void main(String[] a) {} }") == "Solution"
    assert java_main_class("class Helper {}\nclass Prog { public static void main(String[] a) {} }") == "Prog"
