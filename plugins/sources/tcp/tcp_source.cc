#include "tcp_source.h"

#include <chrono>

#include <fmt/format.h>

#include "host_port.h"
#include "plugin/plugin_registry.h"
#include "stream_server.h"

namespace pyrolog {

namespace {

// One connection's lines: every frame becomes an event whose raw text is the frame.
class LineDecoder final : public stream_input::ConnectionDecoder {
 public:
  LineDecoder(const TcpSourceConfig& c, const stream_input::FramerCounters& counters)
      : framer_(
            stream_input::FramerOptions{c.framing, c.max_line_bytes.bytes, c.overlong_lines, false, true}),
        counters_(counters) {}

  void decode(std::string_view data, bool at_end, Batch& batch) override {
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const stream_input::FramerStats before = framer_.stats();
    auto on_frame = [&](std::string_view frame) { batch.add_event(now, batch.store(frame)); };
    framer_.feed(data, on_frame);
    if (at_end) framer_.finish(on_frame);
    counters_.add(before, framer_.stats());
  }

 private:
  stream_input::Framer framer_;
  const stream_input::FramerCounters& counters_;
};

stream_input::StreamSettings settings_of(const TcpSourceConfig& c) {
  stream_input::StreamSettings s;
  s.max_connections = c.max_connections;
  s.max_connections_per_peer = c.max_connections_per_peer;
  s.idle_timeout = c.idle_timeout;
  s.read_buffer_bytes = c.read_buffer_bytes.bytes;
  s.tls = c.tls;
  return s;
}

}  // namespace

TcpSource::TcpSource(const TcpSourceConfig& config) : config_(config) {
  shared_ = std::make_unique<stream_input::StreamShared>(
      settings_of(config_),
      [this](const std::string&) { return std::make_unique<LineDecoder>(config_, framer_counters_); },
      stopping_);
  const auto hp = split_host_port(config_.address);
  if (!hp) throw ComponentConfigError(fmt::format("address: bad address '{}'", config_.address));
  stream_input::StreamEndpoint endpoint;
  endpoint.kind = config_.tls_enabled() ? stream_input::StreamKind::tls : stream_input::StreamKind::tcp;
  endpoint.host = hp->host == "localhost" ? "127.0.0.1" : hp->host;
  endpoint.port = hp->port;
  listener_ = stream_input::make_stream_listener(*shared_, std::move(endpoint));
}

TcpSource::~TcpSource() = default;

void TcpSource::open(SourceContext& ctx) {
  auto& m = ctx.metrics();
  Counter& too_long = m.dropped("line_too_long");
  framer_counters_ = {&too_long, &too_long,
                      &m.counter("tcp_framing_errors",
                                 "Octet-counted frames without a valid length, skipped to the next LF.")};
  shared_->init_metrics(m, "tcp");
  listener_->open(ctx);
}

std::string TcpSource::bound_address() const {
  return listener_->bound_address();
}

Awaitable<void> TcpSource::run(SourceContext& ctx) {
  // On the listener's strand: its stop check and its accepts must not race `stop`.
  co_await asio::co_spawn(listener_->executor(), listener_->run(ctx), asio::use_awaitable);
}

void TcpSource::stop() {
  if (stopping_.exchange(true)) return;
  listener_->stop();
}

namespace {
[[maybe_unused]] const bool registered = register_source<TcpSourceConfig, TcpSource>(
    "tcp", "Receives lines (or RFC 6587 octet-counted frames) from TCP clients, optionally over TLS.",
    "Each connection is read on its own; every read becomes one batch. `framing` chooses newline-delimited "
    "lines (the default; every byte before the LF is kept, empty lines too), octet-counted frames, or "
    "either per frame. With `tls.cert_file` and `tls.key_file` every connection is TLS. When the channel is "
    "full the source stops reading, so clients see their sends block instead of losing lines. A connection "
    "closed by its client delivers its last line even without a newline. Connections are limited in number "
    "(per source and per peer address) and closed after `idle_timeout` without data. On shutdown the source "
    "accepts no new connections, reads what each connection has already sent, delivers it, and closes. The "
    "listener, framer and TLS code are the syslog source's (see docs/sources/tcp.md).\n\nMetrics: "
    "`pyrolog_component_discarded_events_total{reason=\"line_too_long\"}`, "
    "`pyrolog_tcp_framing_errors_total`, `pyrolog_tcp_connections`, "
    "`pyrolog_tcp_connections_refused_total`, `pyrolog_tcp_idle_timeouts_total`, "
    "`pyrolog_tcp_tls_handshake_failures_total`.");
}  // namespace

}  // namespace pyrolog
