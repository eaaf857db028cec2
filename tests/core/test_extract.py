"""Code extraction on nasty, real-looking model outputs."""

from __future__ import annotations

from codesim.extract import extract_code, fenced_blocks, strip_reasoning

FENCE = "```"


def test_think_block_is_removed_before_parsing() -> None:
    text = (
        f"<think>Maybe\n{FENCE}python\ndef wrong(): pass\n{FENCE}\nno...</think>\n"
        f"Final:\n{FENCE}python\ndef right():\n    return 1\n{FENCE}"
    )
    assert extract_code(text) == "def right():\n    return 1\n"


def test_unclosed_think_block_before_code() -> None:
    text = f"<think>I should add one\n{FENCE}python\ndef f(x):\n    return x + 1\n{FENCE}"
    assert strip_reasoning(text).startswith(FENCE)
    assert extract_code(text) == "def f(x):\n    return x + 1\n"


def test_picks_the_block_of_the_requested_language() -> None:
    text = (
        f"Input format:\n{FENCE}text\n3\n1 2 3\n{FENCE}\nC++:\n{FENCE}cpp\nint main(){{}}\n{FENCE}\n"
        f"Python:\n{FENCE}python\nprint(6)\n{FENCE}"
    )
    assert extract_code(text, "python") == "print(6)\n"
    assert extract_code(text, "cpp") == "int main(){}\n"


def test_language_aliases_in_fence_tags() -> None:
    assert extract_code(f"{FENCE}Python3\nx = 1\n{FENCE}") == "x = 1\n"
    assert extract_code(f"{FENCE}c++\nint x;\n{FENCE}", "cpp") == "int x;\n"
    assert extract_code(f"{FENCE}js\nconsole.log(1)\n{FENCE}", "javascript") == "console.log(1)\n"


def test_prefers_the_block_defining_the_entry_point_over_a_usage_example() -> None:
    text = (
        f"Solution:\n{FENCE}python\ndef add(a, b):\n    return a + b\n{FENCE}\n"
        f"Example usage:\n{FENCE}python\nprint(add(1, 2))\n{FENCE}\n"
    )
    assert extract_code(text, entry_point="add") == "def add(a, b):\n    return a + b\n"
    assert extract_code(text) == "print(add(1, 2))\n"  # without an entry point: the last block


def test_unclosed_last_fence_runs_to_the_end() -> None:
    text = f"Here you go:\n{FENCE}python\ndef f():\n    return 2\n"
    assert extract_code(text) == "def f():\n    return 2\n"


def test_fence_closed_on_the_code_line() -> None:
    text = f"{FENCE}python\ndef f():\n    return 3{FENCE}\nDone."
    assert extract_code(text) == "def f():\n    return 3\n"


def test_unfenced_code_amid_prose() -> None:
    text = "Sure! Here is the function:\n\ndef double(x):\n    return 2 * x\n\nThis doubles the input."
    assert extract_code(text) == "def double(x):\n    return 2 * x\n"


def test_no_code_at_all() -> None:
    assert extract_code("I am not sure how to solve this.") is None
    assert extract_code(f"{FENCE}text\n1 2 3\n{FENCE}") is None
    assert extract_code("no code here", "cpp") is None


def test_tilde_fences_and_indented_fences() -> None:
    assert extract_code("~~~python\nprint(1)\n~~~") == "print(1)\n"
    assert extract_code(f"  {FENCE}python\nprint(2)\n  {FENCE}") == "print(2)\n"


def test_fenced_blocks_lists_all_in_order() -> None:
    text = f"{FENCE}python\na = 1\n{FENCE}\n{FENCE}\nb = 2\n{FENCE}"
    assert fenced_blocks(text) == [("python", "a = 1\n"), ("", "b = 2\n")]
