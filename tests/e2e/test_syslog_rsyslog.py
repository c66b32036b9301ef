"""The real rsyslog from Debian (unpacked privately by tests/harness/rsyslog, never installed as the system's
logger) reads 100,000 lines with imfile and forwards them with omfwd to the syslog source: over TCP with
octet-counted framing, and over TLS with the gtls and the ossl stream drivers against a test CA made with the
openssl CLI. Every message must arrive, once, in order, with its fields parsed."""

import json
import socket
import sys
from pathlib import Path

import pytest

from agent_process import count_lines, wait_until
from test_syslog import make_test_ca

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "harness" / "rsyslog"))
from rsyslog_harness import Rsyslog  # noqa: E402

MESSAGES = 100_000

AGENT_CONFIG = """
data_dir: {dir}/state
sources:
  sys:
    type: syslog
    listen: [{scheme}://127.0.0.1:0]
    framing: octet_counting
    timezone: UTC
{tls}
sinks:
  out:
    type: file
    inputs: [sys]
    path: {dir}/out/events.json
    encoding: json
"""

AGENT_TLS = """    tls:
      cert_file: {dir}/server.pem
      key_file: {dir}/server.key
"""

# imfile reads the whole file from its start. Order holds per connection only, and rsyslog gives each queue
# worker an omfwd connection of its own (a second worker starts when the queue grows, as it does over TLS):
# one worker, so one connection. RSYSLOG_SyslogProtocol23Format is RFC 5424:
# `<PRI>1 TIMESTAMP HOST TAG PROCID MSGID SD MSG`.
RSYSLOG_CONFIG = """
main_queue(queue.workerThreads="1")
module(load="imfile")
input(type="imfile" file="{workdir}/input.log" tag="rsys-test" facility="local4" severity="notice"
      ruleset="forward")
ruleset(name="forward") {{
  action(type="omfwd" target="127.0.0.1" port="{port}" protocol="tcp" TCP_Framing="octet-counted"
         template="RSYSLOG_SyslogProtocol23Format" action.resumeRetryCount="-1" action.resumeInterval="1"
         {stream})
}}
"""

# The server certificate's CN is `server` (tests/e2e/test_syslog.py make_test_ca): x509/name checks the chain
# against our CA and the name against the permitted peer.
RSYSLOG_TLS = ('streamDriver="{driver}" streamDriverMode="1" streamDriverAuthMode="x509/name" '
               'streamDriverPermittedPeers="server"')
RSYSLOG_TLS_GLOBAL = 'global(defaultNetstreamDriverCAFile="{ca}")\n'


def message(i: int) -> str:
    return f"line {i:06d} from rsyslog imfile [not sd] x=\"{i}\""


def port_of(agent, scheme: str) -> int:
    import re
    found: list[int] = []

    def seen() -> bool:
        found[:] = [int(p) for p in re.findall(rf"\[sys\] listening on {scheme}://127\.0\.0\.1:(\d+)", agent.log())]
        return bool(found)

    wait_until(seen, 10, f"the {scheme} listener")
    return found[-1]


@pytest.mark.parametrize("transport", ["tcp", "gtls", "ossl"])
def test_rsyslog_forwards_100k_messages(agents, tmp_path, transport):
    tls = transport != "tcp"
    if tls:
        make_test_ca(tmp_path)
    scheme = "tls" if tls else "tcp"
    agent = agents(AGENT_CONFIG.format(dir=tmp_path, scheme=scheme,
                                       tls=AGENT_TLS.format(dir=tmp_path) if tls else ""))
    port = port_of(agent, scheme)
    out = tmp_path / "out" / "events.json"

    rdir = tmp_path / "rsyslog"
    rdir.mkdir()
    (rdir / "input.log").write_text("".join(message(i) + "\n" for i in range(MESSAGES)))
    config = RSYSLOG_CONFIG.replace("{port}", str(port)).replace(
        "{stream}", RSYSLOG_TLS.format(driver=transport) if tls else "")
    if tls:
        config = RSYSLOG_TLS_GLOBAL.format(ca=tmp_path / "ca.pem") + config
    with Rsyslog(rdir, config) as rsyslog:
        try:
            wait_until(lambda: count_lines(out) >= MESSAGES or not rsyslog.running(), 120,
                       f"{MESSAGES} messages from rsyslog over {transport}")
        except AssertionError:
            raise AssertionError(f"{count_lines(out)} arrived\nrsyslog:\n{rsyslog.log()}\nagent:\n{agent.log()}")
        assert rsyslog.running(), rsyslog.log()
        assert rsyslog.stop() == 0, rsyslog.log()
    assert agent.stop() == 0, agent.log()

    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(events) == MESSAGES
    hostname = socket.gethostname()
    for i, e in enumerate(events):
        s = e["syslog"]
        assert s["message"] == message(i), (i, e)
        assert s["format"] == "rfc5424"
        assert (s["facility"], s["severity"]) == ("local4", "notice")
        assert s["appname"] == "rsys-test"
        assert s["hostname"] in (hostname, hostname.split(".")[0])
        assert s["peer"] == "127.0.0.1"
        assert "tags" not in e, e
