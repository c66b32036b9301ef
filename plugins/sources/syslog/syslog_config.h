#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/units.h"
#include "config/option_table.h"
#include "stream_options.h"
#include "syslog_framer.h"

namespace pyrolog {

using SyslogTlsConfig = stream_input::TlsConfig;

struct SyslogConfig {
  std::vector<std::string> listen;
  syslog::Framing framing = syslog::Framing::automatic;
  bool nul_delimiter = false;
  ByteSize max_message_bytes{64 * 1024};
  syslog::Overlong overlong_messages = syslog::Overlong::truncate;
  std::string timezone = "local";
  std::uint32_t max_connections = 1024;
  std::uint32_t max_connections_per_peer = 0;
  Duration idle_timeout{std::chrono::minutes(10)};
  ByteSize read_buffer_bytes{64 * 1024};
  ByteSize receive_buffer_bytes{8 * 1024 * 1024};
  std::uint32_t datagram_batch = 64;
  std::string socket_mode = "0666";
  SyslogTlsConfig tls;

  static const config::OptionTable<SyslogConfig>& options();
};

// An octal permission mode (`0660`), or nullopt.
std::optional<unsigned> parse_socket_mode(const std::string& text);

}  // namespace pyrolog
