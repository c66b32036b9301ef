"""The syslog source at its limits, through the real binary: a sink that cannot write makes a TCP sender's send
block and then everything arrives once; 10,000 idle connections cost little memory while another client's
messages flow; a UDP receive buffer that overflows shows on /metrics as kernel drops."""

import os
import re
import resource
import socket
import time
from pathlib import Path

from agent_process import connect, count_lines, metric_sum, wait_until

BLOCKED_CONFIG = """
data_dir: {dir}/state
http:
  address: 127.0.0.1:0
sources:
  sys:
    type: syslog
    listen: [{listen}]
    timezone: UTC
    receive_buffer_bytes: 4KiB
sinks:
  out:
    type: file
    inputs: [sys]
    path: {dir}/out.log
    roll_bytes: 0
    roll_interval: 0s
    channel:
      type: memory
      max_bytes: 64KiB
      when_full: block
"""


def frame(i: int) -> bytes:
    msg = f"<14>1 2026-11-21T07:00:00Z host app - - - message {i:09d} ".encode() + b"x" * 40
    return str(len(msg)).encode() + b" " + msg


def test_tcp_backpressure_blocks_the_sender_then_everything_arrives(agents, tmp_path):
    out = tmp_path / "out.log"
    os.symlink("/dev/full", out)  # every write fails with ENOSPC: the channel fills
    agent = agents(BLOCKED_CONFIG.format(dir=tmp_path, listen="tcp://127.0.0.1:0"))
    sock = connect(agent.listening_port("sys"))
    sock.setblocking(False)
    sent = 0
    pending = b""

    def send_until_blocked() -> bool:
        nonlocal sent, pending
        for _ in range(1000):
            if not pending:
                pending = b"".join(frame(sent + k) for k in range(100))
            try:
                n = sock.send(pending)
            except BlockingIOError:
                return True
            pending = pending[n:]
            if not pending:
                sent += 100
        return False

    wait_until(send_until_blocked, 30, "the sender's send to block")
    assert sent * 100 / 2**20 < 64, f"{sent} messages went in before the sender blocked: not backpressure"
    wait_until(lambda: "No space left on device" in agent.log(), 10, "the write error in the log")
    os.unlink(out)
    out.touch()
    sock.setblocking(True)
    if pending:
        sock.sendall(pending)
        sent += 100
    sock.sendall(b"".join(frame(sent + k) for k in range(20_000)))
    sent += 20_000
    sock.close()
    wait_until(lambda: count_lines(out) >= sent, 60, f"{sent} messages in the output")
    assert agent.stop() == 0, agent.log()
    got = [int(m) for m in re.findall(rb"message (\d{9}) ", out.read_bytes())]
    assert got == list(range(sent))


def test_udp_receive_buffer_overflow_shows_as_kernel_drops(agents, tmp_path):
    out = tmp_path / "out.log"
    os.symlink("/dev/full", out)
    agent = agents(BLOCKED_CONFIG.format(dir=tmp_path, listen="udp://127.0.0.1:0"))
    port = int(re.findall(r"\[sys\] listening on udp://127\.0\.0\.1:(\d+)", agent.log())[-1])
    hport = agent.listening_port("http")
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    msg = b"<14>1 - host app - - - " + b"u" * 200
    sent = 0
    # The channel fills, the listener stops reading, the 4 KiB receive buffer overflows.
    for _ in range(5000):
        udp.sendto(msg, ("127.0.0.1", port))
        sent += 1
    wait_until(lambda: "No space left on device" in agent.log(), 10, "the write error in the log")
    for _ in range(2000):
        udp.sendto(msg, ("127.0.0.1", port))
        sent += 1
    # Room again: the listener reads on. Each datagram carries the kernel's drop count as it was when the
    # datagram was queued, so the count is complete once a datagram sent after the overflow is read: then
    # every datagram sent is either received or counted as dropped by the kernel, none lost unseen.
    os.unlink(out)
    out.touch()
    seen = {}

    def all_accounted_for() -> bool:
        nonlocal sent
        udp.sendto(msg, ("127.0.0.1", port))
        sent += 1
        seen["drops"] = metric_sum(hport, "pyrolog_syslog_udp_kernel_drops_total", component="sys")
        seen["received"] = metric_sum(hport, "pyrolog_component_received_events_total", component="sys")
        return seen["drops"] > 0 and seen["drops"] + seen["received"] == sent

    try:
        wait_until(all_accounted_for, 30, "kernel drops + received == sent on /metrics", interval=0.2)
    except AssertionError:
        raise AssertionError(f"sent {sent}, {seen}")
    assert seen["drops"] > 1000, seen  # most of what was sent while the pipeline was blocked
    assert agent.stop() == 0, agent.log()


IDLE_CONFIG = """
data_dir: {dir}/state
sources:
  sys:
    type: syslog
    listen: [tcp://127.0.0.1:0]
    timezone: UTC
    max_connections: 20000
sinks:
  out:
    type: file
    inputs: [sys]
    path: {dir}/out.log
"""

IDLE = 10_000


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def test_ten_thousand_idle_connections(agents, tmp_path):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = IDLE + 1000
    if hard < need:
        import pytest
        pytest.skip(f"RLIMIT_NOFILE hard limit {hard} < {need}")
    # This process holds the client ends; the agent inherits the limits and raises its soft limit itself.
    resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
    try:
        # The agent starts with a low soft limit, as under systemd, and must raise it to hold 10,000.
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))
        agent = agents(IDLE_CONFIG.format(dir=tmp_path))
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
        port = agent.listening_port("sys")
        assert "raised the open-file limit" in agent.log()
        before = rss_kib(agent.proc.pid)
        started = time.monotonic()
        idle = []
        for _ in range(IDLE):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.connect(("127.0.0.1", port))
            idle.append(s)
        wait_until(lambda: open_fds(agent.proc.pid) >= IDLE, 60, f"the agent to accept {IDLE} connections")
        connect_s = time.monotonic() - started
        # Another client's messages still flow.
        busy = connect(port)
        busy.sendall(b"".join(f"<13>1 - h busy - - - busy {i}\n".encode() for i in range(1000)))
        out = tmp_path / "out.log"
        wait_until(lambda: count_lines(out) >= 1000, 30, "the busy client's 1000 messages")
        grown_kib = rss_kib(agent.proc.pid) - before
        per_connection = grown_kib * 1024 / IDLE
        print(f"\n{IDLE} idle connections: +{grown_kib / 1024:.1f} MiB RSS, {per_connection:.0f} bytes each, "
              f"accepted in {connect_s:.1f}s")
        # A sanitizer's shadow memory multiplies what every allocation costs: the bound holds for real builds.
        if not os.environ.get("PYROLOG_SANITIZE"):
            assert per_connection < 8192, f"{per_connection:.0f} bytes per idle connection"
        assert agent.running()
        busy.close()
        for s in idle:
            s.close()
        assert agent.stop() == 0, agent.log()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
