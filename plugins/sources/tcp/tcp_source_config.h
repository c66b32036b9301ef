#pragma once

#include <cstdint>
#include <string>

#include "base/units.h"
#include "config/option_table.h"
#include "stream_options.h"

namespace pyrolog {

struct TcpSourceConfig {
  std::string address;
  stream_input::Framing framing = stream_input::Framing::newline;
  ByteSize max_line_bytes{1024 * 1024};
  stream_input::Overlong overlong_lines = stream_input::Overlong::truncate;
  std::uint32_t max_connections = 1024;
  std::uint32_t max_connections_per_peer = 0;
  Duration idle_timeout{std::chrono::minutes(10)};
  ByteSize read_buffer_bytes{64 * 1024};
  stream_input::TlsConfig tls;

  // TLS is on when the `tls` section names a certificate.
  bool tls_enabled() const { return !tls.cert_file.empty() || !tls.key_file.empty(); }

  static const config::OptionTable<TcpSourceConfig>& options();
};

}  // namespace pyrolog
