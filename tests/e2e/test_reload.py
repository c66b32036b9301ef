"""SIGHUP: a broken config is rejected and the running pipeline goes on; a valid one takes over."""

import signal
import socket

from agent_process import connect, count_lines, metric_sum, wait_until

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


HTTP_CONFIG = CONFIG + """http:
  address: 127.0.0.1:{http_port}
"""


def refuses(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def test_sighup_moves_the_http_endpoint_and_keeps_it_when_the_new_address_is_taken(agents, tmp_path):
    agent = agents(HTTP_CONFIG.format(dir=tmp_path, port=0, name="a", http_port=0))
    first = agent.listening_port("http")
    assert metric_sum(first, "pyrolog_build_info") == 1

    # A new address: the endpoint moves there and leaves the old one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        second = probe.getsockname()[1]
    agent.config.write_text(HTTP_CONFIG.format(dir=tmp_path, port=0, name="b", http_port=second))
    agent.signal(signal.SIGHUP)
    wait_until(lambda: agent.log().count("reloaded") == 1, 20, "the first reload")
    assert agent.listening_port("http") == second
    assert metric_sum(second, "pyrolog_build_info") == 1
    assert refuses(first)

    # An address another process holds: the error is logged and the endpoint stays where it was.
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        agent.config.write_text(HTTP_CONFIG.format(dir=tmp_path, port=0, name="c", http_port=taken))
        agent.signal(signal.SIGHUP)
        wait_until(lambda: agent.log().count("reloaded") == 2, 20, "the second reload")
        assert f"http: cannot listen on 127.0.0.1:{taken}" in agent.log()
        assert f"still on the previous address, 127.0.0.1:{second}" in agent.log()
        assert metric_sum(second, "pyrolog_build_info") == 1
    assert agent.stop() == 0
