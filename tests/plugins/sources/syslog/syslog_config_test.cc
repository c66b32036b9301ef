#include "syslog_config.h"

#include <string>

#include <gtest/gtest.h>

#include "config/parse_context.h"

namespace pyrolog {
namespace {

struct Parsed {
  SyslogConfig config;
  std::string problems;
};

Parsed parse(const std::string& yaml) {
  config::Diagnostics diagnostics;
  config::ParseContext ctx{"test.yaml", &diagnostics, [](const std::string&) { return std::nullopt; }};
  Parsed out;
  SyslogConfig::options().parse(YAML::Load(yaml), out.config, ctx, "sources.sys", {"type"});
  out.problems = diagnostics.to_string();
  return out;
}

TEST(SyslogConfig, Defaults) {
  const auto p = parse("listen: [udp://127.0.0.1:5514]");
  EXPECT_EQ(p.problems, "");
  const SyslogConfig& c = p.config;
  EXPECT_EQ(c.listen, std::vector<std::string>{"udp://127.0.0.1:5514"});
  EXPECT_EQ(c.framing, syslog::Framing::automatic);
  EXPECT_FALSE(c.nul_delimiter);
  EXPECT_EQ(c.max_message_bytes.bytes, 64u * 1024);
  EXPECT_EQ(c.overlong_messages, syslog::Overlong::truncate);
  EXPECT_EQ(c.timezone, "local");
  EXPECT_EQ(c.max_connections, 1024u);
  EXPECT_EQ(c.max_connections_per_peer, 0u);
  EXPECT_EQ(c.idle_timeout, std::chrono::minutes(10));
  EXPECT_EQ(c.socket_mode, "0666");
}

TEST(SyslogConfig, AllOptions) {
  const auto p = parse(
      "listen: [tcp://127.0.0.1:601, unix:///tmp/x.sock]\nframing: octet_counting\nnul_delimiter: "
      "true\nmax_message_bytes: 1MiB\noverlong_messages: drop\ntimezone: Europe/Berlin\nmax_connections: "
      "10\nmax_connections_per_peer: 2\nidle_timeout: 30s\nsocket_mode: '0600'\n");
  EXPECT_EQ(p.problems, "");
  EXPECT_EQ(p.config.framing, syslog::Framing::octet_counting);
  EXPECT_EQ(p.config.overlong_messages, syslog::Overlong::drop);
  EXPECT_EQ(p.config.max_message_bytes.bytes, 1024u * 1024);
  EXPECT_EQ(p.config.idle_timeout, std::chrono::seconds(30));
  EXPECT_EQ(parse_socket_mode(p.config.socket_mode), 0600u);
}

TEST(SyslogConfig, BadValuesAreRejected) {
  EXPECT_NE(parse("{}").problems.find("missing required option 'listen'"), std::string::npos);
  EXPECT_NE(parse("listen: [http://x:1]").problems.find("unknown scheme 'http'"), std::string::npos);
  EXPECT_NE(parse("listen: [udp://127.0.0.1:1]\ntimezone: Mars/Base").problems.find("Mars/Base"),
            std::string::npos);
  EXPECT_NE(parse("listen: [udp://127.0.0.1:1]\nframing: lines").problems.find("expected one of"),
            std::string::npos);
  EXPECT_NE(parse("listen: [udp://127.0.0.1:1]\nsocket_mode: '0999'").problems.find("octal"),
            std::string::npos);
  EXPECT_NE(parse("listen: [udp://127.0.0.1:1]\nmax_message_bytes: 10").problems, "");
  EXPECT_NE(parse("listen: [tls://127.0.0.1:6514]").problems.find("needs `tls.cert_file` and `tls.key_file`"),
            std::string::npos);
  EXPECT_NE(parse("listen: [udp://127.0.0.1:1]\ntls: {verify_client: true}").problems.find("needs `ca_file`"),
            std::string::npos);
  EXPECT_EQ(parse("listen: [tls://127.0.0.1:6514]\ntls: {cert_file: /c.pem, key_file: /k.pem}").problems, "");
}

}  // namespace
}  // namespace pyrolog
