#!/usr/bin/env python3
"""End-to-end Kafka benchmark: access-log lines from `tail` through `grok` and the disk channel to a real broker
(lz4), beside a bare librdkafka producer sending the same lines with the same settings in the same run (the
ceiling). Prints a Markdown table: events/s, MB/s, CPU seconds per GB and peak memory of each.

    /usr/bin/python3 bench/kafka_bench.py [--lines 2000000] [--repetitions 5] [--pyrolog build/release/pyrolog]

It starts a single-node broker with the test harness (tests/harness/kafka, on free ports, stopped at the end),
writes the lines to a file once, compiles bench/kafka_bare_producer.cc, and alternates bare and agent runs, each
into a fresh topic. Each run's time, bare or agent, runs from the process's start until the topic's high
watermarks add up to every line (polled every 20 ms by `kafka_bare_producer watch`); the agent's CPU time and
peak memory come from /proc, the bare producer's from its own report, which also gives its own time (first
message to last delivery report), printed for comparison. Before each run, bare or agent, it writes and
deletes a scratch file (`--no-warm`: not), as the suite does (bench/suite/measure.py, warm_memory): the broker's
log and the disk channel's segments then go into memory the host has backed. Each run also records how many
seconds of CPU time the host's hypervisor stole from this virtual machine meanwhile (/proc/stat), printed beside
its rate: on a shared host that is much of what makes one repetition of the same run slower than the next.
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "harness" / "kafka"))

import kafka_harness as kh  # noqa: E402

sys.path.insert(0, str(ROOT / "bench" / "suite"))
import measure  # noqa: E402

# The sink's defaults, spelled as librdkafka properties, so both producers send alike.
PRODUCER_SETTINGS = {
    "enable.idempotence": "true",
    "acks": "all",
    "compression.codec": "lz4",
    "linger.ms": "10",
    "batch.size": "1048576",
    "batch.num.messages": "10000",
    "message.max.bytes": "1048576",
    "message.timeout.ms": "0",
    "queue.buffering.max.messages": "0",
    "queue.buffering.max.kbytes": "1048576",
    "client.id": "pyrolog",
}
PARTITIONS = 3

AGENTS = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
          "curl/7.88.1", "Googlebot/2.1 (+http://www.google.com/bot.html)"]
PATHS = ["/", "/index.html", "/api/v1/orders", "/static/app.js", "/images/logo.png", "/search?q=kafka"]


def write_lines(path: Path, n: int) -> int:
    """Combined-log-format lines (about 200 bytes); returns the payload bytes (without newlines)."""
    rnd = random.Random(7)
    total = 0
    with open(path, "w") as out:
        for i in range(n):
            line = (f"10.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(256)} - - "
                    f"[10/Oct/2023:13:{(i // 60) % 60:02d}:{i % 60:02d} +0000] "
                    f'"GET {rnd.choice(PATHS)}?id={i} HTTP/1.1" {rnd.choice((200, 200, 200, 304, 404, 500))} '
                    f'{rnd.randrange(100, 50000)} "https://example.com/page/{rnd.randrange(1000)}" '
                    f'"{rnd.choice(AGENTS)}"')
            out.write(line + "\n")
            total += len(line)
    return total


def compile_bare(workdir: Path) -> Path:
    exe = workdir / "kafka_bare_producer"
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "rdkafka"], capture_output=True, text=True,
                           check=True).stdout.split()
    subprocess.run(["g++", "-O2", "-std=c++17", "-o", str(exe), str(ROOT / "bench" / "kafka_bare_producer.cc"),
                    *flags], check=True)
    return exe


def watch(exe: Path, bootstrap: str, topic: str, n: int) -> float:
    """Waits until the topic's partitions hold n messages; returns when that was, in seconds since the epoch."""
    watched = subprocess.run([str(exe), "watch", bootstrap, topic, str(PARTITIONS), str(n), "600"],
                             capture_output=True, text=True)
    if watched.returncode != 0:
        raise RuntimeError(f"the topic never held every message: {watched.stderr}")
    return json.loads(watched.stdout)["seconds_since_epoch"]


def run_bare(exe: Path, bootstrap: str, topic: str, lines: Path, n: int) -> dict:
    """Timed as the agent is, from the process's start until the topic holds every line. The producer's own
    figure (first message to last delivery report: without its start, and without the watcher's polling
    delay) is kept as `self_seconds`."""
    props = [f"{k}={v}" for k, v in PRODUCER_SETTINGS.items()]
    began = time.time()
    proc = subprocess.Popen([str(exe), "produce", bootstrap, topic, str(lines), *props], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        done = watch(exe, bootstrap, topic, n)
    finally:
        out, err = proc.communicate(timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"bare producer failed: {err}")
    r = json.loads(out)
    return {"seconds": done - began, "self_seconds": r["seconds"], "cpu": r["cpu_seconds"],
            "rss_mb": r["max_rss_kb"] / 1024, "messages": r["messages"], "bytes": r["bytes"]}


# The pipelines measured: the (tail, grok, the default disk channel), and the same without grok or with
# a memory channel, to show where the time goes.
VARIANTS = {
    "tail-grok-disk": ("tail → grok → disk channel → kafka", True, "disk"),
    "tail-grok-disk-lz4": ("tail → grok → disk channel (lz4) → kafka", True, "disk-lz4"),
    "tail-grok-memory-default": ("tail → grok → memory channel (default size) → kafka", True, "memory-default"),
    "tail-grok-disk-nosync": ("tail → grok → disk channel (sync: never) → kafka", True, "disk-nosync"),
    "tail-grok-disk-nohold": ("tail → grok → disk channel (hold: 0s, every batch written) → kafka", True,
                              "disk-nohold"),
    "tail-grok-memory": ("tail → grok → memory channel → kafka", True, "memory"),
    "tail-disk": ("tail → disk channel → kafka", False, "disk"),
    "tail-memory": ("tail → memory channel → kafka", False, "memory"),
}


# The memory channel is big enough for the whole input, so it never holds the source back.
CHANNELS = {"memory": "type: memory, max_bytes: 512MiB", "disk": "type: disk", "disk-lz4": "type: disk, compression: lz4",
            "disk-nosync": "type: disk, sync: never", "memory-default": "type: memory",
            "disk-nohold": "type: disk, hold: 0s"}


def agent_config(workdir: Path, lines: Path, bootstrap: str, topic: str, variant: str, http_port: int) -> str:
    _, grok, channel = VARIANTS[variant]
    transforms = """transforms:
  parse:
    type: grok
    inputs: [access]
    match: ['%{COMBINEDAPACHELOG}']
""" if grok else ""
    return f"""
data_dir: {workdir}/state
http:
  address: 127.0.0.1:{http_port}
sources:
  access:
    type: tail
    include: [{lines}]
{transforms}sinks:
  kafka:
    type: kafka
    inputs: [{"parse" if grok else "access"}]
    brokers: {bootstrap}
    topic: {topic}
    encoding: raw            # the same messages as the bare producer; the other settings are the defaults
    channel: {{{CHANNELS[channel]}}}
"""


def proc_cpu_and_peak(pid: int) -> tuple[float, float]:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    peak_kb = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak_kb = int(line.split()[1])
    return cpu, peak_kb / 1024


def run_agent(pyrolog: str, exe: Path, bootstrap: str, topic: str, lines: Path, n: int, nbytes: int,
              workdir: Path, variant: str) -> dict:
    workdir.mkdir(parents=True)
    config = workdir / "pyrolog.yaml"
    http_port = measure.free_port()
    config.write_text(agent_config(workdir, lines, bootstrap, topic, variant, http_port))
    log = open(workdir / "agent.log", "wb")
    began = time.time()
    proc = subprocess.Popen([pyrolog, "run", "--config", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        try:
            seconds = watch(exe, bootstrap, topic, n) - began
        except RuntimeError as e:
            raise RuntimeError(f"{e}\n{(workdir / 'agent.log').read_text()[-3000:]}") from None
        cpu, peak = proc_cpu_and_peak(proc.pid)
        batches = channel_batches(http_port)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        log.close()
    return {"seconds": seconds, "cpu": cpu, "rss_mb": peak, "messages": n, "bytes": nbytes, **batches}


def host_times() -> tuple[float, float]:
    """Seconds of CPU time the host machine has spent, over all its CPUs: (idle, stolen). Stolen time is time a
    virtual CPU was ready to run but its hypervisor ran something else; on a shared virtual machine it is what
    makes one repetition slower than the next."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle, iowait
    steal = fields[7] if len(fields) > 7 else 0
    return idle / ticks, steal / ticks


def channel_batches(http_port: int) -> dict:
    """The disk channel's batches: held and spilled, and handed to the sink from memory or read back from disk
    ({} otherwise)."""
    try:
        text = urllib.request.urlopen(f"http://127.0.0.1:{http_port}/metrics", timeout=10).read().decode()
    except OSError:
        return {}
    out = {}
    for key, name in (("from_memory", "pyrolog_channel_batches_from_memory_total"),
                      ("from_disk", "pyrolog_channel_batches_from_disk_total"),
                      ("held", "pyrolog_channel_batches_held_total"),
                      ("spilled", "pyrolog_channel_batches_spilled_total")):
        values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + "{")]
        if values:
            out[key] = int(sum(values))
    return out


def row(name: str, runs: list[dict], ceiling: float | None = None) -> str:
    best = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]  # the median run
    eps = best["messages"] / best["seconds"]
    mbs = best["bytes"] / best["seconds"] / 1e6
    cpu_gb = best["cpu"] / (best["bytes"] / 1e9)
    share = f"{100 * eps / ceiling:.0f}%" if ceiling else "100%"
    all_eps = ", ".join(f"{r['messages'] / r['seconds']:,.0f} ({r['steal']:.2f})" for r in runs)
    return (f"| {name} | {best['seconds']:.2f} | {eps:,.0f} | {mbs:.1f} | {cpu_gb:.1f} | {best['rss_mb']:.0f} | "
            f"{share} | {all_eps} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help=f"agent pipelines, comma-separated, of: {', '.join(VARIANTS)}")
    parser.add_argument("--pyrolog", default=str(ROOT / "build" / "release" / "pyrolog"))
    parser.add_argument("--version", default=kh.MAIN_VERSION, help="Kafka version of the broker")
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    parser.add_argument("--no-warm", dest="warm", action="store_false",
                        help="do not write and delete a scratch file before each run")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="pyrolog-kafka-bench."))
    cluster = kh.KafkaCluster(args.version, nodes=1, workdir=workdir / "kafka")
    try:
        lines = workdir / "access.log"
        nbytes = write_lines(lines, args.lines)
        exe = compile_bare(workdir)
        bootstrap = cluster.start()
        print(f"broker {args.version} at {bootstrap}; {args.lines:,} lines, {nbytes / 1e6:.0f} MB; "
              f"{args.pyrolog}", file=sys.stderr)
        variants = args.variants.split(",")
        bare: list[dict] = []
        agent: dict[str, list[dict]] = {v: [] for v in variants}
        # Interleaved, so that the machine's ups and downs (it is shared) fall on every kind of run alike.
        for rep in range(args.repetitions):
            for kind in ["bare", *variants]:
                topic = f"bench-{kind}-{rep}"
                cluster.create_topic(topic, partitions=PARTITIONS)
                if args.warm:  # the broker's log and the channel's segments: about twice the input
                    measure.warm_memory(workdir, min(measure.WARM_MAX, 2 * nbytes))
                idle, steal = host_times()
                if kind == "bare":
                    r = run_bare(exe, bootstrap, topic, lines, args.lines)
                    bare.append(r)
                else:
                    r = run_agent(args.pyrolog, exe, bootstrap, topic, lines, args.lines, nbytes,
                                  workdir / f"{kind}-{rep}", kind)
                    agent[kind].append(r)
                idle_after, steal_after = host_times()
                r["idle"], r["steal"] = idle_after - idle, steal_after - steal
                read_back = (f", batches held {r.get('held', 0):,} (spilled {r.get('spilled', 0):,}), "
                             f"from memory {r['from_memory']:,}, from disk {r['from_disk']:,}"
                             if "from_disk" in r else "")
                print(f"  {kind} {rep}: {r['messages'] / r['seconds']:,.0f} events/s, {r['cpu']:.1f} CPU s, "
                      f"{r['rss_mb']:.0f} MB peak, host idle {r['idle']:.2f} s, stolen {r['steal']:.2f} s"
                      f"{read_back}", file=sys.stderr)
        ceiling = statistics.median(r["messages"] / r["seconds"] for r in bare)
        print("| run | seconds | events/s | MB/s | CPU s per GB | peak MB | of bare | all runs, events/s "
              "(host CPU seconds stolen) |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        print(row("bare librdkafka producer", bare))
        for v in variants:
            print(row(f"pyrolog: {VARIANTS[v][0]}", agent[v], ceiling))
        for v in variants:
            paired = ", ".join(f"{b['seconds'] / r['seconds']:.0%}" for b, r in zip(bare, agent[v]))
            print(f"\n{VARIANTS[v][0]}: rate over the bare producer's in the same repetition, each repetition: "
                  f"{paired}")
        # Before session 12 the bare producer's rate was its own figure: from its first message to its last
        # delivery report, without its start and without the watcher's polling delay, which the agent's
        # figure has always included. Kept here, so the two ways of timing it can be compared.
        self_timed = [r["messages"] / r["self_seconds"] for r in bare]
        self_ceiling = statistics.median(self_timed)
        print(f"\nbare producer timed by itself (first message to last delivery report), each run: "
              f"{', '.join(f'{x:,.0f}' for x in self_timed)}; median {self_ceiling:,.0f}")
        for v in variants:
            runs = agent[v]
            eps = runs[0]["messages"] / sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]["seconds"]
            print(f"{VARIANTS[v][0]}: {100 * eps / self_ceiling:.0f}% of that median")
        for v in variants:
            runs = [r for r in agent[v] if "from_disk" in r]
            if runs:
                shares = ", ".join(f"{r['from_disk'] / max(1, r['from_disk'] + r['from_memory']):.0%}"
                                   for r in runs)
                print(f"\n{VARIANTS[v][0]}: batches the sink read back from disk (not from memory), each run: "
                      f"{shares}")
                never = [r.get("held", 0) - r.get("spilled", 0) for r in runs]
                unwritten = ", ".join(f"{n / max(1, n + r['from_disk'] + r['from_memory']):.0%}"
                                      for n, r in zip(never, runs))
                print(f"{VARIANTS[v][0]}: batches never written (held, delivered within `hold`), each run: "
                      f"{unwritten}")
    finally:
        cluster.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
