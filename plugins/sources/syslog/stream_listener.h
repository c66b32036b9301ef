#pragma once

#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "listen_address.h"
#include "listener.h"
#include "runtime/wait_queue.h"

namespace pyrolog::syslog {

// TCP or Unix stream connections. Each connection is read on a strand of its own, cut into frames by a
// Framer of its own, and every read becomes a batch submitted before the next read: a full channel stops the
// reads, so senders see their sends block. Idle connections are closed after idle_timeout (never while a
// submit waits for the channel). On stop: no more accepts, but connections already in the backlog are
// taken; each connection's pending bytes are read, submitted, and the connection closed.
template <class Protocol>
class StreamListener final : public Listener {
 public:
  StreamListener(SourceState& state, ListenAddress address);
  ~StreamListener() override;

  void open(SourceContext& ctx) override;
  Awaitable<void> run(SourceContext& ctx) override;
  void stop() override;
  std::string bound_address() const override;
  Executor executor() override { return executor_; }

 private:
  struct Session;
  void start_session(typename Protocol::socket socket, SourceContext& ctx);
  Awaitable<void> serve(std::shared_ptr<Session> session, SourceContext& ctx);
  Awaitable<void> watch_idle(std::shared_ptr<Session> session);
  Awaitable<void> submit(Session& s, SourceContext& ctx, std::string_view data, bool at_end);
  void ended(const std::shared_ptr<Session>& session);

  SourceState& state_;
  ListenAddress address_;
  Executor executor_;
  std::optional<typename Protocol::acceptor> acceptor_;
  std::mutex mutex_;
  std::list<std::shared_ptr<Session>> sessions_;
  WaitQueue sessions_done_;
  bool created_file_ = false;
};

using TcpListener = StreamListener<asio::ip::tcp>;
using UnixStreamListener = StreamListener<asio::local::stream_protocol>;

}  // namespace pyrolog::syslog
