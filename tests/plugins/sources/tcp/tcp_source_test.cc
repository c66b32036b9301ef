#include "tcp_source.h"

#include <arpa/inet.h>
#include <chrono>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
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
using testing::port_of;
using testing::send_all;
using testing::SourceRunner;
using testing::tcp_connect;
using testing::TempDir;

TcpSourceConfig config_with(stream_input::Framing framing) {
  TcpSourceConfig c;
  c.address = "127.0.0.1:0";
  c.framing = framing;
  return c;
}

TEST(TcpSource, NewlineFramingKeepsEveryByteOfALine) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  TcpSource source(config_with(stream_input::Framing::newline));
  SourceRunner runner(source, ctx);
  ASSERT_EQ(source.bound_address().rfind("tcp://127.0.0.1:", 0), 0u) << source.bound_address();
  {
    Fd fd(tcp_connect(port_of(source.bound_address())));
    send_all(fd.fd, "  indented\r\n\n12 digits first\nlast without newline");
  }
  ASSERT_TRUE(ctx.wait_for_lines(4));
  EXPECT_EQ(ctx.lines(),
            (std::vector<std::string>{"  indented\r", "", "12 digits first", "last without newline"}));
  EXPECT_TRUE(runner.stop());
}

TEST(TcpSource, OctetCountedFramesInOneBytePieces) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  TcpSource source(config_with(stream_input::Framing::octet_counting));
  SourceRunner runner(source, ctx);
  Fd fd(tcp_connect(port_of(source.bound_address())));
  const std::string data = "11 hello\nworld5 x y z3 end";
  for (char c : data)
    send_all(fd.fd, std::string(1, c));
  ASSERT_TRUE(ctx.wait_for_lines(3));
  EXPECT_EQ(ctx.lines(), (std::vector<std::string>{"hello\nworld", "x y z", "end"}));
  // A frame without a length is counted and skipped to the next LF; the stream goes on.
  send_all(fd.fd, "garbage line\n4 next");
  ASSERT_TRUE(ctx.wait_for_lines(4));
  EXPECT_EQ(ctx.lines().back(), "next");
  EXPECT_EQ(ctx.counter("pyrolog_tcp_framing_errors_total"), 1u);
  EXPECT_TRUE(runner.stop());
}

TEST(TcpSource, OverlongFramesAreCutOrDroppedAndCounted) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  auto c = config_with(stream_input::Framing::automatic);
  c.max_line_bytes.bytes = 16;
  c.overlong_lines = stream_input::Overlong::drop;
  TcpSource source(c);
  SourceRunner runner(source, ctx);
  {
    Fd fd(tcp_connect(port_of(source.bound_address())));
    send_all(fd.fd, "20 aaaaaaaaaaaaaaaaaaaa" + std::string(40, 'b') + "\nshort\n5 octet");
  }
  ASSERT_TRUE(ctx.wait_for_lines(2));
  EXPECT_EQ(ctx.lines(), (std::vector<std::string>{"short", "octet"}));
  EXPECT_EQ(ctx.counter("pyrolog_component_discarded_events_total"), 2u);  // reason line_too_long
  EXPECT_TRUE(runner.stop());
}

TEST(TcpSource, ConnectionLimitsAndIdleTimeout) {
  TempDir dir;
  FakeSourceContext ctx(dir.path() / "state");
  auto c = config_with(stream_input::Framing::newline);
  c.max_connections_per_peer = 2;
  c.idle_timeout = std::chrono::milliseconds(200);
  TcpSource source(c);
  SourceRunner runner(source, ctx);
  const auto port = port_of(source.bound_address());
  Fd a(tcp_connect(port));
  Fd b(tcp_connect(port));
  send_all(a.fd, "from a");
  Fd refused(tcp_connect(port));
  EXPECT_TRUE(closed_by_peer(refused.fd));
  EXPECT_EQ(ctx.counter("pyrolog_tcp_connections_refused_total"), 1u);
  // Idle: closed by the agent; what `a` sent is kept.
  EXPECT_TRUE(closed_by_peer(a.fd));
  EXPECT_TRUE(closed_by_peer(b.fd));
  ASSERT_TRUE(ctx.wait_for_lines(1));
  EXPECT_EQ(ctx.lines(), std::vector<std::string>{"from a"});
  EXPECT_EQ(ctx.counter("pyrolog_tcp_idle_timeouts_total"), 2u);
  EXPECT_TRUE(runner.stop());
}

}  // namespace
}  // namespace pyrolog
