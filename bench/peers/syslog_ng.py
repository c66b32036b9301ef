"""syslog-ng as a benchmark peer: a private syslog-ng (the syslog-ng-core .deb unpacked by bench/peers/install)
run in the foreground with its own config, pid file, persist file and control socket, its modules from the
unpacked tree. It never reads /etc/syslog-ng, and its config has no system() or unix sources (never /dev/log).

Fast settings: statistics off, no DNS, flow control on the log path (so a full destination slows the source down
instead of dropping: the same no-loss contract as the others), a source window of 100,000 messages fetched 1,000
at a time, destination flushes every 1,000 lines. Parsing: regexp-parser with a PCRE for the combined format and
format-json for the output.
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
    return scenario in ("file_file", "file_parse_json", "tcp_file", "syslog_tcp_file")


def prepare(scenario: str, work: Path, source: Path, output: Path, port: int) -> tuple[list[str], dict[str, str]]:
    """Writes the config into work; returns the command line and its extra environment."""
    work.mkdir(parents=True, exist_ok=True)
    window = "log-iw-size(100000) log-fetch-limit(1000)"
    if scenario in ("file_file", "file_parse_json"):
        src = f'file("{source}" flags(no-parse) follow-freq(1) {window})'
    elif scenario == "tcp_file":
        src = f'network(ip("127.0.0.1") port({port}) transport("tcp") flags(no-parse) max-connections(10) {window})'
    else:
        src = f'network(ip("127.0.0.1") port({port}) transport("tcp") max-connections(10) {window})'
    parser = ""
    if scenario == "file_parse_json":
        pattern = COMBINED.replace("\\", "\\\\").replace('"', '\\"')
        parser = f'parser p_in {{ regexp-parser(patterns("{pattern}") prefix("")); }};'
        pairs = " ".join(f"{f}=${{{f}}}" for f in PARSED_FIELDS)
        template = f"$(format-json message=$MESSAGE {pairs})\\n"
    elif scenario == "syslog_tcp_file":
        template = ("$(format-json timestamp=$ISODATE host=$HOST program=$PROGRAM pid=$PID facility=$FACILITY "
                    "severity=$LEVEL message=$MESSAGE)\\n")
    else:
        template = "$MESSAGE\\n"
    config = f"""@version: 3.38
options {{ stats-level(0); stats-freq(0); use-dns(no); use-fqdn(no); dns-cache(no); chain-hostnames(no);
  keep-hostname(yes); flush-lines(1000); log-fifo-size(100000); mark-freq(0); }};
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
