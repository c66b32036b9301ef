#include "listener.h"

#include "stream_decoder.h"

namespace pyrolog::syslog {

namespace {
stream_input::StreamSettings stream_settings(const SyslogConfig& c) {
  stream_input::StreamSettings s;
  s.max_connections = c.max_connections;
  s.max_connections_per_peer = c.max_connections_per_peer;
  s.idle_timeout = c.idle_timeout;
  s.read_buffer_bytes = c.read_buffer_bytes.bytes;
  s.tls = c.tls;
  s.socket_mode = parse_socket_mode(c.socket_mode).value_or(0666);
  return s;
}
}  // namespace

SourceState::SourceState(const SyslogConfig& c, timestamp::TimeZone z)
    : config(c),
      zone(std::move(z)),
      streams(
          stream_settings(c),
          [this](const std::string& peer) { return std::make_unique<SyslogStreamDecoder>(*this, peer); },
          stopping) {}

void SourceState::init_metrics(ComponentMetrics& m) {
  parse_failures = &m.counter("syslog_parse_failures",
                              "Messages that are not syslog, kept whole and tagged `_syslogparsefailure`.");
  truncated = &m.counter("syslog_messages_truncated", "Messages cut to max_message_bytes.");
  too_long = &m.dropped("message_too_long");
  framing_errors = &m.counter("syslog_framing_errors",
                              "Octet-counted frames without a valid length, skipped to the next LF.");
  kernel_drops = &m.counter("syslog_udp_kernel_drops",
                            "Datagrams the kernel dropped because the socket's receive buffer was full.");
  streams.init_metrics(m, "syslog");
}

}  // namespace pyrolog::syslog
