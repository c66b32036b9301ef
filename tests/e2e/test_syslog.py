"""The syslog source through the real binary, with the real util-linux `logger` as the sender: UDP, TCP with
octet counting and with newlines, Unix stream and datagram sockets, RFC 3164 and RFC 5424 with structured
data; every field must arrive. Then hostile input: the agent stays up and keeps serving."""

import json
import os
import random
import re
import socket
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from agent_process import connect, wait_until

CONFIG = """
data_dir: {dir}/state
sources:
  sys:
    type: syslog
    listen: [udp://127.0.0.1:0, tcp://127.0.0.1:0, unix://{dir}/stream.sock, unixgram://{dir}/dgram.sock]
    timezone: UTC
    max_message_bytes: 4KiB
sinks:
  out:
    type: file
    inputs: [sys]
    path: {dir}/out/events.json
    encoding: json
"""

HOSTNAME = socket.gethostname().split(".")[0]


def ports(agent) -> dict[str, int]:
    found: dict[str, int] = {}

    def seen() -> bool:
        for scheme, port in re.findall(r"\[sys\] listening on (udp|tcp)://127\.0\.0\.1:(\d+)", agent.log()):
            found[scheme] = int(port)
        return len(found) == 2

    wait_until(seen, 10, "the syslog listeners")
    return found


def events(path: Path) -> list[dict]:
    if not path.exists():
        return []
    # Only complete lines: the sink may be writing the last one.
    complete = path.read_text(errors="replace").split("\n")[:-1]
    return [json.loads(line) for line in complete if line.strip()]


def wait_for_event(path: Path, predicate, what: str) -> dict:
    found: list[dict] = []

    def seen() -> bool:
        found[:] = [e for e in events(path) if predicate(e)]
        return bool(found)

    wait_until(seen, 15, what)
    return found[0]


def message_is(text: str):
    return lambda e: e.get("syslog", {}).get("message") == text


def logger(*args: str) -> None:
    subprocess.run(["logger", *args], check=True, timeout=10)


def assert_recent(event: dict) -> None:
    t = datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00"))
    assert abs((datetime.now(timezone.utc) - t).total_seconds()) < 120, event["timestamp"]


@pytest.fixture
def syslog_agent(agents, tmp_path):
    agent = agents(CONFIG.format(dir=tmp_path))
    return agent, ports(agent), tmp_path / "out" / "events.json"


def test_logger_udp_rfc3164(syslog_agent):
    agent, port, out = syslog_agent
    logger("--udp", "--server", "127.0.0.1", "--port", str(port["udp"]), "--rfc3164", "-t", "myapp",
           "--id=4242", "-p", "local3.warning", "hello over udp")
    e = wait_for_event(out, message_is("hello over udp"), "the UDP message")
    s = e["syslog"]
    assert s["format"] == "rfc3164"
    assert (s["facility"], s["facility_code"]) == ("local3", 19)
    assert (s["severity"], s["severity_code"]) == ("warning", 4)
    assert s["hostname"] == HOSTNAME
    assert s["appname"] == "myapp"
    assert s["procid"] == "4242"
    assert s["peer"] == "127.0.0.1"
    assert "tags" not in e
    assert_recent(e)


def test_logger_tcp_octet_counted_rfc5424_with_structured_data(syslog_agent):
    agent, port, out = syslog_agent
    logger("--tcp", "--server", "127.0.0.1", "--port", str(port["tcp"]), "--octet-count", "--rfc5424",
           "--msgid", "DEPLOY1", "--sd-id", "app@32473", "--sd-param", 'env="prod"', "--sd-param",
           'note="a \\"quoted\\" \\] value"', "-t", "deploy", "--id=77", "-p", "user.notice", "rolled out")
    e = wait_for_event(out, message_is("rolled out"), "the octet-counted RFC 5424 message")
    s = e["syslog"]
    assert s["format"] == "rfc5424"
    assert s["version"] == 1
    assert (s["facility"], s["severity"]) == ("user", "notice")
    assert s["hostname"] == socket.gethostname() or s["hostname"] == HOSTNAME
    assert s["appname"] == "deploy"
    assert s["procid"] == "77"
    assert s["msgid"] == "DEPLOY1"
    assert s["sd"]["app@32473"]["env"] == "prod"
    assert s["sd"]["app@32473"]["note"] == 'a "quoted" ] value'
    assert s["sd"]["timeQuality"]["tzKnown"] == "1"
    assert s["peer"] == "127.0.0.1"
    assert_recent(e)
    # The raw line is kept as received (without the octet count).
    assert e["message"].startswith("<13>1 ")


def test_logger_tcp_newline_framing(syslog_agent):
    agent, port, out = syslog_agent
    for i in range(3):
        logger("--tcp", "--server", "127.0.0.1", "--port", str(port["tcp"]), "--rfc3164", "-t", "nl",
               f"newline framed {i}")
    for i in range(3):
        e = wait_for_event(out, message_is(f"newline framed {i}"), f"newline message {i}")
        assert e["syslog"]["appname"] == "nl"
        assert e["syslog"]["hostname"] == HOSTNAME


@pytest.mark.parametrize("sock", ["stream.sock", "dgram.sock"])
def test_logger_unix_sockets(syslog_agent, sock):
    agent, port, out = syslog_agent
    path = out.parent.parent / sock
    logger("--socket", str(path), "--socket-errors=on", "-t", "local-app", "--id=99", "-p", "daemon.err",
           f"via {sock}")
    e = wait_for_event(out, message_is(f"via {sock}"), f"the message over {sock}")
    s = e["syslog"]
    assert (s["facility"], s["severity"]) == ("daemon", "err")
    assert s["appname"] == "local-app"
    assert s["procid"] == "99"
    assert "hostname" not in s  # local senders leave it out
    assert "peer" not in s
    assert_recent(e)


def test_hostile_input_is_counted_and_the_agent_keeps_serving(syslog_agent):
    agent, port, out = syslog_agent
    rng = random.Random(7)
    # Random bytes over UDP and TCP.
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(50):
        udp.sendto(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 2000))), ("127.0.0.1", port["udp"]))
    junk = connect(port["tcp"])
    junk.sendall(bytes(rng.getrandbits(8) for _ in range(200_000)))
    junk.close()
    # A length prefix of 2^31: that connection's frame is skipped, never buffered.
    huge = connect(port["tcp"])
    huge.sendall(b"2147483648 " + os.urandom(1 << 20))
    # A frame split into 1-byte writes.
    split = connect(port["tcp"])
    msg = b"<14>1 - host-split app - - - split into single bytes"
    for b in str(len(msg)).encode() + b" " + msg:
        split.send(bytes([b]))
    split.close()
    # An unterminated structured-data element: kept whole, tagged.
    bad = connect(port["tcp"])
    bad.sendall(b'<13>1 - h a - - [x@1 v="never closed\n')
    bad.close()
    e = wait_for_event(out, message_is("split into single bytes"), "the message sent byte by byte")
    assert e["syslog"]["hostname"] == "host-split"
    tagged = wait_for_event(out, lambda e: e["message"] == '<13>1 - h a - - [x@1 v="never closed',
                            "the unterminated element")
    assert tagged["tags"]["_syslogparsefailure"] is True
    assert tagged["syslog"]["message"] == tagged["message"]
    assert any(e.get("tags", {}).get("_syslogparsefailure") for e in events(out))
    # Other clients are still served while the huge frame's connection is open.
    logger("--udp", "--server", "127.0.0.1", "--port", str(port["udp"]), "-t", "after", "still alive")
    wait_for_event(out, message_is("still alive"), "a message after the hostile input")
    assert agent.running()
    huge.close()
    assert agent.stop() == 0, agent.log()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_many_idle_connections_are_bounded_and_others_still_served(agents, tmp_path):
    config = CONFIG.format(dir=tmp_path).replace("max_message_bytes: 4KiB",
                                                 "max_message_bytes: 4KiB\n    max_connections: 1500")
    agent = agents(config)
    port = ports(agent)
    out = tmp_path / "out" / "events.json"
    before = rss_kib(agent.proc.pid)
    idle = [connect(port["tcp"]) for _ in range(1500)]
    # Each sends a partial message and then nothing: the connection holds its framer, not a read buffer.
    for s in idle:
        s.sendall(b"<13>partial")
    over = [connect(port["tcp"]) for _ in range(20)]
    for s in over:  # over max_connections: closed by the agent at once
        s.settimeout(10)
        assert s.recv(1) == b""
    logger("--udp", "--server", "127.0.0.1", "--port", str(port["udp"]), "-t", "busy", "while 1500 are idle")
    wait_for_event(out, message_is("while 1500 are idle"), "a UDP message while the connections are idle")
    grown_mib = (rss_kib(agent.proc.pid) - before) / 1024
    assert grown_mib < 64, f"1500 idle connections cost {grown_mib:.1f} MiB"
    for s in idle + over:
        s.close()
    # Their partial messages are delivered when they close; then new connections are served again.
    wait_until(lambda: sum(1 for e in events(out) if e["message"] == "<13>partial") == 1500, 30,
               "the 1500 partial messages")
    logger("--tcp", "--server", "127.0.0.1", "--port", str(port["tcp"]), "-t", "after", "served again")
    wait_for_event(out, message_is("served again"), "a TCP message after the idle connections closed")
    assert agent.stop() == 0, agent.log()


def test_unix_sockets_survive_a_reload(syslog_agent):
    agent, port, out = syslog_agent
    import signal
    agent.signal(signal.SIGHUP)
    wait_until(lambda: "reloaded" in agent.log(), 20, "the reload")
    for sock in ("stream.sock", "dgram.sock"):
        path = out.parent.parent / sock
        logger("--socket", str(path), "--socket-errors=on", "-t", "reload", f"after reload via {sock}")
        wait_for_event(out, message_is(f"after reload via {sock}"), f"a message over {sock} after the reload")
    assert agent.stop() == 0, agent.log()
    assert not (out.parent.parent / "stream.sock").exists()


def make_test_ca(d: Path) -> None:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI."""
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, cwd=d, capture_output=True, timeout=60)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=pyrolog test CA")
    for name, ext in (("server", "subjectAltName=IP:127.0.0.1"), ("client", "extendedKeyUsage=clientAuth")):
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj",
            f"/CN={name}")
        (d / f"{name}.ext").write_text(ext + "\n")
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
            f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext")


TLS_CONFIG = """
data_dir: {dir}/state
sources:
  sys:
    type: syslog
    listen: [tls://127.0.0.1:0]
    timezone: UTC
    tls:
      cert_file: {dir}/server.pem
      key_file: {dir}/server.key
      ca_file: {dir}/ca.pem
      verify_client: {verify}
      handshake_timeout: 500ms
sinks:
  out:
    type: file
    inputs: [sys]
    path: {dir}/out/events.json
    encoding: json
"""


def tls_client(port: int, d: Path, with_cert: bool):
    import ssl
    ctx = ssl.create_default_context(cafile=str(d / "ca.pem"))
    if with_cert:
        ctx.load_cert_chain(str(d / "client.pem"), str(d / "client.key"))
    return ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10), server_hostname="127.0.0.1")


def close_after_reading(client) -> None:
    """Half-closes, then reads until the agent closes: closing with unread bytes (TLS 1.3 session tickets)
    would make the kernel reset the connection and drop what the agent has not read yet."""
    client.shutdown(socket.SHUT_WR)
    client.settimeout(10)
    try:
        while client.recv(4096):
            pass
    except (OSError, ValueError):
        pass
    client.close()


def tls_port(agent) -> int:
    found: list[int] = []

    def seen() -> bool:
        found[:] = [int(p) for p in re.findall(r"\[sys\] listening on tls://127\.0\.0\.1:(\d+)", agent.log())]
        return bool(found)

    wait_until(seen, 10, "the TLS listener")
    return found[-1]


def test_tls_octet_counted_and_a_stalled_handshake(agents, tmp_path):
    make_test_ca(tmp_path)
    agent = agents(TLS_CONFIG.format(dir=tmp_path, verify="false"))
    port = tls_port(agent)
    out = tmp_path / "out" / "events.json"
    stalled = connect(port)  # connects and never starts a handshake
    client = tls_client(port, tmp_path, with_cert=False)
    frames = b""
    for i in range(1000):
        msg = f'<134>1 2026-11-21T07:00:00Z tls-host app 7 M{i} [x@1 i="{i}"] tls message {i}'.encode()
        frames += str(len(msg)).encode() + b" " + msg
    client.sendall(frames)
    close_after_reading(client)
    wait_until(lambda: sum(1 for e in events(out) if e["syslog"].get("hostname") == "tls-host") == 1000, 20,
               "1000 messages over TLS")
    last = [e for e in events(out) if e["syslog"].get("msgid") == "M999"][0]
    assert last["syslog"]["sd"]["x@1"]["i"] == "999"
    assert last["syslog"]["peer"] == "127.0.0.1"
    # The connection that never shook hands is closed after handshake_timeout.
    stalled.settimeout(10)
    assert stalled.recv(1) == b""
    assert agent.stop() == 0, agent.log()


def test_tls_client_certificates_are_verified(agents, tmp_path):
    import ssl
    make_test_ca(tmp_path)
    agent = agents(TLS_CONFIG.format(dir=tmp_path, verify="true"))
    port = tls_port(agent)
    out = tmp_path / "out" / "events.json"
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        anonymous = tls_client(port, tmp_path, with_cert=False)
        # TLS 1.3: the server's refusal may only show on the first read.
        anonymous.sendall(b"<13>1 - h a - - - without a certificate\n")
        anonymous.settimeout(10)
        if anonymous.recv(1) == b"":
            raise ConnectionError("closed")
    client = tls_client(port, tmp_path, with_cert=True)
    client.sendall(b"<13>1 - h a - - - with a certificate\n")
    close_after_reading(client)
    wait_for_event(out, message_is("with a certificate"), "the message from the verified client")
    assert not any(e["syslog"].get("message") == "without a certificate" for e in events(out))
    assert agent.stop() == 0, agent.log()
