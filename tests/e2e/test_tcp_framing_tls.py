"""The tcp source through the real binary with octet-counted framing and with TLS (the listener, framer and TLS
code it shares with the syslog source)."""

import socket
import ssl

from agent_process import connect, count_lines, wait_until
from test_syslog import close_after_reading, make_test_ca

CONFIG = """
data_dir: {dir}/state
sources:
  net:
    type: tcp
    address: 127.0.0.1:0
    framing: {framing}
{tls}
sinks:
  out:
    type: file
    inputs: [net]
    path: {dir}/out.log
"""

TLS = """    tls:
      cert_file: {dir}/server.pem
      key_file: {dir}/server.key
      handshake_timeout: 500ms
"""


def octet(msg: bytes) -> bytes:
    return str(len(msg)).encode() + b" " + msg


def test_octet_counted_frames_may_hold_newlines(agents, tmp_path):
    agent = agents(CONFIG.format(dir=tmp_path, framing="octet_counted", tls=""))
    port = agent.listening_port("net")
    sock = connect(port)
    frames = [f"frame {i}".encode() for i in range(10_000)]
    data = b"".join(octet(f) for f in frames)
    # In pieces that cut lengths and frames anywhere.
    for i in range(0, len(data), 7777):
        sock.sendall(data[i:i + 7777])
    sock.sendall(octet(b"two\nlines"))
    sock.close()
    out = tmp_path / "out.log"
    wait_until(lambda: count_lines(out) >= 10_002, 30, "10,001 frames (one of them two lines)")
    assert agent.stop() == 0, agent.log()
    assert out.read_bytes() == b"".join(f + b"\n" for f in frames) + b"two\nlines\n"


def test_tls_lines_and_a_stalled_handshake(agents, tmp_path):
    make_test_ca(tmp_path)
    agent = agents(CONFIG.format(dir=tmp_path, framing="newline", tls=TLS.format(dir=tmp_path)))
    port = agent.listening_port("net")
    assert f"listening on tls://127.0.0.1:{port}" in agent.log()
    stalled = connect(port)  # never starts a handshake
    ctx = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))
    client = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10),
                             server_hostname="127.0.0.1")
    lines = [f"tls line {i}".encode() for i in range(5_000)]
    client.sendall(b"".join(line + b"\n" for line in lines) + b"last without newline")
    close_after_reading(client)
    out = tmp_path / "out.log"
    wait_until(lambda: count_lines(out) >= 5_001, 30, "5,001 lines over TLS")
    stalled.settimeout(10)
    assert stalled.recv(1) == b""  # closed after handshake_timeout
    # Plain text to a TLS listener is a failed handshake, not data.
    plain = connect(port)
    plain.sendall(b"not tls\n")
    plain.settimeout(10)
    try:
        while plain.recv(4096):
            pass
    except OSError:
        pass
    assert agent.stop() == 0, agent.log()
    assert out.read_bytes() == b"".join(line + b"\n" for line in lines) + b"last without newline\n"
