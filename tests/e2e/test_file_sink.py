"""The file sink through the real binary: rolling by size keeps every line once, in order, and no file grows past
`roll_bytes` (a batch is written in parts and starts over in the next file when it does not fit)."""

from __future__ import annotations

import json
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

    def all_written() -> bool:
        return out.exists() and sum(count_lines(p) for p in output_files(out) if p.exists()) >= total

    wait_until(all_written, 30, f"{total} lines over the output files")
    files = output_files(out)
    assert len(files) >= 10  # about 4.5 MB of JSON
    got = []
    for p in files:
        data = p.read_bytes()
        assert len(data) <= roll_bytes, f"{p.name} has {len(data)} bytes"
        got += [json.loads(raw)["message"] for raw in data.split(b"\n")[:-1]]
    assert got == lines
