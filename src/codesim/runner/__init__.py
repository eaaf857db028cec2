"""The benchmark runner behind `codesim run`.

- `config`: what a run is asked to do and which part of it must match on resume.
- `selection`: which problems (--task-ids, --limit) in which language.
- `store`: the run directory (lock, config.json, results.jsonl appends and repair, summary.json).
- `meter`: run-wide calls/tokens and the --budget-tokens stop.
- `records`: the results.jsonl line of one task sample.
- `engine`: samples in flight with bounded concurrency, each line appended as it finishes.
- `backends`: where a sample is solved and judged on hidden tests: `local` (this process) or
  `ray` (Ray actors across a cluster, optional extra `codesim[ray]`).
- `progress`, `summary`: what the user sees while and after it runs.
- `session`: one invocation, from resume to summary.
"""
