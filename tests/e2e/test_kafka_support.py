"""Helpers of the Kafka end-to-end tests (test_kafka_*.py); no tests of its own.

Input is numbered access-log lines. The tests feed them through `tail` and `grok` when both plugins are
registered in the binary under test, else over the `tcp` source; `pipeline_kind()` says which, and the tests
print it. Output is read back with kcat, with the partition of every message, so that order can be checked per
partition.
"""

from __future__ import annotations

import functools
import json
import random
import re
import socket
import string
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from agent_process import binary, connect

SEQ = re.compile(rb"/item/(\d{8}) ")


def access_line(i: int, pad: int = 0) -> str:
    """Combined log format; the number is in the path. `pad` makes the line longer, with random letters in the
    user agent that no codec compresses much."""
    agent = "pyrolog-test" + "".join(random.Random(i).choices(string.ascii_letters, k=pad))
    return (f'10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255} - - [10/Oct/2023:13:55:36 +0000] '
            f'"GET /item/{i:08d} HTTP/1.1" 200 {1000 + i % 5000} "-" "{agent}"')


def seq_of(payload: bytes) -> int:
    m = SEQ.search(payload)
    if m is None:
        raise AssertionError(f"no sequence number in {payload[:200]!r}")
    return int(m.group(1))


@functools.cache
def registered_plugins() -> set[str]:
    """`kind/type` of every plugin in the binary, from its generated reference."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([binary(), "doc", "reference", tmp], check=True, capture_output=True)
        return {f"{p.parent.name}/{p.stem}" for p in Path(tmp).glob("*/*.md")}


def pipeline_kind() -> str:
    """`tail+grok` when both plugins are there, else `tcp`."""
    plugins = registered_plugins()
    return "tail+grok" if {"sources/tail", "transforms/grok"} <= plugins else "tcp"


def input_config(workdir: Path, kind: str) -> tuple[str, str]:
    """(YAML of the input components, name of the component the sink reads)."""
    if kind == "tail+grok":
        return (f"""
sources:
  access:
    type: tail
    include: [{workdir}/in/*.log]
    read_buffer_bytes: 16KiB
transforms:
  parse:
    type: grok
    inputs: [access]
    match: ['%{{COMBINEDAPACHELOG}}']
""", "parse")
    return ("""
sources:
  access:
    type: tcp
    address: 127.0.0.1:0
    max_line_bytes: 4MiB
""", "access")


class LineWriter:
    """Writes numbered lines to the agent in a thread, at a steady rate: appends to a file the `tail` source
    follows, or sends them over one TCP connection. `written` counts what was handed over."""

    def __init__(self, workdir: Path, kind: str, total: int, per_second: int, pad_of: dict[int, int] | None = None,
                 port: int | None = None) -> None:
        self.total = total
        self.per_second = per_second
        self.pad_of = pad_of or {}
        self.written = 0
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._kind = kind
        if kind == "tail+grok":
            (workdir / "in").mkdir(exist_ok=True)
            self._file = open(workdir / "in" / "access.log", "ab", buffering=0)
            self._sock = None
        else:
            assert port is not None
            self._file = None
            self._sock = connect(port)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "LineWriter":
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            chunk = max(1, self.per_second // 50)
            began = time.monotonic()
            while self.written < self.total and not self._stop.is_set():
                n = min(chunk, self.total - self.written)
                data = "".join(access_line(i, self.pad_of.get(i, 0)) + "\n"
                               for i in range(self.written, self.written + n)).encode()
                if self._file is not None:
                    self._file.write(data)
                else:
                    self._sock.sendall(data)
                self.written += n
                ahead = self.written / self.per_second - (time.monotonic() - began)
                if ahead > 0:
                    time.sleep(ahead)
        except BaseException as e:  # noqa: BLE001 - reported by join()
            self.error = e

    def join(self, timeout: float = 120) -> None:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise AssertionError("the line writer did not finish")
        if self.error is not None:
            raise self.error
        if self._sock is not None:
            self._sock.shutdown(socket.SHUT_WR)
            self._sock.close()
        if self._file is not None:
            self._file.close()


def kafka_sink_yaml(workdir: Path, bootstrap: str, topic: str, inputs: str, extra: str = "",
                    encoding: str = "json") -> str:
    """The `kafka` sink under `sinks:`; `extra` is more option lines, indented by four spaces."""
    return f"""  kafka:
    type: kafka
    inputs: [{inputs}]
    brokers: {bootstrap}
    topic: {topic}
    encoding: {encoding}
    linger: 5ms
    flush_timeout: 5s
    dead_letter: {{path: {workdir}/dead-letter.jsonl}}
    librdkafka: {{reconnect.backoff.max.ms: "1000"}}
{extra}"""


def agent_config(workdir: Path, kind: str, bootstrap: str, topic: str, sink_extra: str = "",
                 encoding: str = "json") -> str:
    inputs, reads = input_config(workdir, kind)
    return f"data_dir: {workdir}/state\n{inputs}sinks:\n" + kafka_sink_yaml(workdir, bootstrap, topic, reads,
                                                                             sink_extra, encoding)


@dataclass
class Consumed:
    """What a topic holds: (partition, payload) in partition order."""

    records: list[tuple[int, bytes]] = field(default_factory=list)

    def seqs(self) -> list[int]:
        return [seq_of(p) for _, p in self.records]

    def duplicates(self) -> int:
        return sum(c - 1 for c in Counter(self.seqs()).values() if c > 1)

    def missing(self, total: int) -> list[int]:
        have = set(self.seqs())
        return [i for i in range(total) if i not in have]

    def out_of_order(self) -> list[tuple[int, int, int]]:
        """(partition, previous, next) where a partition's numbers go down (duplicates aside)."""
        last: dict[int, int] = {}
        bad = []
        for partition, payload in self.records:
            s = seq_of(payload)
            if s < last.get(partition, -1):
                bad.append((partition, last[partition], s))
            last[partition] = max(s, last.get(partition, -1))
        return bad


def consume(bootstrap: str, topic: str, expected: int, timeout: float = 90) -> Consumed:
    """Reads `topic` from the beginning with kcat until at least `expected` messages came or `timeout` passed;
    then reads once more to the end, so that duplicates beyond `expected` are seen too."""
    deadline = time.monotonic() + timeout
    while True:
        result = subprocess.run(["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q",
                                 "-f", "%p %R%s"], capture_output=True, timeout=max(5.0, deadline - time.monotonic()))
        consumed = Consumed(_decode(result.stdout)) if result.returncode == 0 else Consumed()
        if len(consumed.records) >= expected or time.monotonic() > deadline:
            return consumed
        time.sleep(0.5)


def _decode(data: bytes) -> list[tuple[int, bytes]]:
    """kcat `-f '%p %R%s'`: the partition, a space, a 4-byte big-endian length, the payload."""
    out = []
    pos = 0
    while pos < len(data):
        space = data.index(b" ", pos)
        partition = int(data[pos:space])
        length = int.from_bytes(data[space + 1:space + 5], "big", signed=True)
        start = space + 5
        out.append((partition, data[start:start + max(0, length)]))
        pos = start + max(0, length)
    return out


def json_field(payload: bytes, name: str) -> object:
    return json.loads(payload).get(name)
