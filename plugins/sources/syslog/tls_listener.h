#pragma once

#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>

#include "listen_address.h"
#include "listener.h"
#include "runtime/wait_queue.h"

namespace pyrolog::syslog {

// Syslog over TLS (RFC 5425): TCP connections that must complete a TLS handshake within handshake_timeout
// (else they are closed and counted), optionally with a verified client certificate. Then as a TCP
// connection: its own strand and framer, a batch per read submitted before the next read (backpressure),
// the same connection limits and idle timeout. A TLS connection holds a read buffer of its own (the TLS layer
// may hold decrypted bytes the socket no longer shows). On stop: no more accepts; what each connection has
// already delivered is submitted, and the connection is closed.
class TlsListener final : public Listener {
 public:
  TlsListener(SourceState& state, ListenAddress address);
  ~TlsListener() override;

  void open(SourceContext& ctx) override;
  Awaitable<void> run(SourceContext& ctx) override;
  void stop() override;
  std::string bound_address() const override;
  Executor executor() override { return executor_; }

 private:
  struct Session;
  void start_session(asio::ip::tcp::socket socket, SourceContext& ctx);
  Awaitable<void> serve(std::shared_ptr<Session> session, SourceContext& ctx);
  Awaitable<void> watch(std::shared_ptr<Session> session);
  Awaitable<void> submit(Session& s, SourceContext& ctx, std::string_view data, bool at_end);
  void ended(const std::shared_ptr<Session>& session);

  SourceState& state_;
  ListenAddress address_;
  Executor executor_;
  std::optional<asio::ssl::context> tls_;
  std::optional<asio::ip::tcp::acceptor> acceptor_;
  std::mutex mutex_;
  std::list<std::shared_ptr<Session>> sessions_;
  WaitQueue sessions_done_;
};

}  // namespace pyrolog::syslog
