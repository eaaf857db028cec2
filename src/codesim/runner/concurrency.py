"""How many task samples a run keeps in progress, and how many model calls it lets fly."""

from __future__ import annotations

import dataclasses

from codesim.llm.factory import DEFAULT_REMOTE_CONCURRENCY, ModelConfig, default_concurrency

# Task samples in progress by default, or this many per call slot when the model's calls in
# flight are given (3 per slot: 1.14x the ideal wall time with zero overhead on
# benchmarks/orchestration.py's mix, against 1.32x with 1; more gains nothing there).
DEFAULT_TASK_CONCURRENCY = 4
SAMPLES_PER_CALL_SLOT = 3


def task_concurrency(concurrency: int | None, llm_concurrency: int | None) -> int:
    """Task samples in progress: `concurrency`; else, given C calls in flight, enough samples
    that the C call slots never wait for a sample's sandbox work (the slots go to the samples
    with the fewest calls so far, see `codesim.llm.limits`); else the default."""
    if concurrency is not None:
        return concurrency
    if llm_concurrency is not None:
        return SAMPLES_PER_CALL_SLOT * llm_concurrency
    return DEFAULT_TASK_CONCURRENCY


def with_llm_concurrency(model_config: ModelConfig, concurrency: int) -> ModelConfig:
    """Without a number of calls in flight, a remote provider gets at least `concurrency`
    (its default cap would otherwise throttle a wider run); a provider with its own fixed
    default (local: as many calls as its engine decodes together) keeps it."""
    if model_config.max_concurrency is not None or default_concurrency(model_config.provider) is not None:
        return model_config
    return dataclasses.replace(model_config, max_concurrency=max(DEFAULT_REMOTE_CONCURRENCY, concurrency))
