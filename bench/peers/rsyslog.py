"""rsyslog as a benchmark peer: a private rsyslogd (the test harness's tests/harness/rsyslog/rsyslog when it
exists, else the one bench/peers/install unpacked) with its own config, pid file and work directory. It never reads
/etc/rsyslog.conf, never listens on /dev/log (no imuxsock) and keeps its own messages to itself
(processInternalMessages: they go to the default ruleset, which has no action).

Fast settings: one ruleset with a FixedArray queue of 250,000 messages dequeued in batches of 8,192 (one worker,
so the order of lines is kept), omfile with a 1 MiB I/O buffer written at the end of each batch, imfile in inotify
mode, imptcp with one thread. Several TCP connections at once (syslog_tcp_multi_file): imptcp helper threads and
queue workers, one per connection up to one per core. Parsing: mmnormalize (liblognorm) with a rulebase for the
combined format.
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

HARNESS = Path(__file__).resolve().parents[2] / "tests" / "harness" / "rsyslog" / "rsyslog"
PEERS = Path(os.environ.get("PYROLOG_PEERS_DIR", Path.home() / ".cache" / "pyrolog" / "peers"))
HOME = PEERS / "rsyslog"
MODULES = HOME / "usr" / "lib" / "x86_64-linux-gnu" / "rsyslog"
NAME = "rsyslog"

# liblognorm v2 rulebase for the combined format, with grok's COMBINEDAPACHELOG field names.
RULEBASE = """version=2
rule=:%clientip:word% %ident:word% %auth:word% [%timestamp:char-to{"extradata":"]"}%] \
"%verb:word% %request:word% HTTP/%httpversion:char-to{"extradata":"\\""}%" %response:number% %bytes:word% \
"%referrer:char-to{"extradata":"\\""}%" "%agent:char-to{"extradata":"\\""}%"
"""

TEMPLATES = {
    # The line as read or received.
    "raw": 'template(name="out" type="string" string="%rawmsg%\\n")',
    # The raw line and every field mmnormalize set (the JSON tree without its opening brace, after "message").
    "parsed": 'template(name="out" type="string" string="{\\"message\\":\\"%rawmsg:::json%\\",%$!all-json-plain:2:$%\\n")',
    # The syslog header fields and the message, as JSON.
    "syslog": """template(name="out" type="list") {
  constant(value="{")
  property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf") constant(value=",")
  property(outname="host" name="hostname" format="jsonf") constant(value=",")
  property(outname="program" name="programname" format="jsonf") constant(value=",")
  property(outname="pid" name="procid" format="jsonf") constant(value=",")
  property(outname="facility" name="syslogfacility-text" format="jsonf") constant(value=",")
  property(outname="severity" name="syslogseverity-text" format="jsonf") constant(value=",")
  property(outname="message" name="msg" droplastlf="on" format="jsonf")
  constant(value="}\\n")
}""",
}


@functools.cache
def _locate() -> tuple[Path, Path]:
    """(rsyslogd, module directory): the test harness's private rsyslog when the harness exists, else the one
    bench/peers/install unpacked."""
    if HARNESS.exists():
        out = subprocess.run([str(HARNESS), "env"], capture_output=True, text=True)
        env = dict(line.split("=", 1) for line in out.stdout.split() if "=" in line)
        if out.returncode == 0 and "RSYSLOGD" in env and "RSYSLOG_MODDIR" in env:
            return Path(env["RSYSLOGD"]), Path(env["RSYSLOG_MODDIR"])
    return HOME / "usr" / "sbin" / "rsyslogd", MODULES


def binary() -> Path:
    return _locate()[0]


def available() -> bool:
    return binary().exists()


def can(scenario: str) -> bool:
    return scenario in ("file_file", "file_parse_json", "tcp_file", "syslog_tcp_file", "syslog_tcp_multi_file")


def prepare(scenario: str, work: Path, source: Path, output: Path, port: int,
            connections: int = 1) -> tuple[list[str], dict[str, str]]:
    """Writes the config into work; returns the command line and its extra environment. connections: how many
    TCP connections the suite sends over at once."""
    state = work / "state"
    state.mkdir(parents=True, exist_ok=True)
    actions = []
    modules = []
    template = {"file_file": "raw", "tcp_file": "raw", "file_parse_json": "parsed", "syslog_tcp_file": "syslog",
                "syslog_tcp_multi_file": "syslog"}
    workers = 1
    if scenario in ("file_file", "file_parse_json"):
        modules.append('module(load="imfile" mode="inotify")')
        inputs = (f'input(type="imfile" file="{source}" tag="bench" ruleset="bench" freshStartTail="off" '
                  'addMetadata="off")')
    else:
        # One connection: one imptcp helper thread and one queue worker (the output keeps the input's order).
        # Several: as many helper threads as connections but no more than cores (imptcp's documentation advises
        # that limit; its default is 2), and as many queue workers, which format and write batches in parallel
        # (lines of different connections have no order to keep; every line came out whole in the checks). Two
        # workers took it from about 255,000 to 420,000 lines/s (500,000 lines, 2 cores); the second helper
        # thread made no measurable difference.
        threads = min(connections, os.cpu_count() or 1)
        workers = threads
        modules.append(f'module(load="imptcp" threads="{threads}")')
        framing = 'supportOctetCountedFraming="off"' if scenario == "tcp_file" else ""
        inputs = f'input(type="imptcp" address="127.0.0.1" port="{port}" ruleset="bench" {framing})'
    if scenario == "file_parse_json":
        modules.append('module(load="mmnormalize")')
        (work / "combined.rb").write_text(RULEBASE)
        actions.append(f'action(type="mmnormalize" rulebase="{work / "combined.rb"}" useRawMsg="on")')
    actions.append(f'action(type="omfile" file="{output}" template="out" ioBufferSize="1m" flushOnTXEnd="on" '
                   'asyncWriting="off")')
    config = "\n".join([
        f'global(workDirectory="{state}" maxMessageSize="64k" processInternalMessages="on")',
        *modules,
        TEMPLATES[template[scenario]],
        'ruleset(name="bench" queue.type="FixedArray" queue.size="250000" queue.dequeueBatchSize="8192" '
        f'queue.workerThreads="{workers}") {{',
        *("  " + a for a in actions),
        "}",
        inputs,
        "",
    ])
    (work / "rsyslog.conf").write_text(config)
    command = [str(binary()), "-n", "-f", str(work / "rsyslog.conf"), "-i", str(work / "rsyslogd.pid"),
               "-M", str(_locate()[1])]
    return command, {}


def parsed_fields(record: dict) -> dict:
    return record
