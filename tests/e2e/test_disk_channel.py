"""The disk channel keeps what a sink could not deliver across a stop and a start, and the operator commands
see it."""

import os
import subprocess

from agent_process import binary, connect, count_lines, metric_sum, wait_until

CONFIG = """
data_dir: {dir}/state{http}
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
      {channel}
"""


def config(directory, channel: str = "sync: always", http: bool = False) -> str:
    return CONFIG.format(dir=directory, channel=channel, http="\nhttp:\n  address: 127.0.0.1:0" if http else "")


def test_a_sink_that_keeps_up_gets_batches_from_memory_and_the_output_is_exact(agents, tmp_path):
    """Every batch is written to the channel; a sink that keeps up gets it from memory instead of reading it
    back (counted), and the output is the input, exactly. (After a restart every batch comes from disk: the
    test above.)"""
    lines = [b"line %06d %s\n" % (i, b"x" * (i % 97)) for i in range(50_000)]
    agent = agents(config(tmp_path, channel="max_bytes: 64MiB", http=True))
    sock = connect(agent.listening_port("net"))
    for i in range(0, len(lines), 1000):
        sock.sendall(b"".join(lines[i:i + 1000]))
    sock.close()
    out = tmp_path / "out.log"
    wait_until(lambda: count_lines(out) >= len(lines), 60, "every line")
    taken = metric_sum(agent.listening_port("http"), "pyrolog_channel_batches_from_memory_total")
    assert agent.stop() == 0
    assert out.read_bytes() == b"".join(lines)
    assert taken > 0


def channel_cmd(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary(), "channel", *args], capture_output=True, text=True, timeout=60)


def test_undelivered_batches_wait_in_the_disk_channel_for_the_next_start(agents, tmp_path):
    out = tmp_path / "out.log"
    os.symlink("/dev/full", out)  # the sink's disk is full: nothing can be delivered
    agent = agents(config(tmp_path), ["--shutdown-deadline", "1s"])
    port = agent.listening_port("net")
    lines = [b"line %06d\n" % i for i in range(20_000)]
    sock = connect(port)
    sock.sendall(b"".join(lines))
    sock.close()
    wait_until(lambda: "No space left on device" in agent.log(), 20, "the sink's write error")

    # SIGTERM: the sink cannot drain, the deadline passes, the batches stay on disk. Nothing is lost: exit 0.
    assert agent.stop() == 0, agent.log()
    assert "stays there for the next start" in agent.log()

    channel_dir = tmp_path / "state" / "channels" / "out"
    verify = channel_cmd("verify", str(channel_dir))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert f"{channel_dir}: clean" in verify.stdout
    inspect = channel_cmd("inspect", str(channel_dir))
    assert inspect.returncode == 0
    assert "reader sink" in inspect.stdout and "behind by 0 frame" not in inspect.stdout

    # The disk has room again; a new start delivers everything, once, in order, read back from disk.
    os.unlink(out)
    agent2 = agents(config(tmp_path, http=True))
    wait_until(lambda: count_lines(out) >= len(lines), 30, "every line after the restart")
    port = agent2.listening_port("http")
    assert metric_sum(port, "pyrolog_channel_batches_from_disk_total") > 0
    assert metric_sum(port, "pyrolog_channel_batches_from_memory_total") == 0
    assert agent2.stop() == 0
    assert out.read_bytes() == b"".join(lines)
    assert "behind by 0 frame(s)" in channel_cmd("inspect", str(channel_dir)).stdout


def test_verify_reports_a_damaged_frame_and_repair_keeps_the_rest(agents, tmp_path):
    out = tmp_path / "out.log"
    os.symlink("/dev/full", out)
    agent = agents(config(tmp_path), ["--shutdown-deadline", "1s"])
    port = agent.listening_port("net")
    for batch in range(5):  # separate connections: separate batches, separate frames
        sock = connect(port)
        sock.sendall(b"".join(b"batch %d line %04d\n" % (batch, i) for i in range(1000)))
        sock.close()
    wait_until(lambda: "No space left on device" in agent.log(), 20, "the sink's write error")
    assert agent.stop() == 0

    channel_dir = tmp_path / "state" / "channels" / "out"
    segments = sorted(p for p in channel_dir.iterdir() if p.suffix == ".seg" or "seg" in p.name)
    assert segments, list(channel_dir.iterdir())
    segment = segments[0]
    data = bytearray(segment.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0xFF  # one flipped byte in the middle of the segment
    segment.write_bytes(bytes(data))

    verify = channel_cmd("verify", str(channel_dir))
    assert verify.returncode == 1, verify.stdout
    assert "problem" in verify.stdout

    repair = channel_cmd("repair", str(channel_dir))
    assert repair.returncode == 0, repair.stdout + repair.stderr
    assert "dropped:" in repair.stdout
    assert channel_cmd("verify", str(channel_dir)).returncode == 0

    # The agent starts on the repaired channel and delivers what was kept: most lines, none altered.
    os.unlink(out)
    agent2 = agents(config(tmp_path))
    wait_until(lambda: count_lines(out) >= 3000, 30, "the undamaged batches after the restart")
    assert agent2.stop() == 0
    delivered = out.read_bytes().splitlines()
    sent = {b"batch %d line %04d" % (b, i) for b in range(5) for i in range(1000)}
    assert set(delivered) <= sent
    assert len(delivered) == len(set(delivered))
