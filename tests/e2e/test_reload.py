"""SIGHUP: a broken config is rejected and the running pipeline goes on; a valid one takes over."""

import signal

from agent_process import connect, count_lines, wait_until

CONFIG = """
data_dir: {dir}/state
sources:
  net:
    type: tcp
    address: 127.0.0.1:{port}
sinks:
  out:
    type: file
    inputs: [net]
    path: {dir}/out/{name}.log
"""


def send(port: int, lines: list[bytes]) -> None:
    sock = connect(port)
    sock.sendall(b"".join(lines))
    sock.close()


def test_sighup_with_a_broken_config_keeps_the_old_pipeline(agents, tmp_path):
    agent = agents(CONFIG.format(dir=tmp_path, port=0, name="a"))
    port = agent.listening_port("net")
    out = tmp_path / "out" / "a.log"
    send(port, [b"before %d\n" % i for i in range(100)])
    wait_until(lambda: count_lines(out) == 100, 10, "100 lines before the reload")

    agent.config.write_text("sources:\n  net:\n    type: tcp\n    adress: nowhere\n")
    agent.signal(signal.SIGHUP)
    wait_until(lambda: "reload rejected" in agent.log(), 10, "the reload to be rejected")
    assert "unknown option 'adress'; did you mean 'address'?" in agent.log()

    send(port, [b"after %d\n" % i for i in range(100)])
    wait_until(lambda: count_lines(out) == 200, 10, "100 more lines after the rejected reload")
    assert agent.stop() == 0


def test_sighup_with_a_valid_config_switches_pipelines_without_losing_lines(agents, tmp_path):
    agent = agents(CONFIG.format(dir=tmp_path, port=0, name="a"))
    port = agent.listening_port("net")
    send(port, [b"old %d\n" % i for i in range(1000)])
    wait_until(lambda: count_lines(tmp_path / "out" / "a.log") == 1000, 10, "1000 lines in a.log")

    agent.config.write_text(CONFIG.format(dir=tmp_path, port=port, name="b"))
    agent.signal(signal.SIGHUP)
    wait_until(lambda: "reloaded" in agent.log(), 20, "the reload")

    send(port, [b"new %d\n" % i for i in range(1000)])
    wait_until(lambda: count_lines(tmp_path / "out" / "b.log") == 1000, 10, "1000 lines in b.log")
    assert agent.stop() == 0
    assert count_lines(tmp_path / "out" / "a.log") == 1000
