"""The Ray backend: task samples solved by Ray actors across a cluster.

Each actor (`SampleWorker`, by default one per node, spread over the nodes) builds its own
chat model from the run's ModelConfig and its own sandbox, so a sample's code runs on the node
that wrote it. The API keys reach the actors through the actors' Ray runtime environment
(`env_vars`), never through config.json or results. The driver (this process) hands out the
samples, at most --concurrency in flight over all actors, and writes results.jsonl itself.

A worker process that dies mid-sample (node lost, OOM kill) is restarted by Ray and its
samples in flight are retried (`max_task_retries`); a sample whose retries are exhausted gets
an error line, which a resume redoes. The token budget is checked before each sample is handed
out (samples in flight finish), since model calls happen in other processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import ray
from ray.exceptions import RayActorError

from codesim.llm.factory import ModelConfig, build_chat_model
from codesim.llm.presets import OPENAI_PRESETS
from codesim.runner.backends import BackendOptions
from codesim.runner.backends.local import LocalSolver
from codesim.runner.engine import WorkItem
from codesim.runner.meter import RunBudgetSpent, UsageMeter
from codesim.runner.records import error_record
from codesim.strategies.base import Strategy

# Provider settings read from the environment by `build_chat_model`; passed to the actors.
PROVIDER_ENV = (
    *sorted({preset.key_env for preset in OPENAI_PRESETS.values()}),
    "ANTHROPIC_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "OPENAI_BASE_URL",
    "ANTHROPIC_BASE_URL",
    "GEMINI_BASE_URL",
    "CODESIM_CACHE",
)
TASK_RETRIES = 3
CLOSE_TIMEOUT_S = 30.0


def provider_env() -> dict[str, str]:
    """The provider variables set in this process, for the actors' runtime environment."""
    return {name: os.environ[name] for name in PROVIDER_ENV if os.environ.get(name)}


class SampleWorker:
    """A Ray actor solving samples with one strategy, its own model client and its own sandbox
    (built on first use, in the actor's event loop)."""

    def __init__(self, strategy: Strategy, model_config: ModelConfig, hide_paths: tuple[str, ...] = ()) -> None:
        self.strategy = strategy
        self.model_config = model_config
        self.hide_paths = hide_paths
        self._solver: LocalSolver | None = None

    async def solve(self, item: WorkItem) -> dict[str, Any]:
        """The results line of `item`."""
        if self._solver is None:
            from codesim.execution import Sandbox

            self._solver = LocalSolver(
                self.strategy, build_chat_model(self.model_config), Sandbox(hide_paths=self.hide_paths)
            )
        return await self._solver.produce(item)

    async def close(self) -> None:
        """Stop the sandbox workers and close the model's connections."""
        if self._solver is not None:
            solver, self._solver = self._solver, None
            await solver.sandbox.aclose()
            await solver.model.aclose()


class RaySolver:
    """The driver's side: hands each sample to the least busy actor and awaits its line."""

    def __init__(self, actors: list[Any], meter: UsageMeter, on_usage: Callable[[], None]) -> None:
        self.actors = actors
        self.meter = meter
        self.on_usage = on_usage
        self._in_flight = [0] * len(actors)

    async def produce(self, item: WorkItem) -> dict[str, Any]:
        """The results line of `item`, solved on an actor; an error line when Ray gave up on it."""
        if self.meter.exhausted:
            raise RunBudgetSpent(f"the token budget of {self.meter.budget_tokens} new tokens is spent")
        index = min(range(len(self.actors)), key=self._in_flight.__getitem__)
        self._in_flight[index] += 1
        started = time.monotonic()
        ref = self.actors[index].solve.remote(item)
        try:
            record = await ref
        except asyncio.CancelledError:
            ray.cancel(ref)
            raise
        except RayActorError as err:
            message = f"ray worker lost after {TASK_RETRIES} retries: {str(err).splitlines()[0]}"
            record = error_record(item.problem.task_id, item.sample_index, message, time.monotonic() - started)
        finally:
            self._in_flight[index] -= 1
        self.meter.record_sample(record)
        self.on_usage()
        return record


class RayBackend:
    """Actors started for one invocation."""

    def __init__(self, actors: list[Any]) -> None:
        self.actors = actors

    def producer(self, meter: UsageMeter, on_usage: Callable[[], None]) -> RaySolver:
        """A RaySolver over this backend's actors."""
        return RaySolver(self.actors, meter, on_usage)


def _connect(address: str | None) -> bool:
    """Connect to the cluster at `address` (or start a local Ray instance); False when this
    process was already connected (then it is not ours to shut down)."""
    if ray.is_initialized():
        return False
    if address:
        ray.init(address=address, logging_level=logging.WARNING)
    else:
        ray.init(include_dashboard=False, logging_level=logging.WARNING)
    return True


def _start_actors(strategy: Strategy, model_config: ModelConfig, options: BackendOptions) -> list[Any]:
    count = options.ray_workers or max(1, sum(1 for node in ray.nodes() if node.get("Alive")))
    actor_class = ray.remote(SampleWorker).options(
        max_concurrency=max(1, options.concurrency),
        max_restarts=-1,
        max_task_retries=TASK_RETRIES,
        scheduling_strategy="SPREAD",
        runtime_env={"env_vars": provider_env()},
    )
    return [actor_class.remote(strategy, model_config, options.hide_paths) for _ in range(count)]


async def _close_actors(actors: list[Any]) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(asyncio.gather(*(actor.close.remote() for actor in actors)), CLOSE_TIMEOUT_S)
    for actor in actors:
        with contextlib.suppress(Exception):
            ray.kill(actor)


@asynccontextmanager
async def open_ray_backend(
    strategy: Strategy, model_config: ModelConfig, options: BackendOptions
) -> AsyncIterator[RayBackend]:
    """A RayBackend on the cluster at `options.ray_address` (a new local Ray instance when
    None), its actors stopped at the end and the connection closed if this call opened it."""
    opened = _connect(options.ray_address)
    try:
        actors = _start_actors(strategy, model_config, options)
        try:
            yield RayBackend(actors)
        finally:
            await _close_actors(actors)
    finally:
        if opened:
            ray.shutdown()
