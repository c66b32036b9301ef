import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from agent_process import Agent  # noqa: E402


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
