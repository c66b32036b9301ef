#include "stream_server.h"

#include <chrono>
#include <mutex>
#include <span>
#include <sys/resource.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>

#include "log/log.h"
#include "unix_socket_path.h"

namespace pyrolog::stream_input {

namespace {
// At a stop, the most a TLS handshake under way still gets to finish.
constexpr std::chrono::seconds kStopHandshakeGrace{2};

// Plain connections read into this thread's buffer, which the decoder consumes before anything suspends.
// Fetch it again after every suspension (the coroutine may resume on another thread).
std::span<char> read_buffer(std::size_t size) {
  thread_local std::vector<char> buffer;
  if (buffer.size() < size) buffer.resize(size);
  return std::span<char>(buffer.data(), size);
}

std::string_view scheme(StreamKind kind) {
  switch (kind) {
    case StreamKind::tcp:
      return "tcp";
    case StreamKind::tls:
      return "tls";
    case StreamKind::unix_stream:
      return "unix";
  }
  return "";
}
// A stream source may hold many connections, one descriptor each: raise the soft RLIMIT_NOFILE to the hard
// limit, once per process (systemd's default soft limit is 1024, its hard limit 524288).
void raise_descriptor_limit(const std::string& component) {
  static std::once_flag once;
  std::call_once(once, [&] {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
    const rlim_t before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) == 0) {
      log::info(component, "raised the open-file limit from {} to {}", before, limit.rlim_max);
    }
  });
}
}  // namespace

std::string StreamEndpoint::to_url() const {
  if (kind == StreamKind::unix_stream) return fmt::format("unix://{}", path);
  if (host.find(':') != std::string::npos) return fmt::format("{}://[{}]:{}", scheme(kind), host, port);
  return fmt::format("{}://{}:{}", scheme(kind), host, port);
}

template <StreamKind Kind>
struct StreamServer<Kind>::Session {
  using Stream =
      std::conditional_t<kTls, asio::ssl::stream<asio::ip::tcp::socket>, typename Protocol::socket>;

  Session(typename Protocol::socket s, StreamServer& server)
      : stream(make_stream(std::move(s), server)), timer(stream.get_executor()) {}

  static Stream make_stream(typename Protocol::socket s, StreamServer& server) {
    if constexpr (kTls) {
      return Stream(std::move(s), *server.tls_);
    } else {
      (void)server;
      return Stream(std::move(s));
    }
  }
  auto& socket() {
    if constexpr (kTls) {
      return stream.lowest_layer();
    } else {
      return stream;
    }
  }

  Stream stream;
  std::unique_ptr<ConnectionDecoder> decoder;
  asio::steady_timer timer;  // the handshake deadline (TLS), then the idle timeout
  std::vector<char> buffer;  // TLS only
  std::string peer;
  bool handshaken = !kTls;
  bool active = false;      // data since the idle watch last looked
  bool submitting = false;  // waiting for the channel: not idle
  bool closed = false;
};

template <StreamKind Kind>
StreamServer<Kind>::StreamServer(StreamShared& shared, StreamEndpoint endpoint)
    : shared_(shared), endpoint_(std::move(endpoint)) {}

template <StreamKind Kind>
StreamServer<Kind>::~StreamServer() {
  if (created_file_) ::unlink(endpoint_.path.c_str());
}

template <StreamKind Kind>
void StreamServer<Kind>::open(SourceContext& ctx) {
  executor_ = asio::make_strand(ctx.io_context());
  raise_descriptor_limit(ctx.name());
  boost::system::error_code ec;
  auto fail = [&](const std::string& what) {
    throw std::runtime_error(fmt::format("cannot listen on {}: {}{}", endpoint_.to_url(), what,
                                         ec ? ": " + ec.message() : std::string()));
  };
  if constexpr (kTls) {
    const auto& c = shared_.settings.tls;
    tls_.emplace(asio::ssl::context::tls_server);
    tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                          asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                          asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                      ec);
    tls_->use_certificate_chain_file(c.cert_file, ec);
    if (ec) fail(fmt::format("tls.cert_file {}", c.cert_file));
    tls_->use_private_key_file(c.key_file, asio::ssl::context::pem, ec);
    if (ec) fail(fmt::format("tls.key_file {}", c.key_file));
    if (!c.ca_file.empty()) {
      tls_->load_verify_file(c.ca_file, ec);
      if (ec) fail(fmt::format("tls.ca_file {}", c.ca_file));
    }
    if (c.verify_client) {
      tls_->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert, ec);
    }
  }
  typename Protocol::endpoint endpoint;
  if constexpr (kUnix) {
    clear_stale_socket(endpoint_.path);
    endpoint = typename Protocol::endpoint(endpoint_.path);
  } else {
    endpoint = asio::ip::tcp::endpoint(asio::ip::make_address(endpoint_.host), endpoint_.port);
  }
  acceptor_ = std::make_shared<typename Protocol::acceptor>(executor_);
  acceptor_->open(endpoint.protocol(), ec);
  if constexpr (!kUnix) {
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("bind");
  if constexpr (kUnix) {
    created_file_ = true;
    set_socket_mode(endpoint_.path, shared_.settings.socket_mode);
  }
  log::info(ctx.name(), "listening on {}", bound_address());
}

template <StreamKind Kind>
std::string StreamServer<Kind>::bound_address() const {
  StreamEndpoint bound = endpoint_;
  if constexpr (!kUnix) {
    if (acceptor_) bound.port = acceptor_->local_endpoint().port();
  }
  return bound.to_url();
}

template <StreamKind Kind>
Awaitable<void> StreamServer<Kind>::run(SourceContext& ctx) {
  boost::system::error_code ec;
  for (;;) {
    // The stop check and the start of the accept happen on this strand with no suspension between them, and
    // `stop` cancels on this strand.
    if (shared_.stopping.load()) break;
    auto socket = co_await acceptor_->async_accept(asio::make_strand(ctx.io_context()),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || (ec && shared_.stopping.load())) break;
    if (ec) {
      // EMFILE and friends: count, back off briefly, keep serving the connections we have.
      ctx.metrics().errors.add();
      log::warn(ctx.name(), "accept on {} failed: {}", bound_address(), ec.message());
      asio::steady_timer pause(executor_, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    // A plain connection accepted while stopping is drained at once; a TLS one would first need a handshake.
    if (kTls && shared_.stopping.load()) break;
    start_session(std::move(socket), ctx);
  }
  if constexpr (!kTls) {
    // Stopping: connections waiting in the backlog may have sent messages already; take and drain them too.
    acceptor_->non_blocking(true, ec);
    for (;;) {
      auto socket = acceptor_->accept(asio::make_strand(ctx.io_context()), ec);
      if (ec) break;
      start_session(std::move(socket), ctx);
    }
  }
  acceptor_->close(ec);
  // The socket file goes now, not in the destructor: after a reload the next pipeline's listener may already
  // have bound the same path by the time this one is destroyed.
  if (std::exchange(created_file_, false)) ::unlink(endpoint_.path.c_str());
  co_await sessions_done_.wait(mutex_, [this] { return sessions_.empty(); });
}

template <StreamKind Kind>
void StreamServer<Kind>::start_session(typename Protocol::socket socket, SourceContext& ctx) {
  boost::system::error_code ec;
  std::string peer;
  if constexpr (!kUnix) peer = socket.remote_endpoint(ec).address().to_string();
  if (!shared_.take_connection(peer)) {
    shared_.refused->add();
    socket.close(ec);
    return;
  }
  auto session = std::make_shared<Session>(std::move(socket), *this);
  session->decoder = shared_.make_decoder(peer);
  session->peer = std::move(peer);
  {
    std::lock_guard lock(mutex_);
    sessions_.push_back(session);
  }
  auto session_executor = session->stream.get_executor();
  if (kTls || shared_.settings.idle_timeout.count() > 0) {
    asio::co_spawn(session_executor, watch(session), asio::detached);
  }
  asio::co_spawn(session_executor, serve(session, ctx),
                 [this, session, name = ctx.name()](std::exception_ptr e) {
                   if (e) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       log::error(name, "connection from {} failed: {}", session->peer, ex.what());
                     }
                   }
                   ended(session);
                 });
}

template <StreamKind Kind>
void StreamServer<Kind>::ended(const std::shared_ptr<Session>& session) {
  shared_.release_connection(session->peer);
  std::lock_guard lock(mutex_);
  sessions_.remove(session);
  sessions_done_.notify_all();
}

template <StreamKind Kind>
Awaitable<void> StreamServer<Kind>::watch(std::shared_ptr<Session> session) {
  Session& s = *session;
  boost::system::error_code ec;
  if constexpr (kTls) {
    s.timer.expires_after(shared_.settings.tls.handshake_timeout);
    for (;;) {
      co_await s.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (s.closed) co_return;
      if (s.handshaken) break;
      if (!ec) {  // the deadline passed with the handshake unfinished
        shared_.handshake_failures->add();
        s.closed = true;  // counted here, not again by serve()
        s.socket().close(ec);
        co_return;
      }
      // Cancelled with the handshake under way: a stop moved the deadline closer (see `stop`).
    }
  }
  if (shared_.settings.idle_timeout.count() == 0) co_return;
  while (!s.closed) {
    s.timer.expires_after(shared_.settings.idle_timeout);
    co_await s.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || s.closed) co_return;
    if (!s.active && !s.submitting) {
      shared_.idle_closed->add();
      s.socket().close(ec);  // the pending read ends with an error; serve() submits what it has
      co_return;
    }
    s.active = false;
  }
}

template <StreamKind Kind>
Awaitable<void> StreamServer<Kind>::submit(Session& s, SourceContext& ctx, std::string_view data,
                                           bool at_end) {
  Batch batch;
  s.decoder->decode(data, at_end, batch);
  ctx.metrics().received_bytes.add(data.size());
  if (batch.empty()) co_return;
  ctx.metrics().received_events.add(batch.size());
  s.submitting = true;
  co_await ctx.submit(std::move(batch));
  s.submitting = false;
  s.active = true;
}

template <StreamKind Kind>
Awaitable<void> StreamServer<Kind>::serve(std::shared_ptr<Session> session, SourceContext& ctx) {
  Session& s = *session;
  boost::system::error_code ec;
  if constexpr (kTls) {
    co_await s.stream.async_handshake(asio::ssl::stream_base::server,
                                      asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (!s.closed) shared_.handshake_failures->add();
      s.closed = true;
      s.timer.cancel();
      s.socket().close(ec);
      co_return;
    }
    s.handshaken = true;
    s.timer.cancel();  // the watch goes on with the idle timeout
    s.buffer.resize(shared_.settings.read_buffer_bytes);
  } else {
    s.socket().non_blocking(true, ec);
  }
  const std::size_t buffer_bytes = shared_.settings.read_buffer_bytes;
  bool at_end = false;
  for (;;) {
    // The stop check and the start of the wait happen on this strand with no suspension between them, and
    // `stop` cancels on this strand: a wait is either never started or cancelled.
    if (shared_.stopping.load()) break;
    if constexpr (kTls) {
      const std::size_t n = co_await s.stream.async_read_some(asio::buffer(s.buffer),
                                                              asio::redirect_error(asio::use_awaitable, ec));
      s.active = true;
      if (ec == asio::error::operation_aborted && shared_.stopping.load()) break;  // stop: drain below
      if (ec) {
        at_end = true;  // the end, a reset or idleness: what came before is complete
        break;
      }
      co_await submit(s, ctx, std::string_view(s.buffer.data(), n), false);
    } else {
      co_await s.stream.async_wait(Protocol::socket::wait_read,
                                   asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted && shared_.stopping.load()) break;  // stop: drain below
      if (!ec) {
        auto buffer = read_buffer(buffer_bytes);
        const std::size_t n = s.stream.read_some(asio::buffer(buffer.data(), buffer.size()), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
        s.active = true;
        if (!ec) {
          co_await submit(s, ctx, std::string_view(buffer.data(), n), false);
          continue;
        }
      }
      // EOF, a reset, or closed for idleness: what came before is complete, a last line without LF too.
      at_end = true;
      break;
    }
  }
  // Stopping (or the end): take what the kernel already holds for this connection, then close. TLS: the
  // cancelled read left the engine between records (a record it had begun stays in its input buffer), so a
  // synchronous read on the socket, non-blocking from here on, decrypts from there and ends with would_block.
  if constexpr (kTls) {
    if (!at_end) s.socket().non_blocking(true, ec);
  }
  while (!at_end) {
    const std::span<char> buffer = kTls ? std::span<char>(s.buffer) : read_buffer(buffer_bytes);
    const std::size_t n = s.stream.read_some(asio::buffer(buffer.data(), buffer.size()), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    at_end = static_cast<bool>(ec);
    if (n > 0) co_await submit(s, ctx, std::string_view(buffer.data(), n), false);
  }
  co_await submit(s, ctx, {}, true);
  s.closed = true;
  s.timer.cancel();
  s.socket().close(ec);
}

template <StreamKind Kind>
void StreamServer<Kind>::stop() {
  asio::post(executor_, [acceptor = acceptor_] {
    boost::system::error_code ec;
    if (acceptor) acceptor->cancel(ec);
  });
  std::lock_guard lock(mutex_);
  for (auto& session : sessions_) {
    asio::post(session->stream.get_executor(), [session] {
      if constexpr (kTls) {
        if (!session->handshaken && !session->closed) {
          // A handshake under way is not cut: a TLS 1.3 client sends its first records right behind its
          // Finished, so they may be in the kernel already. It gets a short while to finish (what is left of
          // the handshake timeout, at most kStopHandshakeGrace); serve() then sees the stop and takes what
          // the kernel holds, as for any connection.
          const auto grace = std::chrono::steady_clock::now() + kStopHandshakeGrace;
          if (grace < session->timer.expiry()) session->timer.expires_at(grace);
          return;
        }
      }
      boost::system::error_code ec;
      session->socket().cancel(ec);
      session->timer.cancel();
    });
  }
}

template class StreamServer<StreamKind::tcp>;
template class StreamServer<StreamKind::tls>;
template class StreamServer<StreamKind::unix_stream>;

std::unique_ptr<Listener> make_stream_listener(StreamShared& shared, StreamEndpoint endpoint) {
  switch (endpoint.kind) {
    case StreamKind::tcp:
      return std::make_unique<StreamServer<StreamKind::tcp>>(shared, std::move(endpoint));
    case StreamKind::tls:
      return std::make_unique<StreamServer<StreamKind::tls>>(shared, std::move(endpoint));
    case StreamKind::unix_stream:
      return std::make_unique<StreamServer<StreamKind::unix_stream>>(shared, std::move(endpoint));
  }
  return nullptr;
}

}  // namespace pyrolog::stream_input
