#include "syslog_source.h"

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "../support/fake_source_context.h"
#include "../support/loopback_sockets.h"

namespace pyrolog {
namespace {

using testing::closed_by_peer;
using testing::FakeSourceContext;
using testing::Fd;
using testing::loopback;
using testing::port_of;
using testing::send_all;
using testing::SourceRunner;
using testing::tcp_connect;
using testing::TempDir;
using testing::unix_connect;

SyslogConfig config_for(std::vector<std::string> listen) {
  SyslogConfig c;
  c.listen = std::move(listen);
  c.timezone = "UTC";
  return c;
}

TEST(SyslogSource, UdpDatagramsAreMessages) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  SyslogSource source(config_for({"udp://127.0.0.1:0"}));
  SourceRunner runner(source, ctx);
  const auto port = port_of(source.bound_addresses().at(0));
  Fd fd(::socket(AF_INET, SOCK_DGRAM, 0));
  const sockaddr_in to = loopback(port);
  for (const std::string msg :
       {"<13>Nov 21 06:00:00 h app: one\n", "<13>1 - h app - - - two", "not syslog"}) {
    ::sendto(fd.fd, msg.data(), msg.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  }
  ASSERT_TRUE(ctx.wait_for_lines(3));
  EXPECT_EQ(ctx.lines(), (std::vector<std::string>{"<13>Nov 21 06:00:00 h app: one",
                                                   "<13>1 - h app - - - two", "not syslog"}));
  EXPECT_EQ(ctx.counter("pyrolog_syslog_parse_failures_total"), 1u);
  EXPECT_TRUE(runner.stop());
}

TEST(SyslogSource, Ipv6Listeners) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  SyslogSource source(config_for({"udp://[::1]:0", "tcp://[::1]:0"}));
  SourceRunner runner(source, ctx);
  const auto addresses = source.bound_addresses();
  ASSERT_EQ(addresses.at(0).rfind("udp://[::1]:", 0), 0u) << addresses.at(0);
  ASSERT_EQ(addresses.at(1).rfind("tcp://[::1]:", 0), 0u) << addresses.at(1);
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  to.sin6_addr = in6addr_loopback;
  to.sin6_port = htons(port_of(addresses.at(0)));
  Fd u(::socket(AF_INET6, SOCK_DGRAM, 0));
  const std::string dgram = "<13>1 - h app - - - over udp6";
  ::sendto(u.fd, dgram.data(), dgram.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  to.sin6_port = htons(port_of(addresses.at(1)));
  Fd t(::socket(AF_INET6, SOCK_STREAM, 0));
  ASSERT_EQ(::connect(t.fd, reinterpret_cast<const sockaddr*>(&to), sizeof to), 0);
  send_all(t.fd, "<13>1 - h app - - - over tcp6\n");
  ASSERT_TRUE(ctx.wait_for_lines(2));
  auto lines = ctx.lines();
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines,
            (std::vector<std::string>{"<13>1 - h app - - - over tcp6", "<13>1 - h app - - - over udp6"}));
  EXPECT_TRUE(runner.stop());
}

TEST(SyslogSource, TcpOctetCountedAndNewlineFramesInOneBytePieces) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  SyslogSource source(config_for({"tcp://127.0.0.1:0"}));
  SourceRunner runner(source, ctx);
  Fd fd(tcp_connect(port_of(source.bound_addresses().at(0))));
  const std::string data = "23 <13>1 - h app - - - one<13>two\n23 <13>1 - h app - - - 333";
  for (char c : data)
    send_all(fd.fd, std::string(1, c));
  ASSERT_TRUE(ctx.wait_for_lines(3));
  EXPECT_EQ(ctx.lines(),
            (std::vector<std::string>{"<13>1 - h app - - - one", "<13>two", "<13>1 - h app - - - 333"}));
  EXPECT_TRUE(runner.stop());
}

TEST(SyslogSource, ABatchOwnsItsFieldsAfterItsConnectionIsGone) {
  // A channel may hold a batch long after the connection that made it closed (a memory channel until
  // delivery, a disk channel's recent batches): every value must live in the batch. (ASan checks the reads.)
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  ctx.hold_acks(true);
  SyslogSource source(config_for({"tcp://127.0.0.1:0"}));
  {
    SourceRunner runner(source, ctx);
    {
      Fd fd(tcp_connect(port_of(source.bound_addresses().at(0))));
      send_all(fd.fd, "<13>1 2026-11-21T10:00:00Z web1 app - - - hello\n");
      ASSERT_TRUE(ctx.wait_for_lines(1));
    }
    EXPECT_TRUE(runner.stop());  // the connection and its decoder are gone
  }
  EXPECT_EQ(ctx.held_field(0, "syslog.peer"), "127.0.0.1");
  EXPECT_EQ(ctx.held_field(0, "syslog.hostname"), "web1");
  EXPECT_EQ(ctx.held_field(0, "syslog.message"), "hello");
  ctx.ack_all();
}

TEST(SyslogSource, SeveralListenersIncludingUnixSockets) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  const std::string stream_path = dir / "stream.sock";
  const std::string dgram_path = dir / "dgram.sock";
  SyslogSource source(config_for({"tcp://127.0.0.1:0", "unix://" + stream_path, "unixgram://" + dgram_path}));
  SourceRunner runner(source, ctx);
  EXPECT_EQ(source.bound_addresses().at(1), "unix://" + stream_path);
  {
    Fd s(unix_connect(stream_path, SOCK_STREAM));
    send_all(s.fd, "<13>Nov 21 06:00:00 app: over the stream socket\n");
    Fd d(unix_connect(dgram_path, SOCK_DGRAM));
    send_all(d.fd, "<13>Nov 21 06:00:00 app: over the datagram socket");
    Fd t(tcp_connect(port_of(source.bound_addresses().at(0))));
    send_all(t.fd, "<13>over tcp, no newline before close");
  }
  ASSERT_TRUE(ctx.wait_for_lines(3));
  auto lines = ctx.lines();
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"<13>Nov 21 06:00:00 app: over the datagram socket",
                                             "<13>Nov 21 06:00:00 app: over the stream socket",
                                             "<13>over tcp, no newline before close"}));
  EXPECT_TRUE(runner.stop());
}

TEST(SyslogSource, MaxConnectionsRefusesAndCounts) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  auto config = config_for({"tcp://127.0.0.1:0"});
  config.max_connections = 1;
  SyslogSource source(config);
  SourceRunner runner(source, ctx);
  const auto port = port_of(source.bound_addresses().at(0));
  Fd first(tcp_connect(port));
  send_all(first.fd, "<13>first\n");
  ASSERT_TRUE(ctx.wait_for_lines(1));
  Fd second(tcp_connect(port));
  EXPECT_TRUE(closed_by_peer(second.fd));
  EXPECT_EQ(ctx.counter("pyrolog_syslog_connections_refused_total"), 1u);
  send_all(first.fd, "<13>still served\n");
  ASSERT_TRUE(ctx.wait_for_lines(2));
  EXPECT_TRUE(runner.stop());
}

TEST(SyslogSource, MaxConnectionsPerPeer) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  auto config = config_for({"tcp://127.0.0.1:0"});
  config.max_connections_per_peer = 2;
  SyslogSource source(config);
  SourceRunner runner(source, ctx);
  const auto port = port_of(source.bound_addresses().at(0));
  Fd a(tcp_connect(port));
  Fd b(tcp_connect(port));
  send_all(a.fd, "<13>a\n");
  send_all(b.fd, "<13>b\n");
  ASSERT_TRUE(ctx.wait_for_lines(2));
  Fd c(tcp_connect(port));
  EXPECT_TRUE(closed_by_peer(c.fd));
  EXPECT_EQ(ctx.counter("pyrolog_syslog_connections_refused_total"), 1u);
  ::close(a.fd);
  a.fd = -1;
  // Once one closes, the peer may connect again (the close is seen asynchronously: retry until accepted).
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    Fd d(tcp_connect(port));
    const std::string line = "<13>d" + std::to_string(i) + "\n";
    if (::send(d.fd, line.data(), line.size(), MSG_NOSIGNAL) < 0) continue;  // refused: try again
    served = ctx.wait_for_lines(3, std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(served);
  EXPECT_TRUE(runner.stop());
}

TEST(SyslogSource, IdleConnectionsAreClosedAndWhatTheySentIsKept) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  auto config = config_for({"tcp://127.0.0.1:0"});
  config.idle_timeout = std::chrono::milliseconds(100);
  SyslogSource source(config);
  SourceRunner runner(source, ctx);
  Fd fd(tcp_connect(port_of(source.bound_addresses().at(0))));
  send_all(fd.fd, "<13>a partial line");
  EXPECT_TRUE(closed_by_peer(fd.fd));
  ASSERT_TRUE(ctx.wait_for_lines(1));
  EXPECT_EQ(ctx.lines(), std::vector<std::string>{"<13>a partial line"});
  EXPECT_EQ(ctx.counter("pyrolog_syslog_idle_timeouts_total"), 1u);
  EXPECT_TRUE(runner.stop());
}

TEST(SyslogSource, FullChannelStopsTcpReadsUntilItDrains) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  SyslogSource source(config_for({"tcp://127.0.0.1:0"}));
  SourceRunner runner(source, ctx);
  ctx.close_gate();
  Fd fd(tcp_connect(port_of(source.bound_addresses().at(0))));
  // Send without blocking until the kernel's buffers are full: the source is not reading.
  const std::string msg = "<13>1 - h app - - - " + std::string(200, 'p') + "\n";
  std::size_t sent = 0;
  std::size_t partial = 0;
  for (;;) {
    const ssize_t n = ::send(fd.fd, msg.data() + partial, msg.size() - partial, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      ASSERT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);
      break;
    }
    partial += static_cast<std::size_t>(n);
    if (partial == msg.size()) {
      partial = 0;
      ++sent;
    }
    ASSERT_LT(sent, 10'000'000u) << "the socket never filled";
  }
  EXPECT_TRUE(ctx.someone_waits_at_the_gate());
  EXPECT_TRUE(ctx.lines().empty());
  ctx.open_gate();
  if (partial > 0) {  // the rest of the message cut by the full buffer
    send_all(fd.fd, msg.substr(partial));
    ++sent;
  }
  ASSERT_TRUE(ctx.wait_for_lines(sent, std::chrono::seconds(30)));
  EXPECT_EQ(ctx.lines().size(), sent);
  EXPECT_TRUE(runner.stop());
}

TEST(SyslogSource, StopDeliversWhatConnectionsAlreadySent) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  SyslogSource source(config_for({"tcp://127.0.0.1:0"}));
  SourceRunner runner(source, ctx);
  Fd fd(tcp_connect(port_of(source.bound_addresses().at(0))));
  std::string data;
  for (int i = 0; i < 1000; ++i)
    data += "<13>line " + std::to_string(i) + "\n";
  send_all(fd.fd, data);
  EXPECT_TRUE(runner.stop());
  EXPECT_EQ(ctx.lines().size(), 1000u);
}

TEST(SyslogSource, GarbageDoesNotHurtOtherClients) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  auto config = config_for({"tcp://127.0.0.1:0"});
  config.max_message_bytes = ByteSize{1024};
  SyslogSource source(config);
  SourceRunner runner(source, ctx);
  const auto port = port_of(source.bound_addresses().at(0));
  Fd bad(tcp_connect(port));
  std::string junk;
  std::uint32_t x = 12345;
  for (int i = 0; i < 200'000; ++i) {
    x = x * 1103515245u + 12345u;
    junk.push_back(static_cast<char>(x >> 24));
  }
  send_all(bad.fd, "2147483648 ");  // the rest of this connection is one huge frame
  send_all(bad.fd, junk);
  Fd good(tcp_connect(port));
  send_all(good.fd, "<13>1 - h app - - - fine\n");
  ASSERT_TRUE(ctx.wait_for([](const auto& records) {
    for (const auto& r : records)
      if (r.raw == "<13>1 - h app - - - fine") return true;
    return false;
  }));
  EXPECT_TRUE(runner.stop());
}

TEST(SyslogSource, UdpKernelDropsAreCounted) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  auto config = config_for({"udp://127.0.0.1:0"});
  config.receive_buffer_bytes = ByteSize{4096};  // the kernel doubles it and keeps a minimum: still small
  config.datagram_batch = 1;
  SyslogSource source(config);
  SourceRunner runner(source, ctx);
  Fd fd(::socket(AF_INET, SOCK_DGRAM, 0));
  const sockaddr_in to = loopback(port_of(source.bound_addresses().at(0)));
  auto send_one = [&](int i) {
    const std::string msg = "<13>1 - h app - - - datagram " + std::to_string(i) + std::string(500, 'x');
    ::sendto(fd.fd, msg.data(), msg.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  };
  ctx.close_gate();
  send_one(0);
  for (int i = 0; i < 1000 && !ctx.someone_waits_at_the_gate(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition, with a deadline
  ASSERT_TRUE(ctx.someone_waits_at_the_gate());
  const int flood = 2000;
  for (int i = 1; i <= flood; ++i)
    send_one(i);
  ctx.open_gate();
  // Probes until one arrives: it was queued after the drops, so it carries the kernel's final count.
  std::uint64_t sent = flood + 1;
  bool probe_arrived = false;
  for (int probe = 0; probe < 100 && !probe_arrived; ++probe) {
    const std::string text = "<13>1 - h app - - - probe " + std::to_string(probe);
    ::sendto(fd.fd, text.data(), text.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    ++sent;
    probe_arrived = ctx.wait_for(
        [&](const auto& records) {
          return std::any_of(records.begin(), records.end(), [&](const auto& r) { return r.raw == text; });
        },
        std::chrono::milliseconds(500));
  }
  ASSERT_TRUE(probe_arrived);
  const std::uint64_t dropped = ctx.counter("pyrolog_syslog_udp_kernel_drops_total");
  EXPECT_EQ(ctx.lines().size() + dropped, sent)
      << ctx.lines().size() << " received, " << dropped << " dropped";
  EXPECT_GT(ctx.counter("pyrolog_syslog_udp_kernel_drops_total"), 0u);
  EXPECT_TRUE(runner.stop());
}

}  // namespace
}  // namespace pyrolog
