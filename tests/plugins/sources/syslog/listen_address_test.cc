#include "listen_address.h"

#include <gtest/gtest.h>

namespace pyrolog::syslog {
namespace {

ListenAddress ok(const std::string& text) {
  auto parsed = parse_listen_address(text);
  EXPECT_TRUE(std::holds_alternative<ListenAddress>(parsed)) << text;
  return std::holds_alternative<ListenAddress>(parsed) ? std::get<ListenAddress>(parsed) : ListenAddress{};
}

std::string problem(const std::string& text) {
  auto parsed = parse_listen_address(text);
  return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "";
}

TEST(ListenAddress, Forms) {
  auto u = ok("udp://127.0.0.1:514");
  EXPECT_EQ(u.transport, Transport::udp);
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 514);
  auto t = ok("tcp://[::1]:601");
  EXPECT_EQ(t.transport, Transport::tcp);
  EXPECT_EQ(t.host, "::1");
  EXPECT_EQ(t.to_string(), "tcp://[::1]:601");
  EXPECT_EQ(ok("tcp://localhost:0").host, "127.0.0.1");
  auto s = ok("unix:///run/pyrolog/log.sock");
  EXPECT_EQ(s.transport, Transport::unix_stream);
  EXPECT_EQ(s.path, "/run/pyrolog/log.sock");
  EXPECT_EQ(ok("unixgram:///dev/log").transport, Transport::unix_datagram);
  EXPECT_EQ(ok("tls://0.0.0.0:6514").transport, Transport::tls);
}

TEST(ListenAddress, Problems) {
  EXPECT_EQ(
      problem("127.0.0.1:514"),
      "expected udp://host:port, tcp://host:port, tls://host:port, unix:///path or unixgram:///path, got "
      "'127.0.0.1:514'");
  EXPECT_EQ(problem("http://127.0.0.1:80"),
            "'http://127.0.0.1:80': unknown scheme 'http' (udp, tcp, tls, unix, unixgram)");
  EXPECT_EQ(problem("udp://127.0.0.1:70000"),
            "'udp://127.0.0.1:70000': expected host:port (or [IPv6]:port), got '127.0.0.1:70000'");
  EXPECT_EQ(problem("tcp://example.com:601"), "'tcp://example.com:601': 'example.com' is not an IP address");
  EXPECT_EQ(problem("unix://relative.sock"), "'unix://relative.sock': expected an absolute path");
  EXPECT_NE(problem("unix:///" + std::string(120, 'x')), "");
}

}  // namespace
}  // namespace pyrolog::syslog
