#include "tls_listener.h"

#include <chrono>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>

#include "log/log.h"
#include "stream_decoder.h"
#include "syslog_event.h"
#include "syslog_framer.h"

namespace pyrolog::syslog {

using asio::ip::tcp;

struct TlsListener::Session {
  Session(tcp::socket s, asio::ssl::context& tls, const SourceState& state)
      : stream(std::move(s), tls),
        framer(FramerOptions{state.config.framing, state.config.max_message_bytes.bytes,
                             state.config.overlong_messages, state.config.nul_delimiter}),
        builder(state.zone),
        timer(stream.get_executor()) {}
  asio::ssl::stream<tcp::socket> stream;
  Framer framer;
  EventBuilder builder;
  asio::steady_timer timer;
  std::vector<char> buffer;
  std::string peer;
  bool handshaken = false;
  bool active = false;
  bool submitting = false;
  bool closed = false;
};

TlsListener::TlsListener(SourceState& state, ListenAddress address)
    : state_(state), address_(std::move(address)) {}
TlsListener::~TlsListener() = default;

void TlsListener::open(SourceContext& ctx) {
  executor_ = asio::make_strand(ctx.io_context());
  const auto& c = state_.config.tls;
  tls_.emplace(asio::ssl::context::tls_server);
  boost::system::error_code ec;
  tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                    ec);
  auto fail = [&](const std::string& what) {
    throw std::runtime_error(
        fmt::format("cannot listen on {}: {}: {}", address_.to_string(), what, ec.message()));
  };
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
  const tcp::endpoint endpoint(asio::ip::make_address(address_.host), address_.port);
  acceptor_.emplace(executor_);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("bind");
  log::info(ctx.name(), "listening on {}", bound_address());
}

std::string TlsListener::bound_address() const {
  ListenAddress bound = address_;
  if (acceptor_) bound.port = acceptor_->local_endpoint().port();
  return bound.to_string();
}

Awaitable<void> TlsListener::run(SourceContext& ctx) {
  boost::system::error_code ec;
  for (;;) {
    if (state_.stopping.load()) break;
    auto socket = co_await acceptor_->async_accept(asio::make_strand(ctx.io_context()),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || (ec && state_.stopping.load())) break;
    if (ec) {
      ctx.metrics().errors.add();
      log::warn(ctx.name(), "accept on {} failed: {}", bound_address(), ec.message());
      asio::steady_timer pause(executor_, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (state_.stopping.load()) break;
    start_session(std::move(socket), ctx);
  }
  acceptor_->close(ec);
  co_await sessions_done_.wait(mutex_, [this] { return sessions_.empty(); });
}

void TlsListener::start_session(tcp::socket socket, SourceContext& ctx) {
  boost::system::error_code ec;
  std::string peer = socket.remote_endpoint(ec).address().to_string();
  if (!state_.take_connection(peer)) {
    state_.refused->add();
    socket.close(ec);
    return;
  }
  auto session = std::make_shared<Session>(std::move(socket), *tls_, state_);
  session->peer = std::move(peer);
  {
    std::lock_guard lock(mutex_);
    sessions_.push_back(session);
  }
  auto session_executor = session->stream.get_executor();
  asio::co_spawn(session_executor, watch(session), asio::detached);
  asio::co_spawn(session_executor, serve(session, ctx),
                 [this, session, name = ctx.name()](std::exception_ptr e) {
                   if (e) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       log::error(name, "TLS connection from {} failed: {}", session->peer, ex.what());
                     }
                   }
                   ended(session);
                 });
}

void TlsListener::ended(const std::shared_ptr<Session>& session) {
  state_.release_connection(session->peer);
  std::lock_guard lock(mutex_);
  sessions_.remove(session);
  sessions_done_.notify_all();
}

// The handshake deadline, then the idle timeout.
Awaitable<void> TlsListener::watch(std::shared_ptr<Session> session) {
  Session& s = *session;
  boost::system::error_code ec;
  s.timer.expires_after(state_.config.tls.handshake_timeout);
  co_await s.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (s.closed) co_return;
  if (!ec && !s.handshaken) {
    state_.handshake_failures->add();
    s.stream.lowest_layer().close(ec);
    co_return;
  }
  if (state_.config.idle_timeout.count() == 0) co_return;
  while (!s.closed) {
    s.timer.expires_after(state_.config.idle_timeout);
    co_await s.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || s.closed) co_return;
    if (!s.active && !s.submitting) {
      state_.idle_closed->add();
      s.stream.lowest_layer().close(ec);
      co_return;
    }
    s.active = false;
  }
}

Awaitable<void> TlsListener::submit(Session& s, SourceContext& ctx, std::string_view data, bool at_end) {
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

Awaitable<void> TlsListener::serve(std::shared_ptr<Session> session, SourceContext& ctx) {
  Session& s = *session;
  boost::system::error_code ec;
  co_await s.stream.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    if (!s.closed) state_.handshake_failures->add();
    s.closed = true;
    s.timer.cancel();
    s.stream.lowest_layer().close(ec);
    co_return;
  }
  s.handshaken = true;
  s.timer.cancel();  // the watch goes on with the idle timeout
  s.buffer.resize(state_.config.read_buffer_bytes.bytes);
  for (;;) {
    if (state_.stopping.load()) break;
    const std::size_t n = co_await s.stream.async_read_some(asio::buffer(s.buffer),
                                                            asio::redirect_error(asio::use_awaitable, ec));
    s.active = true;
    if (ec) break;  // the end, a reset, idleness, or stop: what came before is complete
    co_await submit(s, ctx, std::string_view(s.buffer.data(), n), false);
  }
  co_await submit(s, ctx, {}, true);
  s.closed = true;
  s.timer.cancel();
  s.stream.lowest_layer().close(ec);
}

void TlsListener::stop() {
  asio::post(executor_, [this] {
    boost::system::error_code ec;
    if (acceptor_) acceptor_->cancel(ec);
  });
  std::lock_guard lock(mutex_);
  for (auto& session : sessions_) {
    asio::post(session->stream.get_executor(), [session] {
      boost::system::error_code ec;
      session->stream.lowest_layer().cancel(ec);
      session->timer.cancel();
    });
  }
}

}  // namespace pyrolog::syslog
