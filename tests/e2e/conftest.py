import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from agent_process import Agent  # noqa: E402

# The real Kafka broker for the Kafka tests (tests/harness/kafka, docs/testing.md "Kafka test broker").
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "harness" / "kafka"))
from conftest_kafka import kafka_broker, kafka_cluster_factory  # noqa: E402,F401


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes tens of seconds (e.g. a 3-node Kafka cluster)")


@pytest.fixture
def agents(tmp_path):
    """Starts agents for a test and makes sure none outlives it."""
    started: list[Agent] = []

    def start(config_text: str, extra_args: list[str] | None = None) -> Agent:
        agent = Agent(tmp_path, config_text, extra_args).start()
        started.append(agent)
        return agent

    yield start
    for agent in started:
        agent.kill()
