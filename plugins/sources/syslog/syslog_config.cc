#include "syslog_config.h"

#include <fmt/format.h>

#include "listen_address.h"
#include "syslog_time.h"

namespace pyrolog {

std::optional<unsigned> parse_socket_mode(const std::string& text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  unsigned mode = 0;
  for (char c : text) {
    if (c < '0' || c > '7') return std::nullopt;
    mode = mode * 8 + static_cast<unsigned>(c - '0');
  }
  return mode;
}

const config::OptionTable<SyslogConfig>& SyslogConfig::options() {
  static const auto table = [] {
    config::OptionTable<SyslogConfig> t;
    t.add("listen", &SyslogConfig::listen,
          "Where to listen, one URL each: `udp://host:port`, `tcp://host:port` (an IPv6 host in brackets), "
          "`tls://host:port` (TCP with TLS, see `tls`), `unix:///path` (a Unix stream socket), "
          "`unixgram:///path` (a Unix datagram socket, like `/dev/log`). Port 0 picks a free port; each "
          "listener logs the address it bound.")
        .required()
        .example("[udp://0.0.0.0:514, tcp://0.0.0.0:601, unixgram:///run/pyrolog/log]");
    stream_input::add_framing_option(t);
    t.add("nul_delimiter", &SyslogConfig::nul_delimiter,
          "With line framing, a NUL byte also ends a message (some senders end messages with NUL).");
    t.add("max_message_bytes", &SyslogConfig::max_message_bytes,
          "Longest message kept; a longer one is truncated or dropped (see `overlong_messages`) and counted, "
          "and the stream goes on with the next message.")
        .range(64, 64.0 * 1024 * 1024);
    t.add("overlong_messages", &SyslogConfig::overlong_messages,
          "What happens to a message over `max_message_bytes`: `truncate` keeps its first "
          "`max_message_bytes` bytes, `drop` discards it. Counted as `message_too_long` either way.")
        .choices<syslog::Overlong>(
            {{"truncate", syslog::Overlong::truncate}, {"drop", syslog::Overlong::drop}});
    t.add("timezone", &SyslogConfig::timezone,
          "Zone of timestamps written without an offset (RFC 3164): `local` (the system's zone), `UTC`, an "
          "offset (`+02:00`), or a zone name (`Europe/Berlin`).");
    stream_input::add_connection_options(t);
    t.add("receive_buffer_bytes", &SyslogConfig::receive_buffer_bytes,
          "Kernel receive buffer asked for datagram sockets (SO_RCVBUF; the kernel caps it at "
          "net.core.rmem_max). What overflows it is counted as `udp_kernel_drops`.")
        .range(4096, 1024.0 * 1024 * 1024);
    t.add("datagram_batch", &SyslogConfig::datagram_batch,
          "Datagrams read with one recvmmsg call; what one call returns becomes one batch.")
        .range(1, 1024);
    t.add("socket_mode", &SyslogConfig::socket_mode, "Permissions of the Unix sockets created, in octal.");
    t.add("tls", &SyslogConfig::tls, "Certificates for `tls://` listeners (syslog over TLS, RFC 5425).");
    t.check("listen", [](const SyslogConfig& c) -> std::optional<std::string> {
      if (c.listen.empty()) return "needs at least one address";
      for (const auto& l : c.listen) {
        auto parsed = syslog::parse_listen_address(l);
        if (auto* problem = std::get_if<std::string>(&parsed)) return *problem;
        const bool tls = std::get<syslog::ListenAddress>(parsed).transport == syslog::Transport::tls;
        if (auto problem = stream_input::check_tls_files(c.tls); tls && problem) {
          return fmt::format("'{}' {}", l, *problem);
        }
      }
      return std::nullopt;
    });
    t.check("timezone", [](const SyslogConfig& c) -> std::optional<std::string> {
      std::string error;
      if (syslog::find_zone(c.timezone, error)) return std::nullopt;
      return fmt::format("'{}': {}", c.timezone, error);
    });
    t.check("socket_mode", [](const SyslogConfig& c) -> std::optional<std::string> {
      if (parse_socket_mode(c.socket_mode)) return std::nullopt;
      return fmt::format("expected an octal mode such as 0660, got '{}'", c.socket_mode);
    });
    return t;
  }();
  return table;
}

}  // namespace pyrolog
