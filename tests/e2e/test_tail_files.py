"""The tail source against hostile and awkward files, through the real binary: inode reuse, a file deleted while
being read, 1,000 files matched by one glob, a 10 MiB line, binary garbage, a directory without read permission,
and Java stack traces grouped into events."""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from agent_process import Agent, count_lines, wait_until  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "plugins" / "sources" / "tail" / "data"

CONFIG = """
data_dir: {dir}/state
sources:
  logs:
    type: tail
    include: ["{dir}/logs/{pattern}"]
    rotate_wait: 300ms
    scan_interval: 200ms
    commit_interval: 100ms
{extra}
sinks:
  out:
    type: file
    inputs: [logs]
    path: {dir}/out/lines.log
    encoding: {encoding}
    roll_bytes: 0
    roll_interval: 0s
    channel:
      type: memory
"""


def config(tmp_path: Path, pattern: str = "*.log", extra: str = "", encoding: str = "raw") -> str:
    return CONFIG.format(dir=tmp_path, pattern=pattern, extra=extra, encoding=encoding)


def out_lines(tmp_path: Path) -> list[bytes]:
    path = tmp_path / "out" / "lines.log"
    return path.read_bytes().split(b"\n")[:-1] if path.exists() else []


def out_json(tmp_path: Path) -> list[dict]:
    return [json.loads(raw) for raw in out_lines(tmp_path)]


def wait_for_output(tmp_path: Path, n: int, timeout: float = 20) -> None:
    wait_until(lambda: count_lines(tmp_path / "out" / "lines.log") >= n, timeout, f"{n} lines in the output")


@pytest.fixture
def logs(tmp_path) -> Path:
    d = tmp_path / "logs"
    d.mkdir()
    return d


def file_with_inode(directory: Path, inode: int, attempts: int = 5000) -> Path | None:
    """Creates files in `directory` until one gets `inode` (freed a moment ago); removes the others."""
    made = []
    try:
        for i in range(attempts):
            p = directory / f".probe-{i}"
            p.touch()
            if p.stat().st_ino == inode:
                return p
            made.append(p)
        return None
    finally:
        for p in made:
            p.unlink()


def test_a_reused_inode_with_other_content_is_read_from_its_start(agents, tmp_path, logs):
    a = logs / "a.log"
    a.write_bytes(b"original line one\noriginal line two\n")
    inode = a.stat().st_ino
    agent = agents(config(tmp_path))
    wait_for_output(tmp_path, 2)
    assert agent.stop() == 0
    # The position saved says: this inode, read to its end. Now the file is deleted and a new one gets the inode.
    a.unlink()
    reused = file_with_inode(logs, inode)
    if reused is None:
        pytest.skip("the file system did not hand the inode out again")
    reused.write_bytes(b"NEW content, first line, longer than the old file was\nNEW second\n")
    reused.rename(a)
    assert a.stat().st_ino == inode
    agent.start()
    wait_for_output(tmp_path, 4)
    assert out_lines(tmp_path)[2:] == [b"NEW content, first line, longer than the old file was", b"NEW second"]
    assert "its first bytes changed" in agent.log()
    assert agent.stop() == 0


def test_a_file_deleted_while_being_read_is_read_to_its_end_then_released(agents, tmp_path, logs):
    doomed = logs / "doomed.log"
    agent = agents(config(tmp_path))
    with open(doomed, "ab", buffering=0) as w:
        w.write(b"before the delete\n")
        wait_for_output(tmp_path, 1)
        doomed.unlink()
        w.write(b"".join(b"written after the delete %06d\n" % i for i in range(20_000)))
    wait_for_output(tmp_path, 20_001)
    lines = out_lines(tmp_path)
    assert lines[0] == b"before the delete"
    assert lines[1:] == [b"written after the delete %06d" % i for i in range(20_000)]
    wait_until(lambda: not any("doomed.log" in f for f in agent.open_files()), 10, "the deleted file to be closed")
    assert "doomed.log: read to its end; released" in agent.log()
    assert agent.stop() == 0


def test_a_thousand_files_matched_by_one_glob(agents, tmp_path, logs):
    for i in range(1000):
        (logs / f"f{i:04d}.log").write_bytes(b"".join(b"file %04d line %d\n" % (i, k) for k in range(10)))
    agent = agents(config(tmp_path, extra="    max_open_files: 256"))
    wait_for_output(tmp_path, 10_000, timeout=60)
    # One more line in every file: found again, whichever of them the agent had to close meanwhile.
    for i in range(1000):
        with open(logs / f"f{i:04d}.log", "ab") as f:
            f.write(b"file %04d line 10\n" % i)
    wait_for_output(tmp_path, 11_000, timeout=60)
    assert len([f for f in agent.open_files() if f.endswith(".log") and "/logs/" in f]) <= 256
    assert agent.stop() == 0
    lines = out_lines(tmp_path)
    assert len(lines) == 11_000
    assert set(lines) == {b"file %04d line %d" % (i, k) for i in range(1000) for k in range(11)}


def test_a_10_mib_line_is_truncated_or_split_and_counted(agents, tmp_path, logs):
    (logs / "trunc").mkdir()
    (logs / "split").mkdir()
    big = bytes(random.Random(1).choice(b"abcdefghij") for _ in range(1024)) * (10 * 1024)
    for name in ("trunc", "split"):
        (logs / name / "big.log").write_bytes(b"before\n" + big + b"\nafter\n")
    text = f"""
data_dir: {tmp_path}/state
sources:
  trunc:
    type: tail
    include: ["{logs}/trunc/*.log"]
  split:
    type: tail
    include: ["{logs}/split/*.log"]
    overlong_lines: split
sinks:
  t:
    type: file
    inputs: [trunc]
    path: {tmp_path}/out/trunc.log
    channel: {{type: memory}}
  s:
    type: file
    inputs: [split]
    path: {tmp_path}/out/split.log
    channel: {{type: memory}}
"""
    agent = agents(text)
    wait_until(lambda: count_lines(tmp_path / "out" / "trunc.log") >= 3, 30, "the truncated file")
    wait_until(lambda: count_lines(tmp_path / "out" / "split.log") >= 12, 30, "the split file")
    assert agent.stop() == 0
    trunc = (tmp_path / "out" / "trunc.log").read_bytes().split(b"\n")[:-1]
    assert trunc == [b"before", big[:1024 * 1024], b"after"]
    split = (tmp_path / "out" / "split.log").read_bytes().split(b"\n")[:-1]
    assert split[0] == b"before" and split[-1] == b"after"
    assert len(split) == 12 and b"".join(split[1:-1]) == big  # ten 1 MiB pieces, nothing lost
    log = agent.log()
    assert "[trunc] lines longer than max_line_bytes: 1 truncated or dropped" in log
    assert "[split] lines longer than max_line_bytes: 0 truncated or dropped, 1 split" in log


def test_binary_garbage_is_read_as_bytes_and_counted(agents, tmp_path, logs):
    rng = random.Random(2)
    garbage = bytes(rng.getrandbits(8) for _ in range(2 * 1024 * 1024))
    (logs / "garbage.log").write_bytes(garbage)
    (logs / "good.log").write_bytes(b"a good line\n")
    agent = agents(config(tmp_path, extra="    max_line_bytes: 64KiB\n    invalid_utf8: replace", encoding="json"))
    wait_until(lambda: any(e["message"] == "a good line" for e in out_json(tmp_path)), 20, "the good line")
    newlines = garbage.count(b"\n")
    wait_until(lambda: len(out_json(tmp_path)) >= newlines + 1, 20, "the garbage's lines")
    assert agent.running()
    assert "events with invalid UTF-8" in agent.log()
    assert agent.stop() == 0
    for e in out_json(tmp_path):
        e["message"].encode("utf-8")  # valid UTF-8 everywhere (replaced), and JSON that parses


def test_an_unreadable_directory_is_a_clear_error_and_the_rest_goes_on(tmp_path, logs):
    (logs / "open").mkdir()
    (logs / "locked").mkdir()
    (logs / "open" / "a.log").write_bytes(b"readable\n")
    (logs / "locked" / "b.log").write_bytes(b"behind a locked door\n")
    os.chmod(logs / "locked", 0)
    # As root every directory is readable: drop the capabilities that make it so.
    prefix = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root without setpriv cannot be denied a directory")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all"]
    agent = Agent(tmp_path, config(tmp_path, pattern="*/*.log"), command_prefix=prefix)
    try:
        agent.start()
        wait_for_output(tmp_path, 1)
        wait_until(lambda: "cannot read directory" in agent.log(), 10, "the error about the locked directory")
        assert f"cannot read directory {logs}/locked: Permission denied" in agent.log()
        assert out_lines(tmp_path) == [b"readable"]
        # Unlocked: its files are followed from then on.
        os.chmod(logs / "locked", 0o755)
        wait_for_output(tmp_path, 2)
        assert sorted(out_lines(tmp_path)) == [b"behind a locked door", b"readable"]
        assert f"directory {logs}/locked can be read again" in agent.log()
        assert agent.stop() == 0
    finally:
        os.chmod(logs / "locked", 0o755)
        agent.kill()


def test_java_stack_traces_group_into_events(agents, tmp_path, logs):
    shutil.copy(CORPUS / "java_stack_traces.log", logs / "app.log")
    expected = [l.replace("|", "\n") for l in (CORPUS / "java_stack_traces.expected").read_text().splitlines()]
    extra = "    multiline:\n      start_pattern: '^\\d{4}-\\d{2}-\\d{2} '\n      timeout: 300ms"
    agent = agents(config(tmp_path, extra=extra, encoding="json"))
    wait_until(lambda: len(out_json(tmp_path)) >= len(expected), 20, "every event")
    events = out_json(tmp_path)
    assert [e["message"] for e in events] == expected
    # Each event carries its file and where it begins in it.
    offsets = [0]
    for text in expected[:-1]:
        offsets.append(offsets[-1] + len(text.encode()) + 1)
    assert [e["file"]["offset"] for e in events] == offsets
    assert {e["file"]["path"] for e in events} == {str(logs / "app.log")}
    assert agent.stop() == 0
