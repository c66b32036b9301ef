"""The `kafka` sink against a real broker (tests/harness/kafka): every line once and in order per partition, a
broker killed and restarted, a 3-node cluster losing a node, the agent killed, a message the broker refuses,
and the disk channel taking in what comes while the broker is down (from a TCP sender, and from a tailed file).

Input goes through `tail` and `grok` when both are in the binary, else through `tcp` (see test_kafka_support.py);
each test prints which ran. The broker outage lasts PYROLOG_KAFKA_OUTAGE seconds (default 60: a minute, long
past librdkafka's reconnect backoff and the metadata refresh; set it lower for a quick local run).
"""

from __future__ import annotations

import json
import os
import time

import pytest

from agent_process import connect, metric_sum, wait_until
from test_kafka_support import (LineWriter, access_line, agent_config, consume, json_field, kafka_sink_yaml,
                                pipeline_kind, registered_plugins, seq_of)

OUTAGE_SECONDS = float(os.environ.get("PYROLOG_KAFKA_OUTAGE", "60"))


def start_agent(agents, tmp_path, kind: str, bootstrap: str, topic: str, sink_extra: str = "",
                encoding: str = "json"):
    agent = agents(agent_config(tmp_path, kind, bootstrap, topic, sink_extra, encoding))
    port = agent.listening_port("access") if kind == "tcp" else None
    return agent, port


def test_every_line_arrives_once_and_in_order_per_partition(agents, tmp_path, kafka_broker):
    kind = pipeline_kind()
    print(f"pipeline: {kind} -> channel -> kafka")
    topic = "exactly-once"
    kafka_broker.create_topic(topic, partitions=3)
    total = 20000
    # Keyed by the line, so that the lines are spread over all three partitions by their hash. Without a key,
    # librdkafka's sticky partitioner picks one partition at random for each burst, and a run of a few bursts
    # can leave a partition empty (CI saw it): the order per partition would then be tested on two.
    agent, port = start_agent(agents, tmp_path, kind, kafka_broker.bootstrap, topic,
                              sink_extra='    key: "{message}"\n')
    LineWriter(tmp_path, kind, total, per_second=20000, port=port).start().join()
    got = consume(kafka_broker.bootstrap, topic, total, timeout=60)
    assert agent.stop() == 0
    got = consume(kafka_broker.bootstrap, topic, total, timeout=10)  # everything, duplicates included
    assert got.missing(total) == []
    assert got.duplicates() == 0
    assert got.out_of_order() == []
    assert len(got.records) == total
    assert {p for p, _ in got.records} == {0, 1, 2}
    if kind == "tail+grok":
        first = got.records[0][1]
        assert json_field(first, "verb") == "GET"
        assert json_field(first, "response") in (200, "200")


def test_broker_killed_and_restarted_loses_nothing_and_the_agent_goes_on(agents, tmp_path, kafka_cluster_factory):
    kind = pipeline_kind()
    print(f"pipeline: {kind} -> channel -> kafka; broker down for {OUTAGE_SECONDS:.0f} s")
    kafka = kafka_cluster_factory(nodes=1)
    topic = "outage"
    kafka.create_topic(topic, partitions=3)
    total = 30000
    agent, port = start_agent(agents, tmp_path, kind, kafka.bootstrap, topic)
    writer = LineWriter(tmp_path, kind, total, per_second=1500, port=port).start()
    wait_until(lambda: writer.written >= total // 4, 30, "a quarter of the lines written")
    kafka.kill_node(1)
    killed_at = time.monotonic()
    wait_until(lambda: "Connection refused" in agent.log() or "_TRANSPORT" in agent.log()
               or "ALL_BROKERS_DOWN" in agent.log(), 30, "the agent to notice the broker is gone")
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - killed_at)))  # the outage itself
    assert agent.running()
    kafka.restart_node(1)
    writer.join()
    got = consume(kafka.bootstrap, topic, total, timeout=120)
    assert agent.running() and agent.starts == 1  # never needed a restart
    assert agent.stop() == 0
    got = consume(kafka.bootstrap, topic, total, timeout=10)
    print(f"{len(got.records)} messages, {got.duplicates()} duplicates")
    assert got.missing(total) == []
    assert got.out_of_order() == []


@pytest.mark.slow
def test_three_nodes_one_killed_delivery_goes_on(agents, tmp_path, kafka_cluster_factory):
    kind = pipeline_kind()
    print(f"pipeline: {kind} -> channel -> kafka; 3 nodes, replication 3, min.insync.replicas 2")
    kafka = kafka_cluster_factory(nodes=3)
    topic = "replicated"
    kafka.create_topic(topic, partitions=3, replication=3)
    total = 20000
    agent, port = start_agent(agents, tmp_path, kind, kafka.bootstrap, topic)
    writer = LineWriter(tmp_path, kind, total, per_second=2000, port=port).start()
    wait_until(lambda: writer.written >= total // 3, 30, "a third of the lines written")
    before = len(consume(kafka.bootstrap, topic, 1, timeout=10).records)
    kafka.kill_node(2)
    writer.join()
    got = consume(kafka.live_bootstrap(), topic, total, timeout=120)
    assert agent.running()
    assert agent.stop() == 0
    got = consume(kafka.live_bootstrap(), topic, total, timeout=10)
    print(f"{before} delivered before the kill; {len(got.records)} in all, {got.duplicates()} duplicates")
    assert got.missing(total) == []
    assert got.out_of_order() == []


def test_agent_killed_mid_stream_loses_nothing(agents, tmp_path, kafka_broker):
    kind = pipeline_kind()
    topic = "agent-killed"
    kafka_broker.create_topic(topic, partitions=3)
    total = 30000
    in_flight_batches = 8
    agent, port = start_agent(agents, tmp_path, kind, kafka_broker.bootstrap, topic,
                              f"    max_in_flight_batches: {in_flight_batches}\n")
    if kind == "tcp":
        # A TCP sender cannot know what the agent had read when it died: send everything, wait until the channel
        # has it, and kill the agent while the sink is still delivering it.
        print("pipeline: tcp -> channel -> kafka; the agent is killed while the sink delivers")
        writer = LineWriter(tmp_path, kind, total, per_second=100000, port=port).start()
        writer.join()
        wait_until(lambda: len(consume(kafka_broker.bootstrap, topic, 1, timeout=5).records) > 0, 30,
                   "the first messages in Kafka")
        agent.kill()
        agent.start()
    else:
        print("pipeline: tail+grok -> channel -> kafka; the agent is killed mid-stream")
        writer = LineWriter(tmp_path, kind, total, per_second=3000, port=port).start()
        wait_until(lambda: writer.written >= total // 3, 30, "a third of the lines written")
        agent.restart_after_kill()
        writer.join()
    got = consume(kafka_broker.bootstrap, topic, total, timeout=90)
    assert agent.stop() == 0
    got = consume(kafka_broker.bootstrap, topic, total, timeout=10)
    duplicates = got.duplicates()
    # What can come twice: batches the sink had in flight (their acknowledgement to the channel died with the
    # process), batches acknowledged within the last second (the channel saves its cursor every second), and with
    # tail, lines read within the last second (positions are saved every second). The agent is killed once.
    window = in_flight_batches * (16 * 1024 // 100)  # 16 KiB reads of ~120-byte lines
    bound = window + 2 * 3000 if kind == "tail+grok" else total
    print(f"{len(got.records)} messages, {duplicates} duplicates (bound {bound})")
    assert got.missing(total) == []
    assert duplicates <= bound


def test_a_message_too_large_for_the_broker_goes_to_the_dead_letter_file(agents, tmp_path, kafka_broker):
    print("pipeline: tcp -> channel -> kafka (raw)")
    topic = "limited"
    limit = 1000000
    kafka_broker.create_topic(topic, partitions=1, config={"max.message.bytes": str(limit)})
    total = 2000
    big = 1234
    # The sink lets the message go (its own limit is higher), the broker refuses it: a record batch over the
    # topic's `max.message.bytes`, even alone and compressed.
    agent, port = start_agent(agents, tmp_path, "tcp", kafka_broker.bootstrap, topic,
                              "    message_max_bytes: 4MB\n", encoding="raw")
    LineWriter(tmp_path, "tcp", total, per_second=20000, pad_of={big: 2 * limit}, port=port).start().join()
    dead = tmp_path / "dead-letter.jsonl"
    wait_until(lambda: dead.exists() and dead.read_text().count("\n") >= 1, 60, "the dead letter")
    got = consume(kafka_broker.bootstrap, topic, total - 1, timeout=60)
    assert agent.stop() == 0
    got = consume(kafka_broker.bootstrap, topic, total - 1, timeout=10)
    assert got.missing(total) == [big]
    assert got.duplicates() == 0
    records = [json.loads(line) for line in dead.read_text().splitlines()]
    assert len(records) == 1
    assert records[0]["error"] == "MSG_SIZE_TOO_LARGE"
    assert "too large" in records[0]["reason"]
    assert records[0]["topic"] == topic
    assert seq_of(records[0]["message"].encode()) == big
    assert len(records[0]["message"]) > 2 * limit
    assert "was refused" in agent.log() and "MSG_SIZE_TOO_LARGE" in agent.log()


def test_while_the_broker_is_down_the_channel_fills_and_the_sender_blocks(agents, tmp_path, kafka_cluster_factory):
    print("pipeline: tcp -> disk channel (4 MiB) -> kafka; the broker is down until the sender blocks")
    kafka = kafka_cluster_factory(nodes=1)
    topic = "backpressure"
    kafka.create_topic(topic, partitions=3)
    agent, port = start_agent(agents, tmp_path, "tcp", kafka.bootstrap, topic,
                              "    channel: {max_bytes: 4MiB, segment_bytes: 1MiB}\n", encoding="raw")
    kafka.kill_node(1)
    sock = connect(port)
    sock.setblocking(False)
    sent = 0
    pending = b""

    def send_until_blocked() -> bool:
        nonlocal sent, pending
        for _ in range(1000):
            if not pending:
                pending = "".join(access_line(i) + "\n" for i in range(sent, sent + 100)).encode()
                sent += 100
            try:
                pending = pending[sock.send(pending):]
            except BlockingIOError:
                return True
        return False

    wait_until(send_until_blocked, 60, "the sender's send to block")
    assert sent * 130 < 64 * 2**20, "far more went in than the channel holds: no backpressure"
    assert agent.running()
    kafka.restart_node(1)
    sock.setblocking(True)
    sock.sendall(pending)
    sock.close()
    total = sent
    got = consume(kafka.bootstrap, topic, total, timeout=120)
    assert agent.stop() == 0
    got = consume(kafka.bootstrap, topic, total, timeout=10)
    print(f"{total} lines sent before and after the sender blocked; {len(got.records)} delivered")
    assert got.missing(total) == []
    assert got.duplicates() == 0


def tail_to_kafka_config(tmp_path, bootstrap: str, topic: str, lines: int) -> str:
    """A file of `lines` access lines, written whole, tailed into the `kafka` sink (raw) through a 64 MiB disk
    channel, which keeps up to 8 MiB of recent batches in memory; with an HTTP port for the metrics."""
    (tmp_path / "in").mkdir()
    with open(tmp_path / "in" / "access.log", "w") as f:
        for first in range(0, lines, 10_000):
            f.write("".join(access_line(i) + "\n" for i in range(first, min(first + 10_000, lines))))
    sources = f"""sources:
  access:
    type: tail
    include: [{tmp_path}/in/*.log]
"""
    return (f"data_dir: {tmp_path}/state\nhttp:\n  address: 127.0.0.1:0\n{sources}sinks:\n"
            + kafka_sink_yaml(tmp_path, bootstrap, topic, "access", "    channel: {max_bytes: 64MiB}\n",
                              encoding="raw"))


def test_a_tailed_file_is_not_held_back_by_a_sink_that_takes_nothing(agents, tmp_path, kafka_cluster_factory):
    """With the broker down the sink takes nothing, and the disk channel takes the tailed file in, far beyond the
    batches it keeps in memory (the source is not held to the sink's pace). Once `hold` old, the batches the sink
    took and cannot deliver are written too, though the source has nothing more to push: the whole file is on
    disk, so the source can be acknowledged while the broker is down. Everything arrives once it is back."""
    if "sources/tail" not in registered_plugins():
        pytest.skip("no tail source in this binary")
    kafka = kafka_cluster_factory(nodes=1)
    total = 300_000
    topic = "absorbed"
    kafka.create_topic(topic, partitions=3)
    kafka.kill_node(1)
    agent = agents(tail_to_kafka_config(tmp_path, kafka.bootstrap, topic, total))
    port = agent.listening_port("http")
    # The file is about 36 MB, the channel keeps 8 MiB in memory and the sink takes up to 64 batches (some 20 MB).
    size = (tmp_path / "in" / "access.log").stat().st_size
    wait_until(lambda: metric_sum(port, "pyrolog_channel_lag_bytes") > 0.9 * size, 60,
               "the channel to write the whole file while the broker is down")
    kafka.restart_node(1)
    got = consume(kafka.bootstrap, topic, total, timeout=120)
    assert agent.stop() == 0
    assert got.missing(total) == []
