"""The tcp source through the real binary with octet-counted framing and with TLS (the listener, framer and TLS
code it shares with the syslog source)."""

import signal
import socket
import ssl

from agent_process import connect, count_lines, metric_sum, wait_until
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
    config = CONFIG.format(dir=tmp_path, framing="newline", tls=TLS.format(dir=tmp_path))
    agent = agents(config.replace("sources:", "http:\n  address: 127.0.0.1:0\nsources:", 1))
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
    # Each failed handshake counted once: the stalled one (timed out) and the plain text.
    failures = "pyrolog_tcp_tls_handshake_failures_total"
    wait_until(lambda: metric_sum(agent.listening_port("http"), failures) >= 2, 30, "two failed handshakes")
    assert metric_sum(agent.listening_port("http"), failures) == 2
    assert agent.stop() == 0, agent.log()
    assert out.read_bytes() == b"".join(line + b"\n" for line in lines) + b"last without newline\n"


def unsent_bytes(sock) -> int:
    """What the kernel still holds in the socket's send queue (sent but not acknowledged by the peer's kernel)."""
    import fcntl
    import struct
    import termios
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]


def test_tls_stop_takes_what_the_kernel_holds(agents, tmp_path):
    """At a graceful stop, what TLS clients sent and the agent's kernel has received is decrypted and delivered,
    as for plain connections. The agent is stopped (SIGSTOP) while the clients send, so their bytes wait in its
    kernel; SIGTERM comes before it runs again, so the stop and the first reads race."""
    make_test_ca(tmp_path)
    agent = agents(CONFIG.format(dir=tmp_path, framing="newline", tls=TLS.format(dir=tmp_path)))
    port = agent.listening_port("net")
    ctx = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))
    clients = [ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=30),
                               server_hostname="127.0.0.1") for _ in range(8)]
    lines = {c: [f"conn={c} seq={i:05d} {'x' * 60}".encode() for i in range(600)] for c in range(8)}
    # A first line from each, delivered: the agent has finished every handshake and reads every connection.
    for c, client in enumerate(clients):
        client.sendall(lines[c][0] + b"\n")
    out = tmp_path / "out.log"
    wait_until(lambda: count_lines(out) >= 8, 30, "a first line from each connection")
    agent.signal(signal.SIGSTOP)
    try:
        for c, client in enumerate(clients):
            client.sendall(b"".join(line + b"\n" for line in lines[c][1:]))  # 45 KB: within the first window
        # Everything sent is in the agent's kernel: acknowledged by it, not read by the agent.
        wait_until(lambda: all(unsent_bytes(c) == 0 for c in clients), 30, "the agent's kernel to take every byte")
        agent.signal(signal.SIGTERM)
    finally:
        agent.signal(signal.SIGCONT)
    assert agent.stop() == 0, agent.log()
    for client in clients:
        client.close()
    written = out.read_bytes().splitlines()
    for c in range(8):
        assert [line for line in written if line.startswith(f"conn={c} ".encode())] == lines[c], f"connection {c}"


def test_tls_stop_finishes_a_handshake_under_way(agents, tmp_path):
    """A TLS 1.3 client sends its first records right behind its Finished. A connection whose handshake is under
    way when the agent stops is given a short while to finish it, and what came behind it is delivered, instead
    of the connection being cut."""
    make_test_ca(tmp_path)
    tls = TLS.format(dir=tmp_path).replace("handshake_timeout: 500ms", "handshake_timeout: 30s")
    agent = agents(CONFIG.format(dir=tmp_path, framing="newline", tls=tls))
    port = agent.listening_port("net")
    ctx = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    client = ctx.wrap_bio(incoming, outgoing, server_hostname="127.0.0.1")
    # The client's side of the handshake by hand: its hello out, the agent's flight in, up to the client's
    # Finished, which is held back with the first lines.
    while True:
        try:
            client.do_handshake()
            break
        except ssl.SSLWantReadError:
            if outgoing.pending:
                sock.sendall(outgoing.read())
            data = sock.recv(65536)
            assert data, "the agent closed the connection during the handshake"
            incoming.write(data)
    finished = outgoing.read()
    assert finished
    lines = [f"seq={i:04d} {'y' * 60}".encode() for i in range(300)]
    client.write(b"".join(line + b"\n" for line in lines))
    records = outgoing.read()
    # The agent stops with the handshake waiting for the client's Finished; then Finished and lines come.
    agent.signal(signal.SIGTERM)
    wait_until(lambda: "stopping; delivering what was accepted" in agent.log(), 30, "the agent to begin its stop")
    try:
        sock.sendall(finished + records)
    except OSError:
        pass  # the connection was cut: the check below says what was lost
    assert agent.proc.wait(60) == 0, agent.log()
    assert agent.stop() == 0, agent.log()
    sock.close()
    out = tmp_path / "out.log"
    assert (out.read_bytes().splitlines() if out.exists() else []) == lines
