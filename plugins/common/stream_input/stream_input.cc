#include "stream_input.h"

namespace pyrolog::stream_input {

void StreamShared::init_metrics(ComponentMetrics& m, const std::string& prefix) {
  refused = &m.counter(prefix + "_connections_refused",
                       "Connections closed at once because of max_connections or max_connections_per_peer.");
  idle_closed = &m.counter(prefix + "_idle_timeouts", "Connections closed after idle_timeout without data.");
  handshake_failures = &m.counter(prefix + "_tls_handshake_failures",
                                  "TLS connections that failed or did not finish their handshake in time.");
  connections = &m.gauge(prefix + "_connections", "Stream connections open.");
}

bool StreamShared::take_connection(const std::string& peer) {
  std::lock_guard lock(mutex_);
  if (open_ >= settings.max_connections) return false;
  if (settings.max_connections_per_peer > 0 && !peer.empty()) {
    auto& n = per_peer_[peer];
    if (n >= settings.max_connections_per_peer) return false;
    ++n;
  }
  ++open_;
  connections->set(open_);
  return true;
}

void StreamShared::release_connection(const std::string& peer) {
  std::lock_guard lock(mutex_);
  --open_;
  connections->set(open_);
  if (settings.max_connections_per_peer > 0 && !peer.empty()) {
    auto it = per_peer_.find(peer);
    if (it != per_peer_.end() && --it->second == 0) per_peer_.erase(it);
  }
}

void FramerCounters::add(const FramerStats& before, const FramerStats& after) const {
  if (truncated != nullptr && after.truncated > before.truncated)
    truncated->add(after.truncated - before.truncated);
  if (dropped != nullptr && after.dropped > before.dropped) dropped->add(after.dropped - before.dropped);
  if (framing_errors != nullptr && after.framing_errors > before.framing_errors) {
    framing_errors->add(after.framing_errors - before.framing_errors);
  }
}

}  // namespace pyrolog::stream_input
