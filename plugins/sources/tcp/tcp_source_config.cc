#include "tcp_source_config.h"

#include "tcp_address.h"

namespace pyrolog {

const config::OptionTable<TcpSourceConfig>& TcpSourceConfig::options() {
  static const auto table = [] {
    config::OptionTable<TcpSourceConfig> t;
    t.add("address", &TcpSourceConfig::address,
          "Address to listen on, `host:port`; an IPv6 host goes in brackets. Port 0 picks a free port.")
        .required()
        .example("127.0.0.1:5140");
    t.add("max_line_bytes", &TcpSourceConfig::max_line_bytes,
          "Longest line kept; a longer one is truncated or dropped (see `overlong_lines`) and counted.")
        .range(16, 1024.0 * 1024 * 1024);
    t.add("overlong_lines", &TcpSourceConfig::overlong_lines,
          "What happens to a line over `max_line_bytes`: `truncate` keeps its first `max_line_bytes` bytes, "
          "`drop` discards it. Either is counted as `line_too_long`.")
        .choices<OverlongLine>({{"truncate", OverlongLine::truncate}, {"drop", OverlongLine::drop}});
    t.add("max_connections", &TcpSourceConfig::max_connections,
          "Most connections open at once; a connection over the limit is closed at once and counted.")
        .range(1, 1000000);
    t.add("read_buffer_bytes", &TcpSourceConfig::read_buffer_bytes,
          "Bytes read from a connection at a time; each read becomes one batch.")
        .range(4096, 16.0 * 1024 * 1024);
    t.check("address", [](const TcpSourceConfig& c) { return check_tcp_address(c.address); });
    return t;
  }();
  return table;
}

}  // namespace pyrolog
