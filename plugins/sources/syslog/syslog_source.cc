#include "syslog_source.h"

#include <fmt/format.h>

#include "datagram_listener.h"
#include "listen_address.h"
#include "log/log.h"
#include "plugin/plugin_registry.h"
#include "stream_server.h"
#include "syslog_time.h"

namespace pyrolog {

namespace {
timestamp::TimeZone zone_of(const std::string& name) {
  std::string error;
  auto zone = syslog::find_zone(name, error);
  if (!zone) throw ComponentConfigError(fmt::format("timezone: '{}': {}", name, error));
  return *zone;
}
}  // namespace

SyslogSource::SyslogSource(const SyslogConfig& config)
    : config_(config), state_(std::make_unique<syslog::SourceState>(config_, zone_of(config.timezone))) {
  for (const auto& text : config_.listen) {
    auto parsed = syslog::parse_listen_address(text);
    if (auto* problem = std::get_if<std::string>(&parsed)) throw ComponentConfigError("listen: " + *problem);
    auto address = std::get<syslog::ListenAddress>(parsed);
    switch (address.transport) {
      case syslog::Transport::udp:
      case syslog::Transport::unix_datagram:
        listeners_.push_back(std::make_unique<syslog::DatagramListener>(*state_, address));
        break;
      case syslog::Transport::tcp:
      case syslog::Transport::tls:
      case syslog::Transport::unix_stream: {
        using stream_input::StreamKind;
        const StreamKind kind = address.transport == syslog::Transport::tcp   ? StreamKind::tcp
                                : address.transport == syslog::Transport::tls ? StreamKind::tls
                                                                              : StreamKind::unix_stream;
        listeners_.push_back(stream_input::make_stream_listener(
            state_->streams, stream_input::StreamEndpoint{kind, address.host, address.port, address.path}));
        break;
      }
    }
  }
}

SyslogSource::~SyslogSource() = default;

void SyslogSource::open(SourceContext& ctx) {
  state_->init_metrics(ctx.metrics());
  for (auto& l : listeners_)
    l->open(ctx);
}

std::vector<std::string> SyslogSource::bound_addresses() const {
  std::vector<std::string> out;
  for (const auto& l : listeners_)
    out.push_back(l->bound_address());
  return out;
}

Awaitable<void> SyslogSource::run(SourceContext& ctx) {
  {
    std::lock_guard lock(mutex_);
    running_ = listeners_.size();
  }
  for (auto& l : listeners_) {
    asio::co_spawn(l->executor(), l->run(ctx), [this, name = ctx.name()](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log::error(name, "listener failed: {}", ex.what());
        }
      }
      std::lock_guard lock(mutex_);
      --running_;
      done_.notify_all();
    });
  }
  co_await done_.wait(mutex_, [this] { return running_ == 0; });
}

void SyslogSource::stop() {
  if (state_->stopping.exchange(true)) return;
  for (auto& l : listeners_)
    l->stop();
}

namespace {
[[maybe_unused]] const bool registered = register_source<SyslogConfig, SyslogSource>(
    "syslog", "Receives syslog messages (RFC 5424 and RFC 3164) over UDP, TCP, TLS and Unix sockets.",
    "Several listeners per source (`listen`). Stream connections are cut into messages by RFC 6587 octet "
    "counting or by newlines (detected per frame, or fixed), and are read on their own strands; when the "
    "channel is full the source stops reading, so senders' sends block. Datagrams are read in batches with "
    "`recvmmsg`; what the kernel drops when the receive buffer is full is counted. Every message is parsed "
    "into `syslog.*` fields (facility, severity, timestamp, hostname, appname, procid, msgid, structured "
    "data as `syslog.sd.<id>.<param>`, message, peer); the event time is the message's timestamp. A message "
    "that is not syslog is kept whole and tagged `_syslogparsefailure`. See "
    "docs/sources/syslog.md.\n\nMetrics: `pyrolog_syslog_parse_failures_total`, "
    "`pyrolog_syslog_messages_truncated_total`, "
    "`pyrolog_component_discarded_events_total{reason=\"message_too_long\"}`, "
    "`pyrolog_syslog_framing_errors_total`, `pyrolog_syslog_udp_kernel_drops_total`, "
    "`pyrolog_syslog_connections`, `pyrolog_syslog_connections_refused_total`, "
    "`pyrolog_syslog_idle_timeouts_total`, `pyrolog_syslog_tls_handshake_failures_total`.");
}  // namespace

}  // namespace pyrolog
