#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>

#include "runtime/wait_queue.h"
#include "stream_input.h"

namespace pyrolog::stream_input {

enum class StreamKind : std::uint8_t { tcp, tls, unix_stream };

// Where a stream listener listens: host and port (tcp, tls) or a socket file (unix_stream).
struct StreamEndpoint {
  StreamKind kind = StreamKind::tcp;
  std::string host;
  std::uint16_t port = 0;
  std::string path;

  // `tcp://127.0.0.1:601`, `tls://[::1]:6514`, `unix:///run/x.sock`.
  std::string to_url() const;
};

// Stream connections of one kind: TCP, TLS over TCP, or a Unix stream socket. One accept loop for all three:
// each connection is served on a strand of its own with a decoder of its own (from the source's factory), and
// every read becomes a batch submitted before the next read, so a full channel stops the reads and senders
// see their sends block. Connection limits and the idle timeout (never while a submit waits for the channel)
// come from StreamShared; a TLS connection must also finish its handshake within tls.handshake_timeout.
//
// Plain connections wait for readability and then read into their thread's buffer, which the decoder consumes
// before anything suspends: an idle connection holds no read buffer. A TLS connection holds one of its own
// (the TLS layer may hold decrypted bytes the socket no longer shows).
//
// Opening one raises the process's soft RLIMIT_NOFILE to its hard limit (once): every connection is a
// descriptor.
//
// On stop: no more accepts (plain listeners still take the connections already in the backlog); each
// connection's pending bytes are read and submitted, a partial last message too, and the connection closed.
template <StreamKind Kind>
class StreamServer final : public Listener {
 public:
  StreamServer(StreamShared& shared, StreamEndpoint endpoint);
  ~StreamServer() override;

  void open(SourceContext& ctx) override;
  Awaitable<void> run(SourceContext& ctx) override;
  void stop() override;
  std::string bound_address() const override;
  Executor executor() override { return executor_; }

 private:
  static constexpr bool kTls = Kind == StreamKind::tls;
  static constexpr bool kUnix = Kind == StreamKind::unix_stream;
  using Protocol = std::conditional_t<kUnix, asio::local::stream_protocol, asio::ip::tcp>;
  struct Session;

  void start_session(typename Protocol::socket socket, SourceContext& ctx);
  Awaitable<void> serve(std::shared_ptr<Session> session, SourceContext& ctx);
  Awaitable<void> watch(std::shared_ptr<Session> session);
  Awaitable<void> submit(Session& s, SourceContext& ctx, std::string_view data, bool at_end);
  void ended(const std::shared_ptr<Session>& session);

  StreamShared& shared_;
  StreamEndpoint endpoint_;
  Executor executor_;
  std::optional<asio::ssl::context> tls_;  // kTls only
  // Shared with the wake-up `stop` posts, which may run after `run` has returned and this server is gone.
  std::shared_ptr<typename Protocol::acceptor> acceptor_;
  std::mutex mutex_;
  std::list<std::shared_ptr<Session>> sessions_;
  WaitQueue sessions_done_;
  bool created_file_ = false;
};

// The listener for `endpoint`, served with `shared`.
std::unique_ptr<Listener> make_stream_listener(StreamShared& shared, StreamEndpoint endpoint);

}  // namespace pyrolog::stream_input
