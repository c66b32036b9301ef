#!/usr/bin/env python3
"""Benchmark: the tail source reading a 2,000,000-line access log into the channel and a sink, beside
`cat FILE > /dev/null` on the same file in the same run.

    bench/tail_bench.py --binary build/release/pyrolog [--lines 2000000] [--dir /tmp/pyrolog-tail-bench]

The access log is generated once (the demo source's generator, ported: the same xorshift64* sequence and the
same combined-log-format lines, about 200 bytes each) and kept in --dir. Every variant runs the real agent on the
whole file: it is done when the source's committed position (positions.json, written every 50 ms) reaches the
end of the file, so every line was acknowledged by the channel and the sink. Reported: lines per second of wall
time from the agent's start, and the agent's CPU seconds (user + system, from /proc).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE"]
PATHS = ["/", "/index.html", "/api/v1/orders", "/api/v1/users", "/static/js/app.js", "/static/css/site.css",
         "/search", "/products/item", "/cart/checkout", "/images/banner.png"]
QUERIES = ["", "?page=2", "?q=running+shoes&sort=price", "?id=1842", "?ref=newsletter",
           "?utm_source=ads&utm_medium=cpc"]
STATUSES = [200, 200, 200, 200, 200, 304, 301, 404, 500, 503]
REFERRERS = ["-", "https://www.example.com/", "https://www.google.com/search?q=shop",
             "https://shop.example.org/products", "https://news.example.net/article/77"]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
          "curl/7.88.1",
          "Googlebot/2.1 (+http://www.google.com/bot.html)"]
MASK = (1 << 64) - 1


def generate(path: Path, lines: int, seed: int = 42) -> None:
    """The demo source's AccessLogGenerator in Python."""
    state = seed or 1

    def nxt() -> int:
        nonlocal state
        state ^= state >> 12
        state ^= (state << 25) & MASK
        state ^= state >> 27
        return (state * 0x2545F4914F6CDD1D) & MASK

    when = 1_700_000_000
    with open(path, "w") as out:
        chunk = []
        for i in range(lines):
            t = time.gmtime(when + i // 10000)
            ip = nxt()
            user = "alice" if nxt() % 8 == 0 else "-"
            chunk.append(
                f"{10 + ip % 200}.{(ip >> 8) % 256}.{(ip >> 16) % 256}.{1 + (ip >> 24) % 254} - {user} "
                f"[{t.tm_mday:02}/{MONTHS[t.tm_mon - 1]}/{t.tm_year:04}:{t.tm_hour:02}:{t.tm_min:02}:{t.tm_sec:02} +0000] "
                f"\"{METHODS[nxt() % 6]} {PATHS[nxt() % 10]}{QUERIES[nxt() % 6]} HTTP/1.1\" {STATUSES[nxt() % 10]} "
                f"{nxt() % 50000 + 120} \"{REFERRERS[nxt() % 5]}\" \"{AGENTS[nxt() % 5]}\"\n")
            if len(chunk) == 10000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))


def cat_run(path: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    with open(os.devnull, "wb") as null:
        subprocess.run(["cat", str(path)], stdout=null, check=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


SINKS = {
    "file": """
  out:
    type: file
    inputs: [web]
    path: {work}/out/access.log
    roll_bytes: 0
    roll_interval: 0s
    channel:
{channel}""",
    "console": """
  out:
    type: console
    inputs: [web]
    encoding: raw
    channel:
{channel}""",
}

CHANNELS = {
    "memory": "      type: memory\n      max_bytes: 64MiB",
    "disk": "      type: disk\n      sync: interval",
    "disk-nosync": "      type: disk\n      sync: never",
}


def agent_run(binary: str, log: Path, work: Path, channel: str, sink: str, read_buffer: str) -> tuple[float, float]:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    config = f"""
data_dir: {work}/state
sources:
  web:
    type: tail
    include: [{log}]
    commit_interval: 50ms
    read_buffer_bytes: {read_buffer}
sinks:{SINKS[sink].format(work=work, channel=CHANNELS[channel])}
"""
    (work / "bench.yaml").write_text(config)
    positions = work / "state" / "sources" / "web" / "positions.json"
    size = log.stat().st_size
    with open(work / "agent.log", "wb") as agent_log, open(os.devnull, "wb") as null:
        start = time.monotonic()
        proc = subprocess.Popen([binary, "run", "--config", str(work / "bench.yaml")], stdout=null, stderr=agent_log)
        try:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"the agent exited: {(work / 'agent.log').read_text()[-2000:]}")
                try:
                    files = json.loads(positions.read_text())["files"]
                    if files and files[0]["offset"] == size:
                        break
                except (FileNotFoundError, json.JSONDecodeError, KeyError):
                    pass
                time.sleep(0.005)
            wall = time.monotonic() - start
            cpu = cpu_seconds(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
    if sink == "file":
        assert (work / "out" / "access.log").stat().st_size == size, "the output differs from the input"
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default="build/release/pyrolog")
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/pyrolog-tail-bench"))
    parser.add_argument("--runs", type=int, default=3, help="runs per variant; the best is reported")
    parser.add_argument("--read-buffer", default="256KiB", help="the tail source's read_buffer_bytes")
    parser.add_argument("--variants", default="memory/file,memory/console,disk/file",
                        help="channel/sink pairs (channels: memory, disk; sinks: file, console to /dev/null)")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    log = args.dir / f"access-{args.lines}.log"
    if not log.exists():
        print(f"generating {args.lines:,} lines into {log} ...", file=sys.stderr)
        generate(log.with_suffix(".tmp"), args.lines)
        log.with_suffix(".tmp").rename(log)
    size = log.stat().st_size
    print(f"input: {args.lines:,} lines, {size / 2**20:.0f} MiB ({size / args.lines:.0f} bytes a line); "
          f"{os.cpu_count()} CPUs")
    cat_wall, cat_cpu = min(cat_run(log) for _ in range(args.runs))
    print(f"{'cat FILE > /dev/null':34} {args.lines / cat_wall:>12,.0f} lines/s  {cat_wall:6.2f} s  "
          f"{cat_cpu:6.2f} CPU s  ({size / 2**20 / cat_wall:,.0f} MiB/s)")
    for variant in args.variants.split(","):
        channel, sink = variant.split("/")
        results = [agent_run(args.binary, log, args.dir / f"run-{channel}-{sink}", channel, sink, args.read_buffer)
                   for _ in range(args.runs)]
        wall, cpu = min(results)
        target = "console > /dev/null" if sink == "console" else "file sink"
        print(f"{'tail -> ' + channel + ' channel -> ' + target:34} {args.lines / wall:>12,.0f} lines/s  "
              f"{wall:6.2f} s  {cpu:6.2f} CPU s  ({size / 2**20 / wall:,.0f} MiB/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
