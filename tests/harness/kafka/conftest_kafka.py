"""Pytest fixtures for a real Kafka broker (see kafka_harness.py and docs/testing.md).

Use from any test directory, e.g. in its conftest.py::

    import sys, pathlib
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[N] / "tests/harness/kafka"))
    from conftest_kafka import kafka_broker, kafka_cluster_factory  # noqa: F401  (fixtures)

Fixtures:
  kafka_broker           session-scoped single-node Kafka 3.9 broker (started once, stopped at the end)
  kafka_cluster_factory  function-scoped factory for other clusters (3 nodes, Kafka 4.x, ...);
                         everything it started is stopped when the test ends

Environment: PYROLOG_KAFKA_VERSION overrides the session broker's version (e.g. 4.3.1);
PYROLOG_CACHE_DIR moves the jar cache; PYROLOG_KAFKA_JVM_OPTS replaces the broker JVM options.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kafka_harness as kh  # noqa: E402


def _session_version() -> str:
    return os.environ.get("PYROLOG_KAFKA_VERSION", kh.MAIN_VERSION)


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[kh.KafkaCluster]:
    """A single-node broker on free 127.0.0.1 ports; ``kafka_broker.bootstrap`` is the address."""
    cluster = kh.KafkaCluster(_session_version(), nodes=1, workdir=tmp_path_factory.mktemp("kafka"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def kafka_cluster_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., kh.KafkaCluster]]:
    """``factory(nodes=3, version=...)`` returns a started cluster; all are stopped after the test."""
    started: list[kh.KafkaCluster] = []

    def factory(nodes: int = 1, version: str = kh.MAIN_VERSION, **kwargs: object) -> kh.KafkaCluster:
        cluster = kh.KafkaCluster(version, nodes=nodes, workdir=tmp_path_factory.mktemp(f"kafka{nodes}n"),
                                  **kwargs)  # type: ignore[arg-type]
        started.append(cluster)
        cluster.start()
        return cluster

    try:
        yield factory
    finally:
        for cluster in started:
            cluster.stop()
