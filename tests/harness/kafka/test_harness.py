"""Smoke tests of the Kafka test broker harness.

  /usr/bin/python3 -m pytest tests/harness/kafka -m 'not slow'   # single node, ~15 s
  /usr/bin/python3 -m pytest tests/harness/kafka                 # plus the 3-node test
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

import kafka_harness as kh

SCRIPT = Path(__file__).resolve().parent / "kafka"
MESSAGES = [f"pyrolog harness message {i:04d}" for i in range(1000)]


def test_fetch_is_cached_and_fast() -> None:
    kh.fetch(kh.MAIN_VERSION)
    began = time.monotonic()
    lib = kh.fetch(kh.MAIN_VERSION)
    assert time.monotonic() - began < 1.0
    assert any(lib.glob("kafka_2.13-*.jar")) and any(lib.glob("kafka-tools-*.jar"))


def test_single_node_produce_consume(kafka_broker: kh.KafkaCluster,
                                     record_property: Callable[[str, object], None]) -> None:
    record_property("kafka_start_seconds", kafka_broker.startup_seconds)
    print(f"\nKafka {kafka_broker.version} single node started in {kafka_broker.startup_seconds:.1f} s")
    kafka_broker.create_topic("smoke", partitions=3, replication=1)
    kafka_broker.produce("smoke", MESSAGES,
                         kcat_options=("-X", "enable.idempotence=true", "-X", "acks=all"))
    got = kafka_broker.consume_all("smoke", expected=len(MESSAGES))
    assert Counter(m.decode() for m in got) == Counter(MESSAGES)


def test_consume_all_keeps_binary_payloads(kafka_broker: kh.KafkaCluster) -> None:
    kafka_broker.create_topic("binary")
    payloads = [b"\x00\x01\xff", b"tab\there", b"", b"x" * 10_000]
    kafka_broker.produce("binary", [p for p in payloads if p])
    got = kafka_broker.consume_all("binary", expected=3)
    assert sorted(got) == sorted(p for p in payloads if p)


def test_cli_status_and_bootstrap(kafka_broker: kh.KafkaCluster) -> None:
    run = [sys.executable, str(SCRIPT)]
    boot = subprocess.run([*run, "bootstrap", "--dir", str(kafka_broker.workdir)],
                          capture_output=True, text=True, check=True)
    assert boot.stdout.strip() == kafka_broker.bootstrap
    status = subprocess.run([*run, "status", "--dir", str(kafka_broker.workdir)],
                            capture_output=True, text=True, check=False)
    assert status.returncode == 0, status.stdout + status.stderr
    assert "answers" in status.stdout


def test_start_refuses_busy_ports(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind((kh.HOST, 0))
        s.listen()
        busy = s.getsockname()[1]
        cluster = kh.KafkaCluster(base_port=busy, workdir=tmp_path)
        with pytest.raises(kh.KafkaHarnessError, match="ports in use"):
            cluster.start()


def test_failed_start_reports_jvm_output(tmp_path: Path) -> None:
    cluster = kh.KafkaCluster(workdir=tmp_path, broker_jvm_opts=["-Xmx1k"], start_timeout=60)
    with pytest.raises(kh.KafkaHarnessError, match="exited during start-up") as info:
        cluster.start()
    assert "heap" in str(info.value).lower()
    assert cluster.node_pid(1) is None


@pytest.mark.slow
def test_three_nodes_survive_sigkill(kafka_cluster_factory: Callable[..., kh.KafkaCluster],
                                     record_property: Callable[[str, object], None]) -> None:
    cluster = kafka_cluster_factory(nodes=3)
    record_property("kafka_3node_start_seconds", cluster.startup_seconds)
    print(f"\nKafka {cluster.version} 3 nodes started in {cluster.startup_seconds:.1f} s")
    cluster.create_topic("replicated", partitions=3, replication=3)
    cluster.produce("replicated", MESSAGES[:500])

    cluster.kill_node(2)
    assert cluster.node_pid(2) is None
    # acks=all with min.insync.replicas=2: the two survivors must take every message.
    cluster.produce("replicated", MESSAGES[500:],
                    kcat_options=("-X", "enable.idempotence=true", "-X", "acks=all",
                                  "-X", "message.timeout.ms=60000"))
    got = cluster.consume_all("replicated", expected=len(MESSAGES))
    assert Counter(m.decode() for m in got) == Counter(MESSAGES)

    began = time.monotonic()
    cluster.restart_node(2)
    print(f"node 2 restarted in {time.monotonic() - began:.1f} s")
    assert all(row["answers"] for row in cluster.status())


@pytest.mark.slow
def test_sigterm_stop_is_clean(kafka_cluster_factory: Callable[..., kh.KafkaCluster]) -> None:
    cluster = kafka_cluster_factory(nodes=1)
    pid = cluster.node_pid(1)
    assert pid is not None
    cluster.stop(sig=signal.SIGTERM)
    assert cluster.node_pid(1) is None
    assert "shut down completed" in cluster.node(1).server_log.read_text()
