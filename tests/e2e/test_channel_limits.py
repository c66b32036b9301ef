"""Channels at the pipeline level: a dead sink does not stall another; a full disk under the channel pauses the
sources, and the pipeline resumes by itself when space returns."""

import os
import subprocess

import pytest

from agent_process import connect, count_lines, wait_until

TWO_SINKS = """
data_dir: {dir}/state
sources:
  net:
    type: tcp
    address: 127.0.0.1:0
sinks:
  alive:
    type: file
    inputs: [net]
    path: {dir}/alive.log
  dead:
    type: file
    inputs: [net]
    path: {dir}/dead.log
    roll_bytes: 0
    roll_interval: 0s
"""


def test_a_dead_sink_does_not_stall_the_other_and_catches_up_after_a_restart(agents, tmp_path):
    dead = tmp_path / "dead.log"
    os.symlink("/dev/full", dead)
    agent = agents(TWO_SINKS.format(dir=tmp_path), ["--shutdown-deadline", "1s"])
    port = agent.listening_port("net")
    lines = [b"event %05d\n" % i for i in range(30_000)]
    sock = connect(port)
    sock.sendall(b"".join(lines))
    sock.close()
    wait_until(lambda: count_lines(tmp_path / "alive.log") == len(lines), 30, "the live sink to get everything")
    assert agent.stop() == 0  # the dead sink's batches wait in its own disk channel

    os.unlink(dead)
    agent2 = agents(TWO_SINKS.format(dir=tmp_path))
    wait_until(lambda: count_lines(dead) == len(lines), 30, "the dead sink to catch up from its channel")
    assert agent2.stop() == 0
    assert dead.read_bytes() == b"".join(lines)
    assert (tmp_path / "alive.log").read_bytes() == b"".join(lines)  # and nothing twice for the live one


FULL_DISK = """
data_dir: {dir}/state
sources:
  net:
    type: tcp
    address: 127.0.0.1:0
sinks:
  out:
    type: file
    inputs: [net]
    path: {dir}/out.log
    roll_bytes: 0
    roll_interval: 0s
    channel:
      type: disk
      max_bytes: 64MiB
      segment_bytes: 1MiB
"""


@pytest.fixture
def small_filesystem(tmp_path):
    """A 6 MiB tmpfs for the agent's data_dir; skipped where mounting is not allowed."""
    mount_point = tmp_path / "state"
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount_point)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_full_disk_under_the_channel_pauses_sources_and_resumes_when_space_returns(agents, tmp_path,
                                                                                   small_filesystem):
    filler = small_filesystem / "filler"
    filler.write_bytes(b"\0" * (3 * 2**20))  # space to give back later
    out = tmp_path / "out.log"
    os.symlink("/dev/full", out)  # nothing drains, so the channel fills the filesystem
    agent = agents(FULL_DISK.format(dir=tmp_path))
    port = agent.listening_port("net")

    sock = connect(port)
    sock.setblocking(False)
    line_bytes = 100
    sent = 0
    chunk = b"".join(b"%09d " % i + b"y" * (line_bytes - 11) + b"\n" for i in range(1000))
    pending = b""

    def fill() -> bool:
        nonlocal sent, pending
        for _ in range(200):
            if not pending:
                pending = bytes(chunk)
            try:
                n = sock.send(pending)
            except BlockingIOError:
                # The sink's own disk (/dev/full) says ENOSPC from the start: wait for the channel's.
                return "channel cannot write" in agent.log()
            pending = pending[n:]
            if not pending:
                sent += 1000
        return False

    wait_until(fill, 60, "the channel to hit ENOSPC and the sender to block")
    assert "No space left on device" in agent.log().split("channel cannot write", 1)[1].splitlines()[0]

    # Space returns (and the sink's disk too): the pipeline resumes by itself.
    filler.unlink()
    os.unlink(out)
    sock.setblocking(True)
    if pending:
        sock.sendall(pending)
        sent += 1000
    sock.close()
    wait_until(lambda: count_lines(out) >= sent, 60, f"all {sent} lines after space returned")
    assert agent.stop() == 0
    assert count_lines(out) == sent
