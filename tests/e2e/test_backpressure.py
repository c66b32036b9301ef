"""A sink that cannot write (a full disk): the channel fills, the TCP source stops reading, the sender's send
blocks; when the disk has room again, everything arrives, once, in order."""

import os

import pytest

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
    path: {dir}/out.log
    roll_bytes: 0
    roll_interval: 0s
    channel:
      type: {channel}
      max_bytes: {max_bytes}
      when_full: block
"""

LINE_BYTES = 100


def line(i: int) -> bytes:
    return f"{i:09d} ".encode() + b"x" * (LINE_BYTES - 11) + b"\n"


@pytest.mark.parametrize("channel,max_bytes", [("memory", "64KiB"), ("disk", "4MiB")])
def test_full_disk_blocks_the_sender_then_everything_arrives(agents, tmp_path, channel, max_bytes):
    out = tmp_path / "out.log"
    os.symlink("/dev/full", out)  # every write fails with ENOSPC; the symlink, not the device, is what rolls
    agent = agents(CONFIG.format(dir=tmp_path, channel=channel, max_bytes=max_bytes))
    port = agent.listening_port("net")

    sock = connect(port)
    sock.setblocking(False)
    sent_lines = 0
    pending = b""
    blocked = False

    def send_until_blocked() -> bool:
        # Sends chunks of 100 lines; `pending` is what is left of the current chunk.
        nonlocal sent_lines, pending, blocked
        for _ in range(1000):
            if not pending:
                pending = b"".join(line(sent_lines + k) for k in range(100))
            try:
                n = sock.send(pending)
            except BlockingIOError:
                blocked = True
                return True
            pending = pending[n:]
            if not pending:
                sent_lines += 100
        return False

    # The sender must see a full window: the agent stopped reading.
    wait_until(send_until_blocked, 30, "the sender's send to block")
    assert blocked
    buffered_mib = sent_lines * LINE_BYTES / 2**20
    assert buffered_mib < 64, f"{buffered_mib:.1f} MiB went in before the sender blocked: not backpressure"
    wait_until(lambda: "No space left on device" in agent.log(), 10, "the write error in the log")

    # Room again: a real file where the full disk was.
    os.unlink(out)
    out.touch()

    # Send the rest, blocking, and close.
    sock.setblocking(True)
    if pending:
        sock.sendall(pending)
        sent_lines += 100
    more = 20_000
    sock.sendall(b"".join(line(sent_lines + k) for k in range(more)))
    sent_lines += more
    sock.close()

    wait_until(lambda: count_lines(out) >= sent_lines, 60, f"{sent_lines} lines in the output")
    assert agent.stop() == 0
    assert out.read_bytes() == b"".join(line(i) for i in range(sent_lines))
