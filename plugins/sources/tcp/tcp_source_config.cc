#include "tcp_source_config.h"

#include "host_port.h"

namespace pyrolog {

const config::OptionTable<TcpSourceConfig>& TcpSourceConfig::options() {
  static const auto table = [] {
    config::OptionTable<TcpSourceConfig> t;
    t.add("address", &TcpSourceConfig::address,
          "Address to listen on, `host:port`; an IPv6 host goes in brackets. Port 0 picks a free port.")
        .required()
        .example("127.0.0.1:5140");
    stream_input::add_framing_option(t);
    t.add("max_line_bytes", &TcpSourceConfig::max_line_bytes,
          "Longest message (line or octet-counted frame) kept; a longer one is truncated or dropped (see "
          "`overlong_lines`) and counted, and the stream goes on with the next message.")
        .range(16, 1024.0 * 1024 * 1024);
    t.add("overlong_lines", &TcpSourceConfig::overlong_lines,
          "What happens to a message over `max_line_bytes`: `truncate` keeps its first `max_line_bytes` "
          "bytes, `drop` discards it. Either is counted as `line_too_long`.")
        .choices<stream_input::Overlong>(
            {{"truncate", stream_input::Overlong::truncate}, {"drop", stream_input::Overlong::drop}});
    stream_input::add_connection_options(t);
    t.add("tls", &TcpSourceConfig::tls,
          "TLS: with `cert_file` and `key_file` set, every connection must complete a TLS handshake first "
          "(the same options as the syslog source's `tls`).");
    t.check("address", [](const TcpSourceConfig& c) { return check_tcp_address(c.address); });
    t.check("tls", [](const TcpSourceConfig& c) -> std::optional<std::string> {
      if (!c.tls_enabled()) {
        if (!c.tls.ca_file.empty() || c.tls.verify_client)
          return "`ca_file` and `verify_client` need `cert_file`";
        return std::nullopt;
      }
      return stream_input::check_tls_files(c.tls);
    });
    return t;
  }();
  return table;
}

}  // namespace pyrolog
