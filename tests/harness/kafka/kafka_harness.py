"""A real Apache Kafka broker (KRaft, from Maven Central jars) for Pyrolog's tests and demos.

Standard library only. The command-line front end is the script ``kafka`` next to this file; pytest
fixtures are in ``conftest_kafka.py``. See docs/testing.md, section "Kafka test broker".

Layout of a cluster directory (``workdir``)::

    cluster.json              version, cluster id, ports (read by `kafka stop/status/...`)
    node-N/server.properties  broker+controller configuration of node N
    node-N/log4j*.properties  logging configuration (reload4j for 3.x, log4j2 for 4.x)
    node-N/data/              KRaft metadata and topic data
    node-N/logs/server.log    the broker's log
    node-N/stdout.log         the JVM's stdout and stderr
    node-N/kafka.pid          pid of the running JVM
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HARNESS_DIR = Path(__file__).resolve().parent
VERSIONS_DIR = HARNESS_DIR / "versions"

MAIN_VERSION = "3.9.2"
"""Pyrolog's main test broker: the newest Kafka 3.9 patch release on Maven Central."""
COMPAT_VERSION = "4.3.1"
"""Newest 4.x with both kafka_2.13 and kafka-tools on Maven Central; for compatibility checks."""

DEFAULT_BASE_PORT = 19092
CONTROLLER_PORT_OFFSET = 100
HOST = "127.0.0.1"
DEFAULT_START_TIMEOUT = 120.0
DEFAULT_STOP_TIMEOUT = 30.0

BROKER_MAIN_CLASS = "kafka.Kafka"
STORAGE_TOOL_CLASS = "kafka.tools.StorageTool"
TOPIC_COMMAND_CLASS = "org.apache.kafka.tools.TopicCommand"

# Small heap, one cheap GC thread and the C1 compiler only: a 2-core machine shared with builds.
DEFAULT_BROKER_JVM_OPTS = (
    "-Xms128m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)
TOOL_JVM_OPTS = ("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true")


class KafkaHarnessError(RuntimeError):
    """Anything that went wrong while fetching, starting, stopping or talking to the broker."""


# --------------------------------------------------------------------------------------------
# Versions and the jar cache
# --------------------------------------------------------------------------------------------


def available_versions() -> list[str]:
    """Kafka versions that have a pom under versions/."""
    return sorted(p.parent.name for p in VERSIONS_DIR.glob("*/pom.xml"))


def major_version(version: str) -> int:
    return int(version.split(".", 1)[0])


def cache_root() -> Path:
    """``$PYROLOG_CACHE_DIR`` or ``${XDG_CACHE_HOME:-~/.cache}/pyrolog``."""
    env = os.environ.get("PYROLOG_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "pyrolog"


def version_cache_dir(version: str) -> Path:
    return cache_root() / "kafka" / version


def lib_dir(version: str) -> Path:
    return version_cache_dir(version) / "lib"


def _pom_path(version: str) -> Path:
    pom = VERSIONS_DIR / version / "pom.xml"
    if not pom.is_file():
        raise KafkaHarnessError(
            f"no pom for Kafka {version} (have: {', '.join(available_versions())}); "
            f"add {pom.relative_to(HARNESS_DIR)} to pin another version"
        )
    return pom


def _pom_digest(pom: Path) -> str:
    return hashlib.sha256(pom.read_bytes()).hexdigest()


def is_fetched(version: str) -> bool:
    stamp = version_cache_dir(version) / "fetched.sha256"
    try:
        return stamp.read_text().strip() == _pom_digest(_pom_path(version)) and lib_dir(version).is_dir()
    except OSError:
        return False


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def fetch(version: str = MAIN_VERSION, *, quiet: bool = True) -> Path:
    """Download the jars of ``version`` into the cache once; return the lib directory.

    Idempotent and cheap when cached (compares a digest of the pom); safe against concurrent
    callers (file lock), and never leaves a half-filled lib directory behind.
    """
    pom = _pom_path(version)
    if is_fetched(version):
        return lib_dir(version)
    vdir = version_cache_dir(version)
    with _file_lock(vdir / ".lock"):
        if is_fetched(version):
            return lib_dir(version)
        mvn = shutil.which("mvn")
        if mvn is None:
            raise KafkaHarnessError("mvn not found: run scripts/setup (installs Debian's maven)")
        staging = Path(tempfile.mkdtemp(prefix="lib.", dir=vdir))
        cmd = [mvn, "-B", "-f", str(pom), "dependency:copy-dependencies",
               "-DincludeScope=runtime", f"-DoutputDirectory={staging}"]
        if quiet:
            cmd.insert(1, "-q")
        result = subprocess.run(cmd, capture_output=quiet, text=True, check=False)
        if result.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            output = (result.stdout or "") + (result.stderr or "")
            raise KafkaHarnessError(f"mvn failed for Kafka {version}:\n{_tail(output, 30)}")
        target = lib_dir(version)
        shutil.rmtree(target, ignore_errors=True)
        staging.chmod(0o755)
        staging.rename(target)
        (vdir / "fetched.sha256").write_text(_pom_digest(pom) + "\n")
    return lib_dir(version)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _file_tail(path: Path, lines: int = 30) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 64 * 1024))
            return _tail(fh.read().decode("utf-8", "replace"), lines)
    except OSError:
        return f"({path} is missing)"


def java_binary() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise KafkaHarnessError("java not found: run scripts/setup (installs default-jdk-headless)")
    return java


def kcat_binary() -> str:
    kcat = shutil.which("kcat") or shutil.which("kafkacat")
    if kcat is None:
        raise KafkaHarnessError("kcat not found: run scripts/setup (installs Debian's kcat)")
    return kcat


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def find_free_base_port(nodes: int, low: int = 20000, high: int = 30000) -> int:
    """A base port whose broker ports (base..) and controller ports (base+100..) are all free.

    Scans from a random point of a range below Linux's ephemeral ports (32768+), so that parallel
    test sessions rarely pick the same ports and the kernel never hands them to outgoing sockets.
    """
    span = high - low - CONTROLLER_PORT_OFFSET - nodes
    start = random.randrange(span)
    for i in range(span):
        base = low + (start + i) % span
        if all(port_is_free(p) for p in _ports_for(base, nodes)):
            return base
    raise KafkaHarnessError(f"no free ports in {low}..{high}")


def _ports_for(base: int, nodes: int) -> list[int]:
    brokers = [base + i for i in range(nodes)]
    return brokers + [p + CONTROLLER_PORT_OFFSET for p in brokers]


def pid_alive(pid: int) -> bool:
    """True when ``pid`` runs (a zombie does not count; our own zombies are reaped here)."""
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _cmdline(pid: int) -> list[str]:
    """argv of ``pid``. A JVM busy mapping its heap sometimes reads as empty for an instant: retry."""
    for _ in range(20):
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return []
        if raw.strip(b"\0"):
            return raw.decode("utf-8", "replace").split("\0")
        if not pid_alive(pid):
            return []
        time.sleep(0.01)
    return []


def _read_pid_text(pid_file: Path) -> str:
    try:
        return pid_file.read_text().strip()
    except OSError:
        return ""


def broker_pid_in(node_dir: Path) -> int | None:
    """Pid of the broker JVM of ``node_dir`` if it runs: its pid file must name a live
    ``kafka.Kafka`` process started with this directory's server.properties."""
    text = _read_pid_text(node_dir / "kafka.pid")
    if not text.isdigit():
        return None
    pid = int(text)
    cmdline = _cmdline(pid)
    if not pid_alive(pid) or BROKER_MAIN_CLASS not in cmdline or str(node_dir / "server.properties") not in cmdline:
        return None
    return pid


# --------------------------------------------------------------------------------------------
# Node configuration
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    node_id: int
    broker_port: int
    controller_port: int
    dir: Path

    @property
    def address(self) -> str:
        return f"{HOST}:{self.broker_port}"

    @property
    def properties_file(self) -> Path:
        return self.dir / "server.properties"

    @property
    def pid_file(self) -> Path:
        return self.dir / "kafka.pid"

    @property
    def server_log(self) -> Path:
        return self.dir / "logs" / "server.log"

    @property
    def stdout_log(self) -> Path:
        return self.dir / "stdout.log"

    @property
    def data_dir(self) -> Path:
        return self.dir / "data"


def server_properties(node: Node, nodes: Sequence[Node], version: str,
                      extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Combined broker+controller config: static KRaft quorum, fast start, small thread pools."""
    replication = 3 if len(nodes) >= 3 else 1
    min_isr = 2 if replication >= 3 else 1
    voters = ",".join(f"{n.node_id}@{HOST}:{n.controller_port}" for n in nodes)
    props = {
        "process.roles": "broker,controller",
        "node.id": str(node.node_id),
        "controller.quorum.voters": voters,
        "listeners": f"PLAINTEXT://{HOST}:{node.broker_port},CONTROLLER://{HOST}:{node.controller_port}",
        "advertised.listeners": f"PLAINTEXT://{HOST}:{node.broker_port}",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "log.dirs": str(node.data_dir),
        "num.partitions": "1",
        "default.replication.factor": str(replication),
        "min.insync.replicas": str(min_isr),
        "offsets.topic.replication.factor": str(replication),
        "offsets.topic.num.partitions": "10",
        "transaction.state.log.replication.factor": str(replication),
        "transaction.state.log.min.isr": str(min_isr),
        "transaction.state.log.num.partitions": "4",
        "group.initial.rebalance.delay.ms": "0",
        "auto.create.topics.enable": "true",
        "delete.topic.enable": "true",
        # A 2-core machine: few threads, a small cleaner buffer (128 MiB by default).
        "num.network.threads": "2",
        "num.io.threads": "2",
        "background.threads": "2",
        "num.recovery.threads.per.data.dir": "1",
        "num.replica.fetchers": "1",
        "log.cleaner.threads": "1",
        "log.cleaner.dedupe.buffer.size": str(8 * 1024 * 1024),
        # Notice a killed node within seconds rather than tens of seconds.
        "broker.heartbeat.interval.ms": "1000",
        "broker.session.timeout.ms": "6000",
        "replica.lag.time.max.ms": "10000",
        "controlled.shutdown.enable": "true",
    }
    if major_version(version) >= 4:
        props["share.coordinator.state.topic.replication.factor"] = str(replication)
        props["share.coordinator.state.topic.min.isr"] = str(min_isr)
    props.update(extra or {})
    return props


def _write_properties(path: Path, props: Mapping[str, str]) -> None:
    path.write_text("".join(f"{k}={v}\n" for k, v in props.items()))


def _logging_config(version: str, log_file: Path | None, level: str) -> tuple[str, str]:
    """(file name, contents) of a logging config: to ``log_file``, or to stderr when None."""
    if major_version(version) >= 4:
        if log_file is None:
            appender = ("appender.out.type = Console\nappender.out.name = OUT\n"
                        "appender.out.target = SYSTEM_ERR\n")
        else:
            appender = (f"appender.out.type = File\nappender.out.name = OUT\n"
                        f"appender.out.fileName = {log_file}\n")
        text = (
            "status = warn\nshutdownHook = disable\n" + appender
            + "appender.out.layout.type = PatternLayout\n"
            + "appender.out.layout.pattern = [%d] %p %m (%c)%n\n"
            + f"rootLogger.level = {level}\nrootLogger.appenderRef.out.ref = OUT\n"
            + "logger.request.name = kafka.request.logger\nlogger.request.level = warn\n"
        )
        return "log4j2.properties", text
    if log_file is None:
        appender = "log4j.appender.out=org.apache.log4j.ConsoleAppender\nlog4j.appender.out.Target=System.err\n"
    else:
        appender = f"log4j.appender.out=org.apache.log4j.FileAppender\nlog4j.appender.out.File={log_file}\n"
    text = (
        f"log4j.rootLogger={level.upper()}, out\n" + appender
        + "log4j.appender.out.layout=org.apache.log4j.PatternLayout\n"
        + "log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n\n"
        + "log4j.logger.kafka.request.logger=WARN\n"
    )
    return "log4j.properties", text


def _logging_jvm_opt(version: str, config: Path) -> str:
    if major_version(version) >= 4:
        return f"-Dlog4j2.configurationFile={config}"
    return f"-Dlog4j.configuration=file:{config}"


# --------------------------------------------------------------------------------------------
# Running Kafka's Java tools
# --------------------------------------------------------------------------------------------


def run_tool(version: str, main_class: str, args: Sequence[str], *, timeout: float = 120.0,
             check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run one of Kafka's command-line classes (StorageTool, TopicCommand, ...) from the cache."""
    lib = fetch(version)
    with tempfile.TemporaryDirectory(prefix="pyrolog-kafka-tool.") as tmp:
        name, text = _logging_config(version, None, "warn")
        config = Path(tmp) / name
        config.write_text(text)
        cmd = [java_binary(), *TOOL_JVM_OPTS, _logging_jvm_opt(version, config),
               "-cp", f"{lib}/*", main_class, *args]
        try:
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise KafkaHarnessError(f"{main_class} {' '.join(args)} timed out after {timeout:.0f} s") from exc
    if check and result.returncode != 0:
        raise KafkaHarnessError(
            f"{main_class} {' '.join(args)} exited with {result.returncode}:\n"
            f"{_tail(result.stdout + result.stderr, 30)}"
        )
    return result


# --------------------------------------------------------------------------------------------
# kcat
# --------------------------------------------------------------------------------------------


def kcat_metadata(bootstrap: str, topic: str | None = None, timeout: float = 5.0,
                  extra: Sequence[str] = ()) -> dict[str, Any] | None:
    """Metadata as kcat's JSON (``kcat -L -J``), or None when no broker answered."""
    cmd = [kcat_binary(), "-L", "-J", "-b", bootstrap, "-m", str(max(1, int(timeout))), *extra]
    if topic:
        cmd += ["-t", topic]
    try:
        result = subprocess.run(cmd, capture_output=True, timeout=timeout + 10, check=False)
    except subprocess.TimeoutExpired:
        return None
    if result.returncode != 0:
        return None
    try:
        meta = json.loads(result.stdout)
    except json.JSONDecodeError:
        return None
    return meta if isinstance(meta, dict) else None


def _decode_length_prefixed(data: bytes) -> list[bytes]:
    """Split kcat ``-f '%R%s'`` output: 4-byte big-endian length, then the payload."""
    out: list[bytes] = []
    pos = 0
    while pos + 4 <= len(data):
        (length,) = struct.unpack_from(">i", data, pos)
        pos += 4
        if length < 0:
            out.append(b"")
            continue
        out.append(data[pos:pos + length])
        pos += length
    if pos != len(data):
        raise KafkaHarnessError(f"truncated kcat output ({len(data) - pos} stray bytes)")
    return out


# --------------------------------------------------------------------------------------------
# The cluster
# --------------------------------------------------------------------------------------------


@dataclass
class ClusterState:
    """What `kafka stop/status/restart-node` need to find a running cluster again."""

    version: str
    nodes: int
    base_port: int
    cluster_id: str
    workdir: str
    broker_jvm_opts: list[str] = field(default_factory=lambda: list(DEFAULT_BROKER_JVM_OPTS))
    extra_config: dict[str, str] = field(default_factory=dict)


class KafkaCluster:
    """One to three combined broker+controller KRaft nodes on 127.0.0.1.

    >>> with KafkaCluster(nodes=1) as kafka:            # doctest: +SKIP
    ...     kafka.create_topic("logs", partitions=3)
    ...     kafka.produce("logs", [b"a", b"b"])
    ...     assert sorted(kafka.consume_all("logs", expected=2)) == [b"a", b"b"]
    """

    STATE_FILE = "cluster.json"

    def __init__(self, version: str = MAIN_VERSION, nodes: int = 1, base_port: int | None = None,
                 workdir: str | os.PathLike[str] | None = None, *,
                 broker_jvm_opts: Sequence[str] | None = None,
                 extra_config: Mapping[str, str] | None = None,
                 start_timeout: float = DEFAULT_START_TIMEOUT) -> None:
        if nodes not in (1, 2, 3):
            raise KafkaHarnessError(f"nodes must be 1..3, not {nodes}")
        _pom_path(version)
        self.version = version
        self.node_count = nodes
        self.base_port = base_port if base_port is not None else find_free_base_port(nodes)
        self._own_workdir = workdir is None
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="pyrolog-kafka."))
        self.broker_jvm_opts = list(broker_jvm_opts or _env_jvm_opts() or DEFAULT_BROKER_JVM_OPTS)
        self.extra_config = dict(extra_config or {})
        self.start_timeout = start_timeout
        self.cluster_id = ""
        self._procs: dict[int, subprocess.Popen[bytes]] = {}
        self.startup_seconds: float | None = None

    # ---- persistence (for the command-line script) ----

    @classmethod
    def load(cls, workdir: str | os.PathLike[str]) -> KafkaCluster:
        path = Path(workdir) / cls.STATE_FILE
        try:
            state = ClusterState(**json.loads(path.read_text()))
        except FileNotFoundError:
            raise KafkaHarnessError(f"no cluster in {workdir} ({path} missing); start one first") from None
        cluster = cls(state.version, state.nodes, state.base_port, state.workdir,
                      broker_jvm_opts=state.broker_jvm_opts, extra_config=state.extra_config)
        cluster.cluster_id = state.cluster_id
        cluster._own_workdir = False
        return cluster

    def _save(self) -> None:
        state = ClusterState(self.version, self.node_count, self.base_port, self.cluster_id,
                             str(self.workdir), self.broker_jvm_opts, self.extra_config)
        (self.workdir / self.STATE_FILE).write_text(json.dumps(asdict(state), indent=2) + "\n")

    # ---- topology ----

    @property
    def nodes(self) -> list[Node]:
        return [Node(i, self.base_port + i - 1, self.base_port + CONTROLLER_PORT_OFFSET + i - 1,
                     self.workdir / f"node-{i}") for i in range(1, self.node_count + 1)]

    def node(self, node_id: int) -> Node:
        for n in self.nodes:
            if n.node_id == node_id:
                return n
        raise KafkaHarnessError(f"no node {node_id} (nodes are 1..{self.node_count})")

    @property
    def bootstrap(self) -> str:
        """Bootstrap servers of all nodes, e.g. ``127.0.0.1:19092,127.0.0.1:19093``."""
        return ",".join(n.address for n in self.nodes)

    def live_bootstrap(self) -> str:
        """Bootstrap servers of the nodes whose JVM runs."""
        return ",".join(n.address for n in self.nodes if self.node_pid(n.node_id)) or self.bootstrap

    # ---- lifecycle ----

    def start(self, *, fresh: bool = True) -> str:
        """Fetch jars, format storage (unless reusing it), start every node, wait until all answer.

        Returns the bootstrap servers. ``fresh=False`` keeps existing data if it was formatted.
        """
        began = time.monotonic()
        fetch(self.version)
        running = sorted(d.name for d in self.workdir.glob("node-*") if broker_pid_in(d))
        if running:
            raise KafkaHarnessError(f"{', '.join(running)} of a cluster in {self.workdir} still run; "
                                    "stop it first")
        self._check_ports_free()
        if fresh or not self._is_formatted():
            self._prepare_fresh()
        try:
            for n in self.nodes:
                self._launch(n)
            deadline = began + self.start_timeout
            for n in self.nodes:
                self._wait_ready(n, deadline, expect_brokers=self.node_count)
        except BaseException:
            self.stop(sig=signal.SIGKILL)  # leave no half-started cluster behind
            raise
        self.startup_seconds = time.monotonic() - began
        return self.bootstrap

    def stop(self, node: int | None = None, sig: signal.Signals = signal.SIGTERM,
             timeout: float = DEFAULT_STOP_TIMEOUT) -> None:
        """Stop one node or all (all at once, so no node waits for a controller that is gone).

        SIGTERM is a clean shutdown; after ``timeout`` seconds the JVM gets SIGKILL.
        """
        targets = [self.node(node)] if node is not None else self.nodes
        pids = {n.node_id: pid for n in targets if (pid := self.node_pid(n.node_id))}
        for pid in pids.values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        self._wait_exit(pids, timeout)
        for node_id in pids:
            self.node(node_id).pid_file.unlink(missing_ok=True)
            self._procs.pop(node_id, None)

    def kill_node(self, node: int) -> None:
        """SIGKILL one node: a crash, no controlled shutdown."""
        self.stop(node, signal.SIGKILL)

    def restart_node(self, node: int, sig: signal.Signals = signal.SIGTERM) -> None:
        """Stop (if running) and start one node on its existing data; wait until it answers."""
        n = self.node(node)
        if self.node_pid(node):
            self.stop(node, sig)
        self._launch(n)
        self._wait_ready(n, time.monotonic() + self.start_timeout, expect_brokers=1)

    def cleanup(self) -> None:
        """Stop everything; remove the working directory if this object created it."""
        self.stop(sig=signal.SIGTERM)
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> KafkaCluster:
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    def node_pid(self, node_id: int) -> int | None:
        """Pid of the node's JVM if it runs (checked against /proc, not just the pid file)."""
        n = self.node(node_id)
        proc = self._procs.get(node_id)
        if proc is not None and str(proc.pid) == _read_pid_text(n.pid_file):
            return proc.pid if proc.poll() is None else None
        return broker_pid_in(n.dir)

    def status(self) -> list[dict[str, object]]:
        """Per node: id, pid, ports, whether it runs and whether it answers a metadata request."""
        rows: list[dict[str, object]] = []
        for n in self.nodes:
            pid = self.node_pid(n.node_id)
            answers = bool(pid) and kcat_metadata(n.address, timeout=3) is not None
            rows.append({"node": n.node_id, "pid": pid, "broker": n.address,
                         "controller": f"{HOST}:{n.controller_port}",
                         "running": bool(pid), "answers": answers, "dir": str(n.dir)})
        return rows

    # ---- topics and data ----

    def create_topic(self, name: str, partitions: int = 1, replication: int | None = None,
                     config: Mapping[str, str] | None = None, wait: float = 30.0) -> None:
        """Create a topic with Kafka's TopicCommand and wait until every partition has a leader."""
        replication = replication or min(self.node_count, 3)
        args = ["--bootstrap-server", self.live_bootstrap(), "--create", "--if-not-exists",
                "--topic", name, "--partitions", str(partitions),
                "--replication-factor", str(replication)]
        for key, value in (config or {}).items():
            args += ["--config", f"{key}={value}"]
        run_tool(self.version, TOPIC_COMMAND_CLASS, args)
        self.wait_topic_ready(name, partitions, wait)

    def wait_topic_ready(self, name: str, partitions: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            meta = kcat_metadata(self.live_bootstrap(), topic=name, timeout=3)
            if meta and _topic_has_leaders(meta, name, partitions):
                return
            if time.monotonic() > deadline:
                raise KafkaHarnessError(f"topic {name}: not all {partitions} partitions got a leader "
                                        f"within {timeout:.0f} s; metadata: {meta}")
            time.sleep(0.2)

    def produce(self, topic: str, messages: Iterable[bytes | str], *,
                kcat_options: Sequence[str] = ("-X", "enable.idempotence=true", "-X", "acks=all"),
                timeout: float = 60.0) -> None:
        """Produce newline-free messages with ``kcat -P``; raise if any message was not delivered."""
        payload = bytearray()
        for m in messages:
            data = m.encode() if isinstance(m, str) else m
            if b"\n" in data:
                raise KafkaHarnessError("produce(): messages must not contain newlines")
            payload += data + b"\n"
        cmd = [kcat_binary(), "-P", "-b", self.live_bootstrap(), "-t", topic, *kcat_options]
        result = subprocess.run(cmd, input=bytes(payload), capture_output=True, timeout=timeout, check=False)
        err = result.stderr.decode("utf-8", "replace")
        # kcat exits 1 when any delivery failed; transient broker errors are only logged.
        if result.returncode != 0 or "Delivery failed" in err or "FATAL" in err:
            raise KafkaHarnessError(f"kcat produce to {topic} failed (exit {result.returncode}):\n{_tail(err, 20)}")

    def consume_all(self, topic: str, *, expected: int | None = None, timeout: float = 60.0,
                    kcat_options: Sequence[str] = ()) -> list[bytes]:
        """All messages of ``topic`` from the beginning, read with ``kcat -C -e``.

        With ``expected``, read again until at least that many arrived or ``timeout`` passes.
        Order is per partition; compare as a multiset across partitions.
        """
        deadline = time.monotonic() + timeout
        while True:
            remaining = max(1.0, deadline - time.monotonic())
            cmd = [kcat_binary(), "-C", "-b", self.live_bootstrap(), "-t", topic, "-o", "beginning",
                   "-e", "-q", "-m", "5", "-f", "%R%s", *kcat_options]
            try:
                result = subprocess.run(cmd, capture_output=True, timeout=remaining, check=False)
                messages = _decode_length_prefixed(result.stdout) if result.returncode == 0 else None
                error = result.stderr.decode("utf-8", "replace")
            except subprocess.TimeoutExpired:
                messages, error = None, "kcat timed out"
            if messages is not None and (expected is None or len(messages) >= expected):
                return messages
            if time.monotonic() >= deadline:
                got = "error" if messages is None else f"{len(messages)} messages"
                raise KafkaHarnessError(f"consume {topic}: {got} (expected {expected}) after "
                                        f"{timeout:.0f} s:\n{_tail(error, 20)}")
            time.sleep(0.5)

    # ---- internals ----

    def _check_ports_free(self) -> None:
        busy = [p for p in _ports_for(self.base_port, self.node_count) if not port_is_free(p)]
        if busy:
            raise KafkaHarnessError(f"ports in use on {HOST}: {busy}; choose another --base-port")

    def _is_formatted(self) -> bool:
        return all((n.data_dir / "meta.properties").is_file() for n in self.nodes)

    def _prepare_fresh(self) -> None:
        for old_node_dir in self.workdir.glob("node-*"):  # also those of an earlier, larger cluster
            shutil.rmtree(old_node_dir, ignore_errors=True)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.cluster_id = run_tool(self.version, STORAGE_TOOL_CLASS, ["random-uuid"]).stdout.strip()
        for n in self.nodes:
            self._write_node_config(n)
        self._format_all()
        self._save()

    def _write_node_config(self, n: Node) -> None:
        (n.dir / "logs").mkdir(parents=True, exist_ok=True)
        _write_properties(n.properties_file,
                          server_properties(n, self.nodes, self.version, self.extra_config))
        name, text = _logging_config(self.version, n.server_log, "info")
        (n.dir / name).write_text(text)

    def _format_all(self) -> None:
        """Format every node's storage with the one cluster id; the formats run in parallel."""
        lib = fetch(self.version)
        name, text = _logging_config(self.version, None, "warn")
        procs = []
        for n in self.nodes:
            tool_log_cfg = n.dir / f"tools-{name}"
            tool_log_cfg.write_text(text)
            cmd = [java_binary(), *TOOL_JVM_OPTS, _logging_jvm_opt(self.version, tool_log_cfg),
                   "-cp", f"{lib}/*", STORAGE_TOOL_CLASS, "format",
                   "-t", self.cluster_id, "-c", str(n.properties_file)]
            procs.append((n, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)))
        for n, proc in procs:
            out, _ = proc.communicate(timeout=120)
            if proc.returncode != 0:
                raise KafkaHarnessError(f"formatting node {n.node_id} failed:\n"
                                        f"{_tail(out.decode('utf-8', 'replace'), 30)}")

    def _launch(self, n: Node) -> None:
        lib = fetch(self.version)
        log_cfg = n.dir / _logging_config(self.version, n.server_log, "info")[0]
        cmd = [java_binary(), *self.broker_jvm_opts, _logging_jvm_opt(self.version, log_cfg),
               f"-Dkafka.logs.dir={n.dir / 'logs'}", "-cp", f"{lib}/*",
               BROKER_MAIN_CLASS, str(n.properties_file)]
        with open(n.stdout_log, "ab") as out:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    cwd=n.dir, start_new_session=True)
        n.pid_file.write_text(f"{proc.pid}\n")
        self._procs[n.node_id] = proc

    def _wait_ready(self, n: Node, deadline: float, expect_brokers: int) -> None:
        """Until the node answers a metadata request listing itself and ``expect_brokers`` brokers."""
        while True:
            pid = self.node_pid(n.node_id)
            if pid is None:
                raise KafkaHarnessError(f"node {n.node_id} exited during start-up ({self._exit_status(n)}).\n"
                                        + self._failure_report(n))
            meta = kcat_metadata(n.address, timeout=2)
            if meta is not None:
                ids = {b.get("id") for b in meta.get("brokers", [])}
                if n.node_id in ids and len(ids) >= expect_brokers:
                    return
            if time.monotonic() > deadline:
                raise KafkaHarnessError(f"node {n.node_id} did not answer on {n.address} within the "
                                        f"deadline ({self.start_timeout:.0f} s).\n" + self._failure_report(n))
            time.sleep(0.25)

    def _exit_status(self, n: Node) -> str:
        proc = self._procs.get(n.node_id)
        code = proc.poll() if proc is not None else None
        if code is None:
            try:
                pid = n.pid_file.read_text().strip()
            except OSError:
                return "no pid file"
            return f"pid {pid}, cmdline {_cmdline(int(pid))[-2:]}" if pid.isdigit() else "bad pid file"
        return f"killed by signal {-code}" if code < 0 else f"exit status {code}"

    def _failure_report(self, n: Node) -> str:
        return (f"--- last lines of {n.server_log} ---\n{_file_tail(n.server_log)}\n"
                f"--- last lines of {n.stdout_log} ---\n{_file_tail(n.stdout_log, 20)}")

    def _wait_exit(self, pids: Mapping[int, int], timeout: float) -> None:
        """Wait for the JVMs to exit; SIGKILL what still runs after ``timeout`` seconds."""
        pending = dict(pids)
        killed = False
        deadline = time.monotonic() + timeout
        while pending:
            for node_id, pid in list(pending.items()):
                proc = self._procs.get(node_id)
                if (proc is not None and proc.poll() is not None) or not pid_alive(pid):
                    del pending[node_id]
            if not pending:
                return
            if time.monotonic() > deadline:
                if killed:
                    raise KafkaHarnessError(f"nodes {sorted(pending)} survived SIGKILL (pids {pending})")
                for pid in pending.values():
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                killed = True
                deadline = time.monotonic() + 10
            time.sleep(0.1)


def _topic_has_leaders(meta: dict[str, Any], name: str, partitions: int) -> bool:
    for t in meta.get("topics", []):
        if t.get("topic") == name and not t.get("error"):
            parts = t.get("partitions", [])
            return len(parts) >= partitions and all(p.get("leader", -1) >= 0 and not p.get("error")
                                                    for p in parts)
    return False


def _env_jvm_opts() -> list[str]:
    """``PYROLOG_KAFKA_JVM_OPTS`` (space-separated) replaces the default broker JVM options."""
    return os.environ.get("PYROLOG_KAFKA_JVM_OPTS", "").split()
