"""Makes the Kafka fixtures available to the harness's own tests and registers the `slow` marker."""

from __future__ import annotations

import pytest

from conftest_kafka import kafka_broker, kafka_cluster_factory  # noqa: F401  (re-exported fixtures)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes tens of seconds (e.g. a 3-node Kafka cluster); "
                                       "deselect with -m 'not slow'")
