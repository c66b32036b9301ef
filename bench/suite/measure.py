"""Process measurement for the suite: CPU seconds and peak RSS of an agent's process tree, output watching."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            ppid = int(Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def process_tree(pid: int) -> list[int]:
    tree = _children()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(tree.get(p, []))
    return out


def tree_cpu_and_peak(pid: int) -> tuple[float, float]:
    """User + system CPU seconds (all threads, and reaped children) and the sum of peak RSS (VmHWM), in MiB,
    of pid and its descendants."""
    cpu, peak_kb = 0.0, 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / TICKS
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return cpu, peak_kb / 1024


class LineCounter:
    """Counts the newlines of a file that grows, reading only what was added since the last call. It reads
    through one buffer of 1 MiB, reused: reading in larger fresh chunks (16 MiB objects) took memory bandwidth
    and cache from the agent being measured, on a machine of two cores."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.lines = 0
        self.buffer = bytearray(1 << 20)

    def update(self) -> int:
        try:
            with open(self.path, "rb", buffering=0) as f:
                f.seek(self.offset)
                while True:
                    n = f.readinto(self.buffer)
                    if not n:
                        break
                    self.offset += n
                    self.lines += self.buffer.count(b"\n", 0, n)
        except FileNotFoundError:
            pass
        return self.lines


# The most warm_memory is asked to warm: this machine's kernel returns free memory to the host once more than
# 1 GiB of it waits (/sys/module/page_reporting/parameters/max_waiting_mib), so memory freed beyond that is
# cold again.
WARM_MAX = 1000 * 1000 * 1000


def warm_memory(directory: Path, nbytes: int) -> None:
    """Writes nbytes to a scratch file in directory and deletes it, so that the next nbytes of page cache come
    from memory the machine has just used. On a virtual machine that returns free memory to its host (free
    page reporting, virtio-balloon), freed memory is given back, and the next write to it waits for the host
    to supply a page. On this machine that made the kernel's copy into the page cache up to ten times as slow
    (the suite's write ceiling: about 400 MB/s into such memory, 5,000 MB/s into warmed memory), and which run
    got fresh memory depended on the runs before it."""
    target = directory / "warm-memory"
    block = bytes(1 << 20)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        left = nbytes
        while left > 0:
            left -= os.write(fd, block[:min(left, len(block))])
    finally:
        os.close(fd)
        target.unlink()


def count_lines(path: Path) -> int:
    c = LineCounter(path)
    return c.update()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, deadline: float, alive) -> None:
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError("the agent exited before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.01)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")
