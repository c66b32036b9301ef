#include "stream_listener.h"

#include <chrono>
#include <span>
#include <type_traits>
#include <unistd.h>
#include <utility>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>

#include "log/log.h"
#include "stream_decoder.h"
#include "syslog_event.h"
#include "syslog_framer.h"
#include "unix_socket_path.h"

namespace pyrolog::syslog {

template <class Protocol>
constexpr bool kIsTcp = std::is_same_v<Protocol, asio::ip::tcp>;

namespace {
// Connections wait for readability and then read into this thread's buffer, which the framer consumes
// before anything suspends: an idle connection holds no read buffer. Fetch it again after every suspension
// (the coroutine may resume on another thread).
std::span<char> read_buffer(std::size_t size) {
  thread_local std::vector<char> buffer;
  if (buffer.size() < size) buffer.resize(size);
  return std::span<char>(buffer.data(), size);
}
}  // namespace

template <class Protocol>
struct StreamListener<Protocol>::Session {
  Session(typename Protocol::socket s, const SourceState& state)
      : socket(std::move(s)),
        framer(FramerOptions{state.config.framing, state.config.max_message_bytes.bytes,
                             state.config.overlong_messages, state.config.nul_delimiter}),
        builder(state.zone),
        idle(socket.get_executor()) {}
  typename Protocol::socket socket;
  Framer framer;
  EventBuilder builder;
  asio::steady_timer idle;
  std::string peer;
  bool active = false;      // data since the idle watch last looked
  bool submitting = false;  // waiting for the channel: not idle
  bool closed = false;
};

template <class Protocol>
StreamListener<Protocol>::StreamListener(SourceState& state, ListenAddress address)
    : state_(state), address_(std::move(address)) {}

template <class Protocol>
StreamListener<Protocol>::~StreamListener() {
  if constexpr (!kIsTcp<Protocol>) {
    if (created_file_) ::unlink(address_.path.c_str());
  }
}

template <class Protocol>
void StreamListener<Protocol>::open(SourceContext& ctx) {
  executor_ = asio::make_strand(ctx.io_context());
  typename Protocol::endpoint endpoint;
  if constexpr (kIsTcp<Protocol>) {
    endpoint = asio::ip::tcp::endpoint(asio::ip::make_address(address_.host), address_.port);
  } else {
    clear_stale_socket(address_.path);
    endpoint = typename Protocol::endpoint(address_.path);
  }
  acceptor_.emplace(executor_);
  boost::system::error_code ec;
  acceptor_->open(endpoint.protocol(), ec);
  if constexpr (kIsTcp<Protocol>) {
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error(fmt::format("cannot listen on {}: {}", address_.to_string(), ec.message()));
  }
  if constexpr (!kIsTcp<Protocol>) {
    created_file_ = true;
    set_socket_mode(address_.path, *parse_socket_mode(state_.config.socket_mode));
  }
  log::info(ctx.name(), "listening on {}", bound_address());
}

template <class Protocol>
std::string StreamListener<Protocol>::bound_address() const {
  if constexpr (kIsTcp<Protocol>) {
    ListenAddress bound = address_;
    if (acceptor_) bound.port = acceptor_->local_endpoint().port();
    return bound.to_string();
  } else {
    return address_.to_string();
  }
}

template <class Protocol>
Awaitable<void> StreamListener<Protocol>::run(SourceContext& ctx) {
  boost::system::error_code ec;
  for (;;) {
    // The stop check and the start of the accept happen on this strand with no suspension between them, and
    // `stop` cancels on this strand.
    if (state_.stopping.load()) break;
    auto socket = co_await acceptor_->async_accept(asio::make_strand(ctx.io_context()),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || (ec && state_.stopping.load())) break;
    if (ec) {
      // EMFILE and friends: count, back off briefly, keep serving the connections we have.
      ctx.metrics().errors.add();
      log::warn(ctx.name(), "accept on {} failed: {}", bound_address(), ec.message());
      asio::steady_timer pause(executor_, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    start_session(std::move(socket), ctx);  // also when stopping: it is drained at once
  }
  // Stopping: connections waiting in the backlog may have sent messages already; take and drain them too.
  acceptor_->non_blocking(true, ec);
  for (;;) {
    auto socket = acceptor_->accept(asio::make_strand(ctx.io_context()), ec);
    if (ec) break;
    start_session(std::move(socket), ctx);
  }
  acceptor_->close(ec);
  // The socket file goes now, not in the destructor: after a reload the next pipeline's listener may already
  // have bound the same path by the time this one is destroyed.
  if (std::exchange(created_file_, false)) ::unlink(address_.path.c_str());
  co_await sessions_done_.wait(mutex_, [this] { return sessions_.empty(); });
}

template <class Protocol>
void StreamListener<Protocol>::start_session(typename Protocol::socket socket, SourceContext& ctx) {
  boost::system::error_code ec;
  std::string peer;
  if constexpr (kIsTcp<Protocol>) peer = socket.remote_endpoint(ec).address().to_string();
  if (!state_.take_connection(peer)) {
    state_.refused->add();
    socket.close(ec);
    return;
  }
  auto session = std::make_shared<Session>(std::move(socket), state_);
  session->peer = std::move(peer);
  {
    std::lock_guard lock(mutex_);
    sessions_.push_back(session);
  }
  auto session_executor = session->socket.get_executor();
  if (state_.config.idle_timeout.count() > 0) {
    asio::co_spawn(session_executor, watch_idle(session), asio::detached);
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

template <class Protocol>
void StreamListener<Protocol>::ended(const std::shared_ptr<Session>& session) {
  state_.release_connection(session->peer);
  std::lock_guard lock(mutex_);
  sessions_.remove(session);
  sessions_done_.notify_all();
}

template <class Protocol>
Awaitable<void> StreamListener<Protocol>::watch_idle(std::shared_ptr<Session> session) {
  Session& s = *session;
  while (!s.closed) {
    s.idle.expires_after(state_.config.idle_timeout);
    boost::system::error_code ec;
    co_await s.idle.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || s.closed) co_return;
    if (!s.active && !s.submitting) {
      state_.idle_closed->add();
      s.socket.close(ec);  // the pending read ends with an error; serve() submits what it has
      co_return;
    }
    s.active = false;
  }
}

template <class Protocol>
Awaitable<void> StreamListener<Protocol>::submit(Session& s, SourceContext& ctx, std::string_view data,
                                                 bool at_end) {
  Batch batch;
  decode_stream(state_, s.framer, s.builder, s.peer, data, at_end, batch);
  ctx.metrics().received_bytes.add(data.size());
  if (batch.empty()) co_return;
  ctx.metrics().received_events.add(batch.size());
  s.submitting = true;
  co_await ctx.submit(std::move(batch));
  s.submitting = false;
  s.active = true;
}

template <class Protocol>
Awaitable<void> StreamListener<Protocol>::serve(std::shared_ptr<Session> session, SourceContext& ctx) {
  Session& s = *session;
  const std::size_t buffer_bytes = state_.config.read_buffer_bytes.bytes;
  boost::system::error_code ec;
  s.socket.non_blocking(true, ec);
  bool at_end = false;
  for (;;) {
    // The stop check and the start of the wait happen on this strand with no suspension between them, and
    // `stop` cancels on this strand: a wait is either never started or cancelled.
    if (state_.stopping.load()) break;
    co_await s.socket.async_wait(Protocol::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted && state_.stopping.load()) break;  // stop: drain below
    if (!ec) {
      auto buffer = read_buffer(buffer_bytes);
      const std::size_t n = s.socket.read_some(asio::buffer(buffer.data(), buffer.size()), ec);
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
  // Stopping (or the end): take what the kernel already holds for this connection, then close.
  while (!at_end) {
    auto buffer = read_buffer(buffer_bytes);
    const std::size_t n = s.socket.read_some(asio::buffer(buffer.data(), buffer.size()), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    at_end = static_cast<bool>(ec);
    if (n > 0) co_await submit(s, ctx, std::string_view(buffer.data(), n), false);
  }
  co_await submit(s, ctx, {}, true);
  s.closed = true;
  s.idle.cancel();
  s.socket.close(ec);
}

template <class Protocol>
void StreamListener<Protocol>::stop() {
  asio::post(executor_, [this] {
    boost::system::error_code ec;
    if (acceptor_) acceptor_->cancel(ec);
  });
  std::lock_guard lock(mutex_);
  for (auto& session : sessions_) {
    asio::post(session->socket.get_executor(), [session] {
      boost::system::error_code ec;
      session->socket.cancel(ec);
      session->idle.cancel();
    });
  }
}

template class StreamListener<asio::ip::tcp>;
template class StreamListener<asio::local::stream_protocol>;

}  // namespace pyrolog::syslog
