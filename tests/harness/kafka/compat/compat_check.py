#!/usr/bin/env python3
"""Check what the system librdkafka (Debian 12: 2.0.2) can do against each pinned Kafka version.

Starts a fresh single-node broker per version on free 127.0.0.1 ports, runs the checks with kcat and
with rdkafka_check.c (compiled into a temporary directory), verifies the codec Kafka stored on disk
with DumpLogSegments, and prints a Markdown table (the source of docs/kafka-compatibility.md).

  /usr/bin/python3 tests/harness/kafka/compat/compat_check.py [--version V ...] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import kafka_harness as kh  # noqa: E402

CODECS = ("none", "gzip", "snappy", "lz4", "zstd")
COUNT = 1000


@dataclass
class Result:
    check: str
    ok: bool
    detail: str


def compile_probe(workdir: Path) -> Path:
    """Build rdkafka_check against librdkafka-dev; return the binary."""
    binary = workdir / "rdkafka_check"
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "rdkafka"], capture_output=True, text=True,
                           check=True).stdout.split()
    subprocess.run(["cc", "-O1", "-o", str(binary), str(HERE / "rdkafka_check.c"), *flags], check=True)
    return binary


def parse_facts(text: str) -> dict[str, str]:
    facts: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        if sep and re.fullmatch(r"[a-z_]+", key):
            facts[key] = value
    return facts


def first_log_error(stderr: str) -> str:
    """The first librdkafka log line of level 0..3 (emerg..err) or error callback line, else ""."""
    for ln in stderr.splitlines():
        if re.match(r"%[0-3]\|", ln) or ln.startswith(("% ERROR", "% FATAL", "error_cb")):
            return ln.strip()
    return ""


class Checker:
    def __init__(self, cluster: kh.KafkaCluster, probe: Path) -> None:
        self.cluster = cluster
        self.probe = probe
        self.bootstrap = cluster.bootstrap
        self.results: list[Result] = []

    def record(self, check: str, ok: bool, detail: str) -> None:
        self.results.append(Result(check, ok, detail))
        print(f"  [{'ok' if ok else 'FAIL'}] {check}: {detail}", file=sys.stderr)

    def produce_probe(self, topic: str, options: Sequence[str]) -> tuple[bool, str]:
        cmd = [str(self.probe), "produce", self.bootstrap, topic, str(COUNT), "message.timeout.ms=20000",
               *options]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        facts = parse_facts(proc.stdout)
        detail = f"{facts.get('delivered', '?')}/{COUNT} delivered"
        if proc.returncode != 0:
            detail += f"; {facts.get('error') or first_log_error(proc.stderr)}"
        return proc.returncode == 0, detail

    def consume_count(self, topic: str, extra: Sequence[str] = ()) -> int:
        try:
            return len(self.cluster.consume_all(topic, expected=COUNT, timeout=30, kcat_options=extra))
        except kh.KafkaHarnessError:
            return len(self.cluster.consume_all(topic, timeout=30, kcat_options=extra))

    def stored_codecs(self, topics: Sequence[str]) -> dict[str, dict[str, int]]:
        """Per topic: how many record batches of partition 0 the broker stored with each codec.

        librdkafka sends a batch uncompressed when compression would not make it smaller (e.g. a
        first batch of one short message), so a compressed topic may hold a few "none" batches.
        """
        data = self.cluster.node(1).data_dir
        files = [str(data / f"{t}-0" / "00000000000000000000.log") for t in topics]
        tool = ("kafka.tools.DumpLogSegments" if kh.major_version(self.cluster.version) < 4
                else "org.apache.kafka.tools.DumpLogSegments")
        out = kh.run_tool(self.cluster.version, tool, ["--files", ",".join(files)]).stdout
        codecs: dict[str, dict[str, int]] = {t: {} for t in topics}
        current = None
        for line in out.splitlines():
            if line.startswith("Dumping "):
                current = next((t for t in topics if f"/{t}-0/" in line), None)
            m = re.search(r"compresscodec: (\w+)", line, re.I)
            if current and m:
                codec = m.group(1).lower()
                codecs[current][codec] = codecs[current].get(codec, 0) + 1
        return codecs

    def check_produce(self, label: str, prefix: str, options_for: Callable[[str], list[str]]) -> None:
        topics = {codec: f"{prefix}-{codec}" for codec in CODECS}
        for topic in topics.values():
            self.cluster.create_topic(topic, partitions=1)
        produced: dict[str, tuple[bool, str]] = {}
        for codec, topic in topics.items():
            produced[codec] = self.produce_probe(topic, options_for(codec))
        stored = self.stored_codecs([t for c, t in topics.items() if produced[c][0]])
        for codec, topic in topics.items():
            ok, detail = produced[codec]
            if ok:
                n = self.consume_count(topic)
                batches = stored.get(topic, {})
                on_disk = ", ".join(f"{k} x{v}" for k, v in sorted(batches.items())) or "?"
                ok = n == COUNT and (set(batches) == {"none"} if codec == "none" else codec in batches)
                detail += f"; {n} consumed back; batches on disk: {on_disk}"
            self.record(f"{label}, compression {codec}", ok, detail)

    def check_metadata(self) -> None:
        meta = kh.kcat_metadata(self.bootstrap, timeout=5)
        brokers = meta.get("brokers", []) if meta else []
        self.record("metadata (kcat -L)", bool(brokers), f"{len(brokers)} broker(s)" if brokers else "no answer")

    def check_acks(self) -> None:
        for acks in ("0", "1", "all"):
            topic = f"acks-{acks}"
            self.cluster.create_topic(topic)
            ok, detail = self.produce_probe(topic, [f"acks={acks}"])
            n = self.consume_count(topic) if ok else 0
            self.record(f"produce acks={acks}, idempotence off", ok and n == COUNT, f"{detail}; {n} consumed back")

    def check_kcat_producer(self) -> None:
        topic = "kcat-idem"
        self.cluster.create_topic(topic, partitions=3)
        try:
            self.cluster.produce(topic, (f"kcat message {i}" for i in range(COUNT)))
            n = self.consume_count(topic)
            self.record("kcat -P -X enable.idempotence=true -X acks=all", n == COUNT, f"{n} consumed back")
        except kh.KafkaHarnessError as exc:
            self.record("kcat -P -X enable.idempotence=true -X acks=all", False,
                        first_log_error(str(exc)) or str(exc)[-300:])

    def check_group(self) -> None:
        topic = "group-src"
        self.cluster.create_topic(topic, partitions=3)
        self.produce_probe(topic, [])
        cmd = [str(self.probe), "group", self.bootstrap, topic, "compat-group", str(COUNT)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        facts = parse_facts(proc.stdout)
        detail = (f"subscribe {facts.get('subscribe')}, {facts.get('consumed')} consumed "
                  f"(first after {facts.get('first_message_after_s')} s), commit {facts.get('commit')}, "
                  f"committed() {facts.get('committed_query')} sum {facts.get('committed_offsets_sum')}, "
                  f"close {facts.get('close')}")
        if proc.returncode != 0:
            detail += f"; {facts.get('error') or first_log_error(proc.stderr)}"
        lag = self.broker_view_of_group("compat-group")
        self.record("consumer group: subscribe, consume, commit (sync), committed()",
                    proc.returncode == 0 and lag == 0, detail + f"; broker-side total lag {lag}")

    def broker_view_of_group(self, group: str) -> int | None:
        out = kh.run_tool(self.cluster.version, "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                          ["--bootstrap-server", self.bootstrap, "--describe", "--group", group],
                          check=False).stdout
        lags = [int(m.group(1)) for m in re.finditer(r"^\S+\s+\S+\s+\d+\s+\d+\s+\d+\s+(\d+)", out, re.M)]
        return sum(lags) if lags else None

    def check_kcat_group(self) -> None:
        proc = subprocess.run([kh.kcat_binary(), "-b", self.bootstrap, "-G", "kcat-group", "-o", "beginning",
                               "-e", "-q", "-f", "%s\n", "group-src"],
                              capture_output=True, text=True, timeout=90, check=False)
        n = len(proc.stdout.splitlines())
        self.record("kcat -G (balanced consumer, auto commit)", proc.returncode == 0 and n == COUNT,
                    f"{n} consumed; exit {proc.returncode} {first_log_error(proc.stderr)}".strip())

    def check_list_offsets(self) -> None:
        ts = int(time.time() * 1000) - 3_600_000
        proc = subprocess.run([kh.kcat_binary(), "-b", self.bootstrap, "-Q", "-t", f"acks-all:0:{ts}"],
                              capture_output=True, text=True, timeout=30, check=False)
        ok = proc.returncode == 0 and "offset 0" in proc.stdout
        self.record("ListOffsets by timestamp (kcat -Q)", ok,
                    (proc.stdout.strip() or first_log_error(proc.stderr)).replace("\n", " "))

    def check_transactions(self) -> None:
        topic = "txn"
        self.cluster.create_topic(topic)
        data = "".join(f"txn message {i}\n" for i in range(COUNT)).encode()
        proc = subprocess.run([kh.kcat_binary(), "-P", "-b", self.bootstrap, "-t", topic,
                               "-X", "transactional.id=compat-txn"],
                              input=data, capture_output=True, timeout=60, check=False)
        n = self.consume_count(topic, ["-X", "isolation.level=read_committed"]) if proc.returncode == 0 else 0
        err = first_log_error(proc.stderr.decode("utf-8", "replace"))
        self.record("transactional producer (kcat -X transactional.id), read_committed",
                    proc.returncode == 0 and n == COUNT, f"{n} consumed back {err}".strip())

    def check_fallback(self) -> None:
        """The old workaround for brokers without ApiVersions: a fixed, legacy protocol table.

        librdkafka ignores api.version.request=false when broker.version.fallback is 0.10.0 or newer
        (those brokers can be asked), so only a pre-0.10 fallback really switches to legacy requests.
        """
        for fallback in ("0.10.0", "0.9.0"):
            topic = f"fallback-{fallback.replace('.', '-')}"
            self.cluster.create_topic(topic)
            ok, detail = self.produce_probe(topic, ["api.version.request=false",
                                                    f"broker.version.fallback={fallback}",
                                                    "message.timeout.ms=10000"])
            self.record(f"produce with api.version.request=false, broker.version.fallback={fallback}",
                        ok, detail)


def run_version(version: str, probe: Path) -> list[Result]:
    print(f"Kafka {version}:", file=sys.stderr)
    cluster = kh.KafkaCluster(version, nodes=1)
    try:
        cluster.start()
        print(f"  started in {cluster.startup_seconds:.1f} s on {cluster.bootstrap}", file=sys.stderr)
        c = Checker(cluster, probe)
        c.check_metadata()
        c.check_produce("produce acks=all, idempotence off", "plain",
                        lambda codec: ["acks=all", f"compression.codec={codec}"])
        c.check_produce("produce enable.idempotence=true (acks=all)", "idem",
                        lambda codec: ["enable.idempotence=true", f"compression.codec={codec}"])
        c.check_acks()
        c.check_kcat_producer()
        c.check_group()
        c.check_kcat_group()
        c.check_list_offsets()
        c.check_transactions()
        c.check_fallback()
        return c.results
    finally:
        cluster.cleanup()


def markdown(results: dict[str, list[Result]]) -> str:
    versions = list(results)
    checks = [r.check for r in results[versions[0]]]
    lines = ["| check | " + " | ".join(f"Kafka {v}" for v in versions) + " |",
             "|---|" + "---|" * len(versions)]
    for i, check in enumerate(checks):
        cells = []
        for v in versions:
            r = results[v][i]
            cells.append(("works" if r.ok else "**fails**") + f" ({r.detail})")
        lines.append(f"| {check} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="append", choices=kh.available_versions(),
                        help="Kafka version (repeatable; default: all pinned versions)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    versions = args.version or kh.available_versions()
    tmp = Path(tempfile.mkdtemp(prefix="pyrolog-compat."))
    try:
        probe = compile_probe(tmp)
        lib = subprocess.run([str(probe), "version"], capture_output=True, text=True, check=True).stdout.strip()
        results = {v: run_version(v, probe) for v in versions}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{lib}, kcat {kh.kcat_binary()}\n")
    print(markdown(results))
    if args.json:
        args.json.write_text(json.dumps({v: [asdict(r) for r in rs] for v, rs in results.items()}, indent=2))
    return 0 if all(r.ok for rs in results.values() for r in rs) else 1


if __name__ == "__main__":
    sys.exit(main())
