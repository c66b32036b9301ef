"""The `kafka` source against a real broker: Kafka to files (Flume's "agent 2"), with the agent killed twice
while messages keep coming. Offsets are committed only once the channel has the events, so every message ends
up in the file; what is read again after a kill is counted."""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter

from agent_process import count_lines, metric_sum, wait_until
from test_kafka_support import access_line, seq_of

CONFIG = """
data_dir: {dir}/state
http:
  address: 127.0.0.1:0
sources:
  orders:
    type: kafka
    brokers: {bootstrap}
    topics: [{topic}]
    group_id: archive
    commit_interval: 200ms
    max_batch_events: 200
    # A killed agent's partitions go to the restarted one once the group gives up on the dead member.
    librdkafka: {{session.timeout.ms: "6000", heartbeat.interval.ms: "1000"}}
sinks:
  archive:
    type: file
    inputs: [orders]
    path: {dir}/out.log
    roll_bytes: 0
    roll_interval: 0s
"""


class PacedProducer:
    """kcat producing numbered lines at a steady rate, idempotent with acks=all, in a thread."""

    def __init__(self, bootstrap: str, topic: str, total: int, per_second: int) -> None:
        self.total, self.per_second, self.written = total, per_second, 0
        self.proc = subprocess.Popen(["kcat", "-P", "-b", bootstrap, "-t", topic, "-X", "enable.idempotence=true",
                                      "-X", "acks=all", "-X", "linger.ms=5"],
                                     stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        began = time.monotonic()
        chunk = max(1, self.per_second // 20)
        while self.written < self.total:
            n = min(chunk, self.total - self.written)
            self.proc.stdin.write("".join(access_line(i) + "\n" for i in range(self.written, self.written + n)).encode())
            self.proc.stdin.flush()
            self.written += n
            ahead = self.written / self.per_second - (time.monotonic() - began)
            if ahead > 0:
                time.sleep(ahead)
        self.proc.stdin.close()

    def join(self) -> None:
        self.thread.join(120)
        assert self.proc.wait(60) == 0, self.proc.stderr.read().decode(errors="replace")


def test_kafka_to_file_with_the_agent_killed_twice(agents, tmp_path, kafka_broker):
    topic = "to-file"
    # 20 s of traffic: the second kill (after the group gave the partitions back, seconds after the first)
    # still comes while messages arrive, so commits go on after the backlog.
    total, rate = 40000, 2000
    kafka_broker.create_topic(topic, partitions=3)
    out = tmp_path / "out.log"
    agent = agents(CONFIG.format(dir=tmp_path, bootstrap=kafka_broker.bootstrap, topic=topic))
    producer = PacedProducer(kafka_broker.bootstrap, topic, total, rate)

    def complete_lines() -> list[bytes]:
        data = out.read_bytes() if out.exists() else b""  # the sink may be half-way through a line
        return data[:data.rfind(b"\n") + 1].splitlines()

    written_before = 0
    produced_at_start = 0
    for kill in (1, 2):
        wait_until(lambda: producer.written >= kill * total // 3, 60, f"a third more produced before kill {kill}")
        # Mid-stream: the agent (restarted, for the second kill) has written lines since the last kill, has
        # caught up with what was produced while it was down, and has committed offsets since. Joining the group
        # takes seconds, and that backlog is then read in a burst, faster than a commit interval: a kill inside
        # the burst makes the whole backlog "unacknowledged", which the bound below does not measure.
        wait_until(lambda: count_lines(out) > written_before, 60, f"lines written before kill {kill}")
        wait_until(lambda: len({seq_of(line) for line in complete_lines()}) >= produced_at_start, 60,
                   f"the backlog written before kill {kill}")
        http = agent.listening_port("http")
        commits = metric_sum(http, "pyrolog_kafka_commits_total")
        wait_until(lambda: metric_sum(http, "pyrolog_kafka_commits_total") > commits, 60,
                   f"a commit after the backlog, before kill {kill}")
        written_before = count_lines(out)
        agent.restart_after_kill()
        produced_at_start = producer.written
    producer.join()

    wait_until(lambda: len({seq_of(line) for line in complete_lines()}) >= total, 120, "every message in the file")
    assert agent.stop() == 0
    seqs = Counter(seq_of(line) for line in out.read_bytes().splitlines())
    assert set(seqs) == set(range(total))
    duplicates = sum(c - 1 for c in seqs.values())
    # Written twice can be what the source read but had not committed (a commit interval, plus the channel's
    # sync) and what the file sink wrote but the channel had not yet recorded as delivered (its cursor is
    # saved every second): a few seconds of traffic per kill, never everything.
    bound = 2 * 3 * rate
    print(f"{sum(seqs.values())} lines for {total} messages: {duplicates} written twice (bound {bound})")
    assert duplicates <= bound
