"""syslog-ng as a benchmark peer: a private syslog-ng (the syslog-ng-core .deb unpacked by bench/peers/install)
run in the foreground with its own config, pid file, persist file and control socket, its modules from the
unpacked tree. It never reads /etc/syslog-ng, and its config has no system() or unix sources (never /dev/log).

Fast settings: statistics off, no DNS, flow control on the log path (so a full destination slows the source down
instead of dropping: the same no-loss contract as the others), a source window of 100,000 messages fetched 1,000
at a time, destination flushes every 1,000 lines. Several TCP connections at once (syslog_tcp_multi_file): 10,000
messages of window per connection, max-connections() twice the connections, a destination queue as large as all the
windows. Parsing: regexp-parser with a PCRE for the combined format and format-json for the output.
"""

from __future__ import annotations

import os
from pathlib import Path

PEERS = Path(os.environ.get("PYROLOG_PEERS_DIR", Path.home() / ".cache" / "pyrolog" / "peers"))
HOME = PEERS / "syslog-ng"
NAME = "syslog-ng"

COMBINED = (r'^(?<clientip>\S+) (?<ident>\S+) (?<auth>\S+) \[(?<timestamp>[^\]]+)\] '
            r'"(?<verb>\S+) (?<request>\S+) HTTP/(?<httpversion>[^"]+)" (?<response>\d+) (?<bytes>\d+|-) '
            r'"(?<referrer>[^"]*)" "(?<agent>[^"]*)"$')
PARSED_FIELDS = ["clientip", "ident", "auth", "timestamp", "verb", "request", "httpversion", "response", "bytes",
                 "referrer", "agent"]


def binary() -> Path:
    return HOME / "usr" / "sbin" / "syslog-ng"


def available() -> bool:
    return binary().exists()


def can(scenario: str) -> bool:
    return scenario in ("file_file", "file_parse_json", "tcp_file", "syslog_tcp_file", "syslog_tcp_multi_file")


def prepare(scenario: str, work: Path, source: Path, output: Path, port: int,
            connections: int = 1) -> tuple[list[str], dict[str, str]]:
    """Writes the config into work; returns the command line and its extra environment. connections: how many
    TCP connections the suite sends over at once."""
    work.mkdir(parents=True, exist_ok=True)
    window = "log-iw-size(100000) log-fetch-limit(1000)"
    fifo = 100000
    if scenario in ("file_file", "file_parse_json"):
        src = f'file("{source}" flags(no-parse) follow-freq(1) {window})'
    elif scenario == "tcp_file":
        src = f'network(ip("127.0.0.1") port({port}) transport("tcp") flags(no-parse) max-connections(10) {window})'
    elif connections == 1:
        src = f'network(ip("127.0.0.1") port({port}) transport("tcp") max-connections(10) {window})'
    else:
        # Several connections. log-iw-size() is the source's whole window, divided evenly among
        # max-connections(): each connection gets the same 10,000 messages as the one connection above
        # (100,000 / 10), fetched 1,000 at a time. max-connections() is twice the connections sent, so the suite's
        # readiness probe (a connection opened and closed before the senders start) can never make syslog-ng
        # refuse one of them. log-fifo-size() (the destination queue) holds every window at once, so it never
        # overflows: syslog-ng's memory queue drops what does not fit, flow control or not. Windows of 25,000 and
        # 100,000 a connection, or fetches of 10,000, were not faster in a few runs (500,000 lines, 2 cores) and
        # took more memory. The I/O worker threads stay at their default, one per CPU (at least 2).
        max_connections = 2 * connections
        window_total = 10_000 * max_connections
        fifo = max(fifo, window_total)
        src = (f'network(ip("127.0.0.1") port({port}) transport("tcp") max-connections({max_connections}) '
               f'log-iw-size({window_total}) log-fetch-limit(1000))')
    parser = ""
    if scenario == "file_parse_json":
        pattern = COMBINED.replace("\\", "\\\\").replace('"', '\\"')
        parser = f'parser p_in {{ regexp-parser(patterns("{pattern}") prefix("")); }};'
        pairs = " ".join(f"{f}=${{{f}}}" for f in PARSED_FIELDS)
        template = f"$(format-json message=$MESSAGE {pairs})\\n"
    elif scenario in ("syslog_tcp_file", "syslog_tcp_multi_file"):
        template = ("$(format-json timestamp=$ISODATE host=$HOST program=$PROGRAM pid=$PID facility=$FACILITY "
                    "severity=$LEVEL message=$MESSAGE)\\n")
    else:
        template = "$MESSAGE\\n"
    config = f"""@version: 3.38
options {{ stats-level(0); stats-freq(0); use-dns(no); use-fqdn(no); dns-cache(no); chain-hostnames(no);
  keep-hostname(yes); flush-lines(1000); log-fifo-size({fifo}); mark-freq(0); }};
source s_in {{ {src}; }};
{parser}
destination d_out {{ file("{output}" template("{template}") ); }};
log {{ source(s_in); {"parser(p_in); " if parser else ""}destination(d_out); flags(flow-control); }};
"""
    (work / "syslog-ng.conf").write_text(config)
    command = [str(binary()), "-F", "--no-caps", "-f", str(work / "syslog-ng.conf"), "-p", str(work / "syslog-ng.pid"),
               "-R", str(work / "syslog-ng.persist"), "-c", str(work / "syslog-ng.ctl"),
               f"--module-path={HOME / 'usr' / 'lib' / 'syslog-ng' / '3.38'}"]
    return command, {"LD_LIBRARY_PATH": str(HOME / "usr" / "lib" / "syslog-ng")}
