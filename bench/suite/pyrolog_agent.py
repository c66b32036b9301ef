"""Pyrolog's configurations for the suite's scenarios (generated per run; options from docs/reference/)."""

from __future__ import annotations

from pathlib import Path

NAME = "pyrolog"

CHANNELS = {
    # The memory channel: a batch is acknowledged to the source once the sink has written it.
    "memory": "{type: memory, max_bytes: 32MiB}",
    # The durable channel in the path, as configured by default: group commit every 100 ms, frames not
    # compressed (lz4 took a fifth of the CPU of the parse scenario, for disk traffic this disk has to spare).
    "disk": "{type: disk, sync: interval}",
}


def can(scenario: str) -> bool:
    return True


def config(scenario: str, channel: str, work: Path, source: Path, output: Path, port: int,
           kafka: tuple[str, str] | None = None) -> str:
    if scenario in ("file_file", "file_parse_json", "file_parse_kafka"):
        src = f"""  in:
    type: tail
    include: [{source}]
    commit_interval: 50ms
"""
    elif scenario == "tcp_file":
        src = f"""  in:
    type: tcp
    address: 127.0.0.1:{port}
"""
    else:
        # syslog_tcp_file and syslog_tcp_multi_file: the same source; its defaults take up to 1,024 connections,
        # each read on a strand of its own by the worker threads (one per core).
        src = f"""  in:
    type: syslog
    listen: [tcp://127.0.0.1:{port}]
    framing: newline
    timezone: UTC
"""
    transforms = ""
    upstream = "in"
    if scenario in ("file_parse_json", "file_parse_kafka"):
        transforms = """transforms:
  parse:
    type: grok
    inputs: [in]
    match: ['%{COMBINEDAPACHELOG}']
"""
        upstream = "parse"
    if scenario == "file_parse_kafka":
        assert kafka is not None
        sink = f"""  out:
    type: kafka
    inputs: [{upstream}]
    brokers: {kafka[0]}
    topic: {kafka[1]}
    encoding: json
    channel: {CHANNELS[channel]}
"""
    else:
        encoding = "json" if scenario in ("file_parse_json", "syslog_tcp_file", "syslog_tcp_multi_file") else "raw"
        # syslog: the fields the peers write (timestamp, host, program, pid, facility, severity, message), not
        # the raw line, the sender's address, the format and the numeric codes besides. Parsing: the raw line
        # and the parsed fields, as the peers write them, not the file's path and offset (`file`), which the
        # tail source adds and the peers do not write (about 90 bytes a line).
        except_fields = ""
        if scenario.startswith("syslog"):
            except_fields = ("\n    except_fields: [message, syslog.peer, syslog.format, syslog.timestamp, "
                             "syslog.facility_code, syslog.severity_code]")
        elif scenario == "file_parse_json":
            except_fields = "\n    except_fields: [file]"
        sink = f"""  out:
    type: file
    inputs: [{upstream}]
    path: {output}
    encoding: {encoding}{except_fields}
    roll_bytes: 0
    roll_interval: 0s
    channel: {CHANNELS[channel]}
"""
    return f"data_dir: {work}/state\nsources:\n{src}{transforms}sinks:\n{sink}"
