"""Fixtures for the scale tests: a local Ray instance."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    """A local Ray instance (2 CPUs, no dashboard) for the module; its GCS address."""
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'codesim[ray]')")
    ray.init(num_cpus=2, include_dashboard=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()
