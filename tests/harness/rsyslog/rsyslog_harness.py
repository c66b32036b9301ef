"""A private rsyslogd for tests and benchmarks (see docs/testing.md "rsyslog" and the `rsyslog` script here).

    from rsyslog_harness import Rsyslog
    with Rsyslog(workdir, config_text) as r:   # config_text may use {workdir}; started, its log in workdir
        ...
        r.stop()                              # SIGTERM: rsyslog flushes its queues first

The config must not read /etc/rsyslog.conf or bind /dev/log: `Rsyslog` prepends `global(workDirectory=...)`
and a default-ruleset action that writes rsyslog's own messages to `workdir/rsyslog-internal.log`; load no
imuxsock.
"""

from __future__ import annotations

import re
import signal
import subprocess
from functools import lru_cache
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "rsyslog"


@lru_cache(maxsize=1)
def rsyslog_env() -> dict[str, str]:
    """{"RSYSLOGD": path, "RSYSLOG_MODDIR": path}; fetches and unpacks rsyslog the first time."""
    out = subprocess.run([str(SCRIPT), "env"], check=True, capture_output=True, text=True, timeout=600).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


PREAMBLE = """
global(workDirectory="{workdir}/work" maxMessageSize="64k")
# rsyslog's own messages (errors, resumptions), for the test's failure output.
syslog.* action(type="omfile" file="{workdir}/rsyslog-internal.log")
"""


class Rsyslog:
    """One rsyslogd -n with its own config, pid file, work directory and module directory."""

    def __init__(self, workdir: Path, config_text: str):
        self.workdir = Path(workdir)
        (self.workdir / "work").mkdir(parents=True, exist_ok=True)
        self.config = self.workdir / "rsyslog.conf"
        self.config.write_text(PREAMBLE.format(workdir=self.workdir) + config_text.format(workdir=self.workdir))
        self.log_path = self.workdir / "rsyslogd.out"
        self.proc: subprocess.Popen | None = None

    def check(self) -> None:
        """rsyslogd -N1: raises with rsyslog's message when the config is wrong."""
        if re.search(r"imuxsock|imklog|imjournal|\$IncludeConfig|/etc/rsyslog", self.config.read_text(), re.I):
            raise AssertionError("the config loads a system input or includes /etc/rsyslog*")
        env = rsyslog_env()
        r = subprocess.run([env["RSYSLOGD"], "-N1", "-f", str(self.config), "-M", env["RSYSLOG_MODDIR"]],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise AssertionError(f"rsyslog rejects its config:\n{r.stdout}{r.stderr}")

    def start(self) -> "Rsyslog":
        self.check()
        env = rsyslog_env()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [env["RSYSLOGD"], "-n", "-f", str(self.config), "-i", str(self.workdir / "rsyslogd.pid"), "-M",
             env["RSYSLOG_MODDIR"]], stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        log.close()
        return self

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        parts = []
        for p in (self.log_path, self.workdir / "rsyslog-internal.log"):
            if p.exists():
                parts.append(p.read_text(errors="replace"))
        return "".join(parts)

    def stop(self, timeout: float = 30) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def __enter__(self) -> "Rsyslog":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
