"""The command line: check, version, help, and the quickstart config."""

import json
import re
import subprocess
from pathlib import Path

from agent_process import binary, count_lines, wait_until

SOURCE_DIR = Path(__file__).resolve().parents[2]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([binary(), *args], capture_output=True, text=True, timeout=30, **kwargs)


def test_check_reports_every_problem_with_position_and_fails(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text(
        "sources:\n"
        "  web:\n"
        "    type: tcp\n"
        "    address: 127.0.0.1:99999\n"
        "sinks:\n"
        "  out:\n"
        "    type: fiel\n"
        "    inputs: [web]\n")
    result = run("check", "--config", str(config))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"{config}:4:14: sources.web.address: expected host:port (or [IPv6]:port), got '127.0.0.1:99999'" in lines
    # The list of known types grows with every sink plugin.
    unknown = f"{config}:7:11: sinks.out.type: unknown sink type 'fiel'; did you mean 'file'? (known: console, file"
    assert any(line.startswith(unknown) for line in lines), lines
    assert lines[-1] == f"{config}: 2 problem(s)"


def test_check_accepts_a_valid_config(tmp_path):
    result = run("check", "--config", str(SOURCE_DIR / "conf" / "quickstart.yaml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK (2 sources, 2 transforms, 2 sinks)" in result.stdout


def test_check_on_a_missing_file_fails_clearly(tmp_path):
    result = run("check", "--config", str(tmp_path / "nope.yaml"))
    assert result.returncode == 1
    assert "cannot read the file: No such file or directory" in result.stdout


def test_version_and_help():
    assert run("version").stdout.startswith("pyrolog ")
    help_text = run("--help").stdout
    for command in ("run", "check", "version"):
        assert f"  {command} " in help_text
    assert "--config FILE" in run("run", "--help").stdout
    assert run("frobnicate").returncode == 64


def test_run_rejects_an_invalid_config_with_exit_2(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("sources: {}\n")
    result = run("run", "--config", str(config))
    assert result.returncode == 2
    assert "the configuration has no sources" in result.stderr


def test_quickstart_config_tails_parses_and_writes_json_lines(tmp_path, agents):
    text = (SOURCE_DIR / "conf" / "quickstart.yaml").read_text()
    agent = agents(text, ["--summary"])
    log = tmp_path / "var" / "quickstart" / "logs" / "access.log"
    out = tmp_path / "var" / "quickstart" / "out" / "access.json"
    wait_until(lambda: count_lines(out) >= 1000, 20, "1000 JSON lines from the quickstart")
    wait_until(lambda: "/s)  out " in agent.log(), 10, "the live summary line")
    assert agent.stop() == 0
    # Rolled files (access.json.<time>, oldest first), then the current one; likewise for the tailed log.
    events = [json.loads(line) for f in [*sorted(out.parent.glob("access.json.*")), out]
              for line in f.read_text().splitlines()]
    raw_lines = [line for f in [*sorted(log.parent.glob("access.log.*")), log] for line in f.read_text().splitlines()]
    assert len(events) >= 1000
    assert len(events) <= len(raw_lines)
    for event, line in zip(events, raw_lines):  # one file, read in order: the n-th event is the n-th line
        assert event["message"] == line
        assert "tags" not in event, event  # every generated line parses
        assert isinstance(event["response"], int) and isinstance(event["bytes"], int)
        assert line.startswith(event["clientip"] + " ")
        assert event["file"]["path"].startswith(str(log))
        day, month, year, clock = re.search(r"\[(\d\d)/(\w{3})/(\d{4}):(\d\d:\d\d:\d\d) \+0000\]", line).groups()
        assert event["timestamp"].startswith(f"{year}-{MONTHS.index(month) + 1:02d}-{day}T{clock}.")  # request time
