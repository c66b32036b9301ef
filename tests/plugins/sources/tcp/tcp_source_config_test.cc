#include "tcp_source_config.h"

#include <string>

#include <gtest/gtest.h>

#include "config/parse_context.h"

namespace pyrolog {
namespace {

struct Parsed {
  TcpSourceConfig config;
  std::string problems;
};

Parsed parse(const std::string& yaml) {
  config::Diagnostics diagnostics;
  config::ParseContext ctx{"test.yaml", &diagnostics, [](const std::string&) { return std::nullopt; }};
  Parsed out;
  TcpSourceConfig::options().parse(YAML::Load(yaml), out.config, ctx, "sources.net", {"type"});
  out.problems = diagnostics.to_string();
  return out;
}

TEST(TcpSourceConfig, Defaults) {
  const auto p = parse("address: 127.0.0.1:5140");
  EXPECT_EQ(p.problems, "");
  const TcpSourceConfig& c = p.config;
  EXPECT_EQ(c.framing, stream_input::Framing::newline);
  EXPECT_EQ(c.max_line_bytes.bytes, 1024u * 1024);
  EXPECT_EQ(c.overlong_lines, stream_input::Overlong::truncate);
  EXPECT_EQ(c.max_connections, 1024u);
  EXPECT_EQ(c.max_connections_per_peer, 0u);
  EXPECT_EQ(c.idle_timeout, std::chrono::minutes(10));
  EXPECT_EQ(c.read_buffer_bytes.bytes, 64u * 1024);
  EXPECT_FALSE(c.tls_enabled());
  EXPECT_EQ(c.tls.handshake_timeout, std::chrono::seconds(10));
}

TEST(TcpSourceConfig, AllOptions) {
  const auto p = parse(
      "address: '[::1]:0'\nframing: octet_counted\nmax_line_bytes: 4KiB\noverlong_lines: "
      "drop\nmax_connections: 10\nmax_connections_per_peer: 2\nidle_timeout: 30s\ntls: {cert_file: "
      "/x/server.pem, key_file: /x/server.key, ca_file: /x/ca.pem, verify_client: true, handshake_timeout: "
      "2s}\n");
  EXPECT_EQ(p.problems, "");
  EXPECT_EQ(p.config.framing, stream_input::Framing::octet_counting);
  EXPECT_EQ(p.config.overlong_lines, stream_input::Overlong::drop);
  EXPECT_EQ(p.config.max_connections_per_peer, 2u);
  EXPECT_EQ(p.config.idle_timeout, std::chrono::seconds(30));
  EXPECT_TRUE(p.config.tls_enabled());
  EXPECT_TRUE(p.config.tls.verify_client);
  EXPECT_EQ(p.config.tls.handshake_timeout, std::chrono::seconds(2));
  EXPECT_EQ(parse("address: 127.0.0.1:1\nframing: auto").config.framing, stream_input::Framing::automatic);
  EXPECT_EQ(parse("address: 127.0.0.1:1\nframing: octet_counting").config.framing,
            stream_input::Framing::octet_counting);
}

TEST(TcpSourceConfig, BadValuesAreRejected) {
  EXPECT_NE(parse("{}").problems.find("missing required option 'address'"), std::string::npos);
  EXPECT_NE(parse("address: nope").problems.find("expected host:port"), std::string::npos);
  EXPECT_NE(parse("address: 127.0.0.1:1\nframing: lines").problems.find("expected one of"),
            std::string::npos);
  EXPECT_NE(parse("address: 127.0.0.1:1\nmax_connections: 0").problems.find("max_connections"),
            std::string::npos);
  EXPECT_NE(parse("address: 127.0.0.1:1\nidle_timeout: soon").problems.find("idle_timeout"),
            std::string::npos);
  EXPECT_NE(parse("address: 127.0.0.1:1\ntls: {cert_file: /x.pem}").problems.find("tls.key_file"),
            std::string::npos);
  EXPECT_NE(parse("address: 127.0.0.1:1\ntls: {ca_file: /x.pem}").problems.find("need `cert_file`"),
            std::string::npos);
  EXPECT_NE(parse("address: 127.0.0.1:1\ntls: {cert_file: /a, key_file: /b, verify_client: true}")
                .problems.find("needs `ca_file`"),
            std::string::npos);
}

}  // namespace
}  // namespace pyrolog
