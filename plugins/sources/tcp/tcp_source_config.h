#pragma once

#include <cstdint>
#include <string>

#include "base/units.h"
#include "config/option_table.h"
#include "framing/line_splitter.h"

namespace pyrolog {

struct TcpSourceConfig {
  std::string address;
  ByteSize max_line_bytes{1024 * 1024};
  OverlongLine overlong_lines = OverlongLine::truncate;
  std::uint32_t max_connections = 1024;
  ByteSize read_buffer_bytes{64 * 1024};

  static const config::OptionTable<TcpSourceConfig>& options();
};

}  // namespace pyrolog
