#pragma once

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <optional>

#include <boost/asio/ip/tcp.hpp>

#include "plugin/source.h"
#include "runtime/wait_queue.h"
#include "tcp_source_config.h"

namespace pyrolog {

// Newline-delimited lines from TCP clients. Each connection is read on a strand of its own; each read becomes
// a batch, submitted before the next read, so a full channel stops the reads and the clients' sends block.
// On stop it accepts no more connections, reads what the kernel already holds for each connection, submits
// it, and closes.
class TcpSource final : public Source {
 public:
  explicit TcpSource(const TcpSourceConfig& config);
  ~TcpSource() override;

  void open(SourceContext& ctx) override;
  Awaitable<void> run(SourceContext& ctx) override;
  void stop() override;

  // The port actually bound (useful with port 0).
  std::uint16_t port() const;

 private:
  struct Session;
  Awaitable<void> serve(std::shared_ptr<Session> session, SourceContext& ctx);
  Awaitable<bool> read_and_submit(Session& s, SourceContext& ctx, std::size_t n, bool at_end);
  void session_ended(const std::shared_ptr<Session>& session);

  TcpSourceConfig config_;
  std::optional<asio::ip::tcp::acceptor> acceptor_;
  Executor executor_;
  std::atomic<bool> stopping_{false};

  std::mutex mutex_;
  std::list<std::shared_ptr<Session>> sessions_;
  WaitQueue sessions_done_;
  Counter* truncated_ = nullptr;
  Counter* dropped_long_ = nullptr;
  Counter* refused_ = nullptr;
  Gauge* connections_ = nullptr;
};

}  // namespace pyrolog
