"""TCP source to file sink, through the real binary: nothing accepted is lost at a graceful stop."""

import signal
import threading

from agent_process import connect, count_lines, wait_until

CONFIG = """
data_dir: {dir}/state
sources:
  net:
    type: tcp
    address: 127.0.0.1:0
sinks:
  out:
    type: file
    inputs: [net]
    path: {dir}/out/lines.log
"""

CONNECTIONS = 8
LINES_PER_CONNECTION = 25_000  # 200,000 in all


def line(conn: int, i: int) -> bytes:
    return f"conn={conn} seq={i:06d} GET /api/v1/items?id={i * 7919 % 100003} HTTP/1.1 200 {i % 9973}\n".encode()


def send_all(port: int, conn: int) -> None:
    sock = connect(port)
    # Several lines per send, with a line split across sends now and then.
    payload = b"".join(line(conn, i) for i in range(LINES_PER_CONNECTION))
    view = memoryview(payload)
    step = 4093
    for start in range(0, len(view), step):
        sock.sendall(view[start:start + step])
    sock.close()


def test_200k_lines_from_8_connections_arrive_exactly_after_sigterm(agents, tmp_path):
    agent = agents(CONFIG.format(dir=tmp_path))
    port = agent.listening_port("net")

    threads = [threading.Thread(target=send_all, args=(port, c)) for c in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert agent.stop() == 0, agent.log()

    out = (tmp_path / "out" / "lines.log").read_bytes().splitlines(keepends=True)
    assert len(out) == CONNECTIONS * LINES_PER_CONNECTION
    # Exactly the lines sent, and in order within each connection.
    per_conn: dict[int, list[bytes]] = {c: [] for c in range(CONNECTIONS)}
    for raw in out:
        conn = int(raw.split(b" ", 1)[0].split(b"=")[1])
        per_conn[conn].append(raw)
    for c in range(CONNECTIONS):
        assert per_conn[c] == [line(c, i) for i in range(LINES_PER_CONNECTION)], f"connection {c} differs"
    assert "stopped: 200,000 events in, 200,000 out" in agent.log()


def test_last_line_without_newline_is_kept_when_the_client_closes(agents, tmp_path):
    agent = agents(CONFIG.format(dir=tmp_path))
    port = agent.listening_port("net")
    sock = connect(port)
    sock.sendall(b"first\nsecond\nno newline at the end")
    sock.close()
    out = tmp_path / "out" / "lines.log"
    wait_until(lambda: count_lines(out) == 3, 10, "three lines in the output")
    assert agent.stop() == 0
    assert out.read_bytes() == b"first\nsecond\nno newline at the end\n"


def test_overlong_lines_are_truncated_and_counted(agents, tmp_path):
    config = CONFIG.format(dir=tmp_path).replace("address: 127.0.0.1:0", "address: 127.0.0.1:0\n    max_line_bytes: 1KiB")
    agent = agents(config)
    port = agent.listening_port("net")
    sock = connect(port)
    sock.sendall(b"short\n" + b"x" * 5000 + b"\nafter\n")
    sock.close()
    out = tmp_path / "out" / "lines.log"
    wait_until(lambda: count_lines(out) == 3, 10, "three lines in the output")
    assert agent.stop() == 0
    assert out.read_bytes() == b"short\n" + b"x" * 1024 + b"\nafter\n"
