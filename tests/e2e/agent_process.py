"""Runs the built pyrolog binary as a child process, for end-to-end tests."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Callable


def binary() -> str:
    path = os.environ.get("PYROLOG_BIN")
    if not path:
        raise RuntimeError("PYROLOG_BIN is not set: run the end-to-end tests through ctest")
    return path


def wait_until(predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.02) -> None:
    """Polls `predicate` until it holds; fails with `what` when `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Agent:
    """One `pyrolog run` process with its config and log in a test directory."""

    def __init__(self, workdir: Path, config_text: str, extra_args: list[str] | None = None,
                 command_prefix: list[str] | None = None):
        self.workdir = workdir
        self.config = workdir / "pyrolog.yaml"
        self.config.write_text(config_text)
        self.log_path = workdir / "agent.log"
        self.extra_args = extra_args or []
        self.command_prefix = command_prefix or []  # e.g. setpriv, to run without some capabilities
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> "Agent":
        """Starts the process (again, after `kill` or `stop`: same config, same data directory, same log file)
        and waits until this start reports `[agent] started`."""
        started_before = self.log().count("[agent] started")
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [*self.command_prefix, binary(), "run", "--config", str(self.config), *self.extra_args],
            cwd=self.workdir, stdout=self._log, stderr=subprocess.STDOUT)
        self.starts += 1
        wait_until(lambda: self.log().count("[agent] started") > started_before or self.proc.poll() is not None, 20,
                   "the agent to start")
        if self.proc.poll() is not None:
            raise AssertionError(f"the agent exited with {self.proc.returncode}:\n{self.log()}")
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def listening_port(self, component: str) -> int:
        pattern = re.compile(rf"\[{re.escape(component)}\] listening on [^\s]+:(\d+)")
        found: list[int] = []

        def seen() -> bool:
            found[:] = [int(m) for m in pattern.findall(self.log())]
            return bool(found)

        wait_until(seen, 10, f"{component} to listen")
        return found[-1]

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM, then the exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            self._log.close()

    def kill(self) -> None:
        """SIGKILL: no chance to save anything."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc and not self._log.closed:
            self._log.close()

    def restart_after_kill(self) -> None:
        """SIGKILL, then start again at once with the same config and data directory."""
        self.kill()
        self.start()

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def open_files(self) -> list[str]:
        """What the process's descriptors point at (from /proc)."""
        assert self.proc is not None
        out = []
        fd_dir = Path(f"/proc/{self.proc.pid}/fd")
        for entry in fd_dir.iterdir():
            try:
                out.append(os.readlink(entry))
            except OSError:
                pass
        return out


def connect(port: int, timeout: float = 10) -> socket.socket:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=30)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def metric_sum(port: int, name: str, **labels: str) -> float:
    """The sum of the series of `name` on the agent's /metrics whose labels include `labels` (0 when none)."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    total = 0.0
    for line in text.splitlines():
        if (line.startswith(name + "{") or line.startswith(name + " ")) and all(
                f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total
