#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "plugin/source.h"
#include "stream_input.h"
#include "tcp_source_config.h"

namespace pyrolog {

// Lines (or RFC 6587 octet-counted frames) from TCP clients, optionally over TLS. The listener is the one the
// syslog source uses (plugins/common/stream_input): each connection is read on a strand of its own with a
// framer of its own; each read becomes a batch, submitted before the next read, so a full channel stops the
// reads and the clients' sends block. On stop it accepts no more connections, reads what the kernel already
// holds for each connection, submits it, and closes.
class TcpSource final : public Source {
 public:
  explicit TcpSource(const TcpSourceConfig& config);
  ~TcpSource() override;

  void open(SourceContext& ctx) override;
  Awaitable<void> run(SourceContext& ctx) override;
  void stop() override;

  // What it bound, as a URL (`tcp://127.0.0.1:40123`, `tls://...`; useful with port 0).
  std::string bound_address() const;

 private:
  TcpSourceConfig config_;
  std::atomic<bool> stopping_{false};
  stream_input::FramerCounters framer_counters_;
  std::unique_ptr<stream_input::StreamShared> shared_;
  std::unique_ptr<stream_input::Listener> listener_;
};

}  // namespace pyrolog
