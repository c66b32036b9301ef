#include "listener.h"

namespace pyrolog::syslog {

void SourceState::init_metrics(ComponentMetrics& m) {
  parse_failures = &m.counter("syslog_parse_failures",
                              "Messages that are not syslog, kept whole and tagged `_syslogparsefailure`.");
  truncated = &m.counter("syslog_messages_truncated", "Messages cut to max_message_bytes.");
  too_long = &m.dropped("message_too_long");
  framing_errors = &m.counter("syslog_framing_errors",
                              "Octet-counted frames without a valid length, skipped to the next LF.");
  kernel_drops = &m.counter("syslog_udp_kernel_drops",
                            "Datagrams the kernel dropped because the socket's receive buffer was full.");
  refused = &m.counter("syslog_connections_refused",
                       "Connections closed at once because of max_connections or max_connections_per_peer.");
  idle_closed = &m.counter("syslog_idle_timeouts", "Connections closed after idle_timeout without data.");
  handshake_failures = &m.counter("syslog_tls_handshake_failures",
                                  "TLS connections that failed or did not finish their handshake in time.");
  connections = &m.gauge("syslog_connections", "Stream connections open.");
}

bool SourceState::take_connection(const std::string& peer) {
  std::lock_guard lock(mutex_);
  if (open_ >= config.max_connections) return false;
  if (config.max_connections_per_peer > 0 && !peer.empty()) {
    auto& n = per_peer_[peer];
    if (n >= config.max_connections_per_peer) return false;
    ++n;
  }
  ++open_;
  connections->set(open_);
  return true;
}

void SourceState::release_connection(const std::string& peer) {
  std::lock_guard lock(mutex_);
  --open_;
  connections->set(open_);
  if (config.max_connections_per_peer > 0 && !peer.empty()) {
    auto it = per_peer_.find(peer);
    if (it != per_peer_.end() && --it->second == 0) per_peer_.erase(it);
  }
}

}  // namespace pyrolog::syslog
