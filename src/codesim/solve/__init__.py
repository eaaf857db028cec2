"""`codesim solve`: a developer's own problem statement in, verified code out.

- `statement`: the statement text -> a `PublicProblem` (function or stdin/stdout, visible tests);
- `io_examples`: the `Input:`/`Output:` examples of a stdin/stdout statement;
- `signature`: the `def` signature of a function statement, its starter code and examples;
- `extra_tests`: the formats of a file of extra tests (`codesim solve --tests FILE`);
- `progress`: the live progress lines on stderr;
- `session`: one solve, from the problem to the result and its trace (`codesim.solve` runs it).
"""
