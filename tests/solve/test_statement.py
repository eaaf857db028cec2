"""Statements in the shapes developers paste them -> PublicProblem (kind, entry point, visible tests)."""

from __future__ import annotations

import pytest

from codesim.errors import UsageError
from codesim.problems import ProblemKind
from codesim.problems import TestCase as Case
from codesim.solve.io_examples import io_examples
from codesim.solve.statement import KindChoice, parse_statement


def io(given: str, expected: str) -> Case:
    return Case("io", given, expected)


def asserts(*statements: str) -> tuple[Case, ...]:
    return tuple(Case("assert", text) for text in statements)


FENCED_MARKDOWN = """# Sum of a list

Read n, then n integers, and print their sum.

## Example 1

Input:
```
3
1 2 3
```
Output:
```
6
```

## Example 2
Input:

2
10 -4

Output:
6
"""

CODEFORCES_PLAIN = """A. Watermelon

Pete and Billy bought a watermelon.

Input
The first (and the only) input line contains integer number w (1 <= w <= 100).

Output
Print YES if they can divide it into two even parts, and NO in the opposite case.

Examples
Input
8
Output
YES
Input
5
Output
NO

Note
They can divide it into parts of 2 and 6 kilos.
"""

ATCODER_MARKDOWN = """### Problem Statement
Given A and B, print A+B.

### Input
Input is given from Standard Input in the following format:
```
A B
```

### Output
Print the answer.

### Sample Input 1 Copy
```
2 3
```

### Sample Output 1 Copy
```
5
```

**Sample Input 2**

    100 200

**Sample Output 2**

    300
"""

INLINE_PLAIN = """Read a number and print its square.
Input: 5
Output: 25
Explanation: 5 * 5 = 25.
Input: `-3`
Output: `9`
"""

FENCED_PAIR = """Print the reverse of the line.

Example:
```
Input:
hello world
Output:
dlrow olleh
```
"""

BLANK_LINES_IN_FENCE = """Echo the input.

Sample Input
~~~
a

b
~~~
Sample Output
~~~
a

b
~~~
"""

HACKERRANK_CRLF = "\r\n".join(
    ["Print n squared.", "", "Sample Input 0", "", "5", "", "Sample Output 0", "", "25", "", "Explanation 0", "5*5", ""]
)

CODEFORCES_LOWERCASE = "Examples\ninput\n3\n1 2 3\noutput\n6\ninput\n1\n5\noutput\n5\n"

MARKDOWN_FUNCTION = '''# Fizz

Write `fizz(n)`.

```python
def fizz(n: int) -> str:
    """Return "Fizz" for multiples of 3, else the number as text.

    >>> fizz(3)
    'Fizz'
    >>> fizz(4)
    '4'
    """
```

More examples:
- `fizz(9) == 'Fizz'`
- fizz(10) -> '10'
'''

PYTHON_FILE = '''from typing import List


def add_all(xs: List[int], start: int = 0) -> int:
    """Add the numbers to start.
    add_all([1, 2]) -> 3
    add_all([], 5) ➞ 5
    """
'''

LEETCODE = """Given an array nums and a target, return the indices of the two numbers that add up to target.

```python
class Solution:
    def twoSum(self, nums: List[int], target: int) -> List[int]:
```

**Example 1:**

**Input:** nums = [2,7,11,15], target = 9
**Output:** [0,1]
**Explanation:** Because nums[0] + nums[1] == 9, we return [0, 1].

**Example 2:**

**Input:** nums = [3,2,4], target = 6
**Output:** [1,2]
"""

UNFENCED_SIGNATURE = """Implement the function below.

def double(x):
    '''Return twice x.'''

Examples:
double(2) == 4
double(-1) == -2
"""


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (FENCED_MARKDOWN, [io("3\n1 2 3\n", "6\n"), io("2\n10 -4\n", "6\n")]),
        (CODEFORCES_PLAIN, [io("8\n", "YES\n"), io("5\n", "NO\n")]),
        (ATCODER_MARKDOWN, [io("2 3\n", "5\n"), io("100 200\n", "300\n")]),
        (INLINE_PLAIN, [io("5\n", "25\n"), io("-3\n", "9\n")]),
        (FENCED_PAIR, [io("hello world\n", "dlrow olleh\n")]),
        (BLANK_LINES_IN_FENCE, [io("a\n\nb\n", "a\n\nb\n")]),
        (HACKERRANK_CRLF, [io("5\n", "25\n")]),
        (CODEFORCES_LOWERCASE, [io("3\n1 2 3\n", "6\n"), io("1\n5\n", "5\n")]),
    ],
    ids=[
        "fenced-markdown",
        "codeforces-plain",
        "atcoder-markdown",
        "inline",
        "fenced-pair",
        "blank-lines-in-fence",
        "hackerrank-crlf",
        "codeforces-lowercase",
    ],
)
def test_stdio_statements(statement: str, expected: list[Case]) -> None:
    problem = parse_statement(statement, task_id="t")
    assert problem.kind is ProblemKind.STDIO
    assert problem.entry_point is None
    assert list(problem.visible_tests) == expected
    assert problem.prompt == statement.strip()


def test_format_description_sections_are_not_examples() -> None:
    statement = "Input\nThe first line contains an integer n.\nOutput\nPrint n squared.\n"
    assert io_examples(statement) == []


def test_prefixed_labels_are_kept_even_when_the_data_is_words() -> None:
    statement = "Sample input:\nthe first line contains words\nSample output:\nprint them\n"
    assert io_examples(statement) == [io("the first line contains words\n", "print them\n")]


def test_an_input_without_output_and_repeats_are_dropped() -> None:
    statement = "Input: 1\nOutput: 2\n\nInput: 1\nOutput: 2\n\nInput: 7\n"
    assert io_examples(statement) == [io("1\n", "2\n")]


@pytest.mark.parametrize("separator", [", ", "; ", " -> ", " → ", " => ", " "])
def test_input_and_output_on_one_line(separator: str) -> None:
    statement = f"Square the number.\n\nInput: 5{separator}Output: 25\nInput: [1, 2], Expected output: 3\n"
    assert io_examples(statement) == [io("5\n", "25\n"), io("[1, 2]\n", "3\n")]


@pytest.mark.parametrize(
    "statement",
    [
        "Input: a list of numbers, output: their sum\n",
        "Input: an integer n\nOutput: n squared\n",
    ],
)
def test_plain_labels_describing_the_data_are_not_examples(statement: str) -> None:
    assert io_examples(statement) == []


def test_prose_starting_with_output_is_not_a_label() -> None:
    statement = "Output the sum of a and b.\n\nInput:\n1 2\nOutput:\n3\n"
    assert io_examples(statement) == [io("1 2\n", "3\n")]


def test_markdown_function_with_doctests_and_prose_examples() -> None:
    problem = parse_statement(MARKDOWN_FUNCTION)
    assert (problem.kind, problem.entry_point, problem.language) == (ProblemKind.FUNCTION, "fizz", "python")
    assert problem.visible_tests == asserts(
        "assert fizz(3) == 'Fizz'", "assert fizz(4) == '4'", "assert fizz(9) == 'Fizz'", "assert fizz(10) == '10'"
    )
    assert problem.starter_code.startswith("def fizz(n: int) -> str:")
    assert problem.starter_code.rstrip().endswith('"""')


def test_python_file_with_arrow_examples() -> None:
    problem = parse_statement(PYTHON_FILE)
    assert problem.entry_point == "add_all"
    assert problem.visible_tests == asserts("assert add_all([1, 2]) == 3", "assert add_all([], 5) == 5")
    assert problem.starter_code == PYTHON_FILE.strip() + "\n"


def test_leetcode_class_method_examples_call_an_instance() -> None:
    problem = parse_statement(LEETCODE)
    assert (problem.kind, problem.entry_point) == (ProblemKind.FUNCTION, "Solution.twoSum")
    assert problem.visible_tests == asserts(
        "assert Solution().twoSum([2, 7, 11, 15], 9) == [0, 1]", "assert Solution().twoSum([3, 2, 4], 6) == [1, 2]"
    )
    assert problem.starter_code.startswith("class Solution:\n    def twoSum(self")


def test_unfenced_signature_and_equality_lines() -> None:
    problem = parse_statement(UNFENCED_SIGNATURE)
    assert problem.entry_point == "double"
    assert problem.starter_code == "def double(x):\n    '''Return twice x.'''\n"
    assert problem.visible_tests == asserts("assert double(2) == 4", "assert double(-1) == -2")


def test_signature_with_another_language_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="Python only"):
        parse_statement(MARKDOWN_FUNCTION, language="cpp")


def test_stdio_statement_keeps_its_language() -> None:
    problem = parse_statement(INLINE_PLAIN, language="cpp")
    assert (problem.kind, problem.language, len(problem.visible_tests)) == (ProblemKind.STDIO, "cpp", 2)


def test_kind_can_be_forced() -> None:
    statement = "Read x, print double(x).\n\n```python\ndef double(x):\n    return 2 * x\n```\n\nInput: 3\nOutput: 6\n"
    assert parse_statement(statement).kind is ProblemKind.FUNCTION
    forced = parse_statement(statement, kind=KindChoice.STDIO)
    assert (forced.kind, forced.visible_tests) == (ProblemKind.STDIO, (io("3\n", "6\n"),))
    with pytest.raises(UsageError, match="signature"):
        parse_statement(INLINE_PLAIN, kind=KindChoice.FUNCTION)


def test_statement_without_examples_has_no_tests() -> None:
    assert parse_statement("Print the answer to everything.").visible_tests == ()
    assert parse_statement("def f(x):\n    '''Return something.'''\n").visible_tests == ()


def test_empty_statement_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="empty"):
        parse_statement("  \n")
