"""The file sink through the real binary: rolling by size keeps every line once, in order, and no file grows past
`roll_bytes` (a batch is written in parts and starts over in the next file when it does not fit)."""

from __future__ import annotations

import gzip
import json
import subprocess
import re
from pathlib import Path

from agent_process import count_lines, wait_until

CONFIG = """
data_dir: {dir}/state
sources:
  logs:
    type: tail
    include: ["{dir}/in.log"]
    read_buffer_bytes: 4KiB
sinks:
  out:
    type: file
    inputs: [logs]
    path: {dir}/out/lines.log
    encoding: json
    roll_bytes: {roll_bytes}
    roll_interval: 0s
    channel:
      type: memory
"""

ROLLED = re.compile(r"lines\.log\.(\d{8}T\d{6}Z)(?:-(\d+))?$")


def output_files(out: Path) -> list[Path]:
    """Rolled files oldest first (by stamp, then `-N`), then the active file."""
    rolled = []
    for p in out.iterdir():
        m = ROLLED.match(p.name)
        if m:
            rolled.append(((m.group(1), int(m.group(2) or 0)), p))
    return [p for _, p in sorted(rolled)] + [out / "lines.log"]


def test_rolling_by_size_keeps_every_line_once_in_order_and_no_file_passes_the_limit(agents, tmp_path):
    total, roll_bytes = 20000, 64 * 1024
    # Plain lines, then lines of control characters, which JSON writes six times as long (\u0001): batches
    # then outgrow the sink's estimate from the plain ones, and some must start over in the next file.
    lines = [f"{i:06d} GET /item/{i % 977}?q={'x' * (i % 50)} HTTP/1.1 200" for i in range(total // 2)]
    lines += [f"{i:06d} " + "\x01" * 100 for i in range(total // 2, total)]
    (tmp_path / "in.log").write_text("".join(line + "\n" for line in lines))
    agents(CONFIG.format(dir=tmp_path, roll_bytes=roll_bytes))
    out = tmp_path / "out"

    def written() -> list[str] | None:
        """The messages over the output files, or None while a file is being rolled."""
        try:
            return [json.loads(raw)["message"] for p in output_files(out) for raw in p.read_bytes().split(b"\n")[:-1]]
        except FileNotFoundError:
            return None

    # Each line once, in order. Not merely `total` lines: a batch that starts over in the next file has its first
    # parts counted in the old file until they are cut off.
    wait_until(lambda: out.exists() and written() == lines, 30, f"the {total} lines over the output files")
    files = output_files(out)
    assert len(files) >= 10  # about 4.5 MB of JSON
    for p in files:
        assert p.stat().st_size <= roll_bytes, f"{p.name} has {p.stat().st_size} bytes"


CRASH_CONFIG = """
data_dir: {dir}/state
sources:
  logs:
    type: tail
    include: ["{dir}/in.log"]
sinks:
  plain:
    type: file
    inputs: [logs]
    path: {dir}/out/lines.log
    channel:
      type: memory
  packed:
    type: file
    inputs: [logs]
    path: {dir}/out/lines.log.gz
    compression: gzip
    channel:
      type: memory
"""


def test_what_a_crash_left_half_written_is_cut_off_before_the_next_batch(agents, tmp_path):
    """An agent killed between two parts of a batch, or inside a write, leaves the file ending in half a line
    (or half a gzip member). That batch was not acknowledged and comes again; the next start must cut off the
    half-written record, or the next one runs on from it (a line `filfile=170 ...`), and a gzip reader stops."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "lines.log").write_bytes(b"written before\nfil")
    whole = gzip.compress(b"written before\n")
    half = gzip.compress(b"a batch cut short by the crash\n" * 50)
    (out / "lines.log.gz").write_bytes(whole + half[: len(half) // 2])
    lines = [f"line {i}" for i in range(1000)]
    (tmp_path / "in.log").write_text("".join(line + "\n" for line in lines))
    agent = agents(CRASH_CONFIG.format(dir=tmp_path))

    wait_until(lambda: count_lines(out / "lines.log") >= 1 + len(lines), 30, "every line in the plain file")
    assert (out / "lines.log").read_text().split("\n")[:-1] == ["written before"] + lines

    def gzip_complete() -> bool:
        try:
            return gzip.decompress((out / "lines.log.gz").read_bytes()).count(b"\n") >= 1 + len(lines)
        except (EOFError, OSError):
            return False  # a member being written

    wait_until(gzip_complete, 30, "every line in the gzip file")
    text = gzip.decompress((out / "lines.log.gz").read_bytes()).decode()
    assert text.split("\n")[:-1] == ["written before"] + lines
    assert subprocess.run(["gzip", "-t", str(out / "lines.log.gz")]).returncode == 0
    log = agent.log()
    assert "[plain] cut 3 bytes off the end of" in log, log
    assert f"[packed] cut {len(half) // 2} bytes off the end of" in log, log
