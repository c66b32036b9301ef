#include "tcp_source.h"

#include <chrono>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/read.hpp>
#include <fmt/format.h>

#include "log/log.h"
#include "plugin/plugin_registry.h"
#include "tcp_address.h"

namespace pyrolog {

using asio::ip::tcp;

struct TcpSource::Session {
  Session(tcp::socket s, std::size_t buffer_bytes, std::size_t max_line, OverlongLine mode)
      : socket(std::move(s)), buffer(buffer_bytes), splitter(max_line, mode) {}
  tcp::socket socket;
  std::vector<char> buffer;
  LineSplitter splitter;
  std::string peer;
};

TcpSource::TcpSource(const TcpSourceConfig& config) : config_(config) {}
TcpSource::~TcpSource() = default;

void TcpSource::open(SourceContext& ctx) {
  executor_ = ctx.executor();
  auto& m = ctx.metrics();
  truncated_ = &m.dropped("line_too_long");
  dropped_long_ = truncated_;
  refused_ = &m.counter("tcp_connections_refused", "Connections closed at once because of max_connections.");
  connections_ = &m.gauge("tcp_connections", "TCP connections open.");
  const auto hp = split_host_port(config_.address);
  if (!hp) throw std::runtime_error(fmt::format("bad address '{}'", config_.address));
  const auto address = asio::ip::make_address(hp->host == "localhost" ? "127.0.0.1" : hp->host);
  tcp::endpoint endpoint(address, hp->port);
  acceptor_.emplace(executor_);
  boost::system::error_code ec;
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot listen on {}: {}", config_.address, ec.message()));
  log::info(ctx.name(), "listening on {}:{}", hp->host, port());
}

std::uint16_t TcpSource::port() const {
  return acceptor_ ? acceptor_->local_endpoint().port() : 0;
}

Awaitable<void> TcpSource::run(SourceContext& ctx) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_->async_accept(asio::make_strand(ctx.io_context()),
                                                          asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_.load()) break;
    if (ec) {
      if (ec == asio::error::operation_aborted) break;
      // EMFILE and friends: count, back off briefly, keep serving the connections we have.
      ctx.metrics().errors.add();
      log::warn(ctx.name(), "accept failed: {}", ec.message());
      asio::steady_timer pause(ctx.executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    std::shared_ptr<Session> session;
    {
      std::lock_guard lock(mutex_);
      if (sessions_.size() >= config_.max_connections) {
        refused_->add();
        socket.close(ec);
        continue;
      }
      session = std::make_shared<Session>(std::move(socket), config_.read_buffer_bytes.bytes,
                                          config_.max_line_bytes.bytes, config_.overlong_lines);
      sessions_.push_back(session);
      connections_->set(static_cast<std::int64_t>(sessions_.size()));
    }
    session->peer = session->socket.remote_endpoint(ec).address().to_string();
    auto session_executor = session->socket.get_executor();
    asio::co_spawn(session_executor, serve(session, ctx), [this, session](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log::error("tcp", "connection from {} failed: {}", session->peer, ex.what());
        }
      }
      session_ended(session);
    });
  }
  // Wait for every connection to drain and close.
  co_await sessions_done_.wait(mutex_, [this] { return sessions_.empty(); });
}

void TcpSource::session_ended(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  sessions_.remove(session);
  connections_->set(static_cast<std::int64_t>(sessions_.size()));
  sessions_done_.notify_all();
}

Awaitable<bool> TcpSource::read_and_submit(Session& s, SourceContext& ctx, std::size_t n, bool at_end) {
  Batch batch;
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const auto before = s.splitter.stats();
  auto on_line = [&](std::string_view line, std::uint64_t) { batch.add_event(now, line); };
  s.splitter.feed(std::string_view(s.buffer.data(), n), batch, on_line);
  if (at_end) s.splitter.finish(batch, on_line);
  const auto& after = s.splitter.stats();
  const auto too_long = (after.truncated - before.truncated) + (after.dropped - before.dropped);
  if (too_long > 0) truncated_->add(too_long);
  ctx.metrics().received_bytes.add(n);
  if (batch.empty()) co_return true;
  ctx.metrics().received_events.add(batch.size());
  co_await ctx.submit(std::move(batch));
  co_return true;
}

Awaitable<void> TcpSource::serve(std::shared_ptr<Session> session, SourceContext& ctx) {
  Session& s = *session;
  boost::system::error_code ec;
  for (;;) {
    // The stop check and the start of the read happen on this strand with no suspension between them, and
    // `stop` cancels on this strand: a read is either never started or cancelled.
    if (stopping_.load()) break;
    const std::size_t n = co_await s.socket.async_read_some(asio::buffer(s.buffer),
                                                            asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) break;  // stop: drain below
    if (ec) {
      // EOF or a reset: whatever came before it is complete, including a last line without newline.
      co_await read_and_submit(s, ctx, n, true);
      s.socket.close(ec);
      co_return;
    }
    co_await read_and_submit(s, ctx, n, false);
  }
  // Stopping: take what the kernel already holds for this connection, then close.
  s.socket.non_blocking(true, ec);
  for (;;) {
    const std::size_t n = s.socket.read_some(asio::buffer(s.buffer), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      co_await read_and_submit(s, ctx, 0, true);
      break;
    }
    co_await read_and_submit(s, ctx, n, static_cast<bool>(ec));
    if (ec) break;
  }
  s.socket.close(ec);
}

void TcpSource::stop() {
  if (stopping_.exchange(true)) return;
  asio::post(executor_, [this] {
    boost::system::error_code ec;
    if (acceptor_) acceptor_->close(ec);
  });
  std::lock_guard lock(mutex_);
  for (auto& session : sessions_) {
    asio::post(session->socket.get_executor(), [session] {
      boost::system::error_code ec;
      session->socket.cancel(ec);
    });
  }
}

namespace {
[[maybe_unused]] const bool registered = register_source<TcpSourceConfig, TcpSource>(
    "tcp", "Receives newline-delimited lines from TCP clients.",
    "Each connection is read on its own; every read becomes one batch. When the channel is full the source "
    "stops reading, so clients see their sends block instead of losing lines. A connection closed by its "
    "client delivers its last line even without a newline. On shutdown the source accepts no new "
    "connections, "
    "reads what each connection has already sent, delivers it, and closes.\n\n"
    "Metrics: `pyrolog_component_discarded_events_total{reason=\"line_too_long\"}`, "
    "`pyrolog_tcp_connections`, `pyrolog_tcp_connections_refused_total`.");
}  // namespace

}  // namespace pyrolog
