#include "http/http_server.h"

#include <stdexcept>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

namespace pyrolog {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpServer::Shared {
  Shared(asio::io_context& io, HttpHandler h, HttpServerLimits l)
      : strand(asio::make_strand(io)), acceptor(strand), handler(std::move(h)), limits(l) {}
  asio::strand<asio::io_context::executor_type> strand;
  tcp::acceptor acceptor;
  HttpHandler handler;
  HttpServerLimits limits;
  std::atomic<std::size_t> connections{0};
  unsigned short port = 0;
};

namespace {

// The status text of the few codes this server sends.
http::response<http::string_body> make_response(unsigned version, bool keep_alive, const HttpResponse& r,
                                                bool head) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "pyrolog");
  res.set(http::field::content_type, r.content_type);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(keep_alive);
  res.body() = r.body;
  res.prepare_payload();
  if (head) res.body().clear();  // Content-Length stays that of the GET
  return res;
}

Awaitable<void> serve(std::shared_ptr<HttpServer::Shared> shared, tcp::socket socket) {
  struct Slot {
    std::atomic<std::size_t>& n;
    ~Slot() { n.fetch_sub(1); }
  } slot{shared->connections};
  beast::tcp_stream stream(std::move(socket));
  const auto& limits = shared->limits;
  beast::flat_buffer buffer(limits.max_header_bytes + limits.max_body_bytes);
  bool linger = false;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    stream.expires_after(limits.timeout);
    boost::system::error_code ec;
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    HttpResponse answer;
    bool close_after = false;
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      break;
    } else if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      answer = {431, "text/plain; charset=utf-8", "request headers too large\n"};
      close_after = true;
    } else if (ec == http::error::body_limit) {
      answer = {413, "text/plain; charset=utf-8", "request body too large\n"};
      close_after = true;
    } else if (ec) {
      answer = {400, "text/plain; charset=utf-8", "bad request\n"};
      close_after = true;
    }
    unsigned version = 11;
    bool keep_alive = false;
    bool head = false;
    if (!ec) {
      const auto& req = parser.get();
      version = req.version();
      keep_alive = req.keep_alive();
      head = req.method() == http::verb::head;
      if (req.method() != http::verb::get && !head) {
        answer = {405, "text/plain; charset=utf-8", "only GET and HEAD\n"};
      } else {
        try {
          answer = shared->handler(std::string_view(req.method_string().data(), req.method_string().size()),
                                   std::string_view(req.target().data(), req.target().size()));
        } catch (const std::exception& e) {
          answer = {500, "text/plain; charset=utf-8", fmt::format("{}\n", e.what())};
        }
      }
    }
    auto res = make_response(version, keep_alive && !close_after, answer, head);
    if (answer.status == 405) res.set(http::field::allow, "GET, HEAD");
    stream.expires_after(limits.timeout);
    boost::system::error_code write_ec;
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, write_ec));
    if (write_ec || close_after || !keep_alive) {
      linger = close_after && !write_ec;
      break;
    }
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (linger) {
    // A request refused half-read: read (and drop) a little of what the client still sends, so closing with
    // unread data does not reset the connection before the client has read the answer.
    char sink[4096];
    std::size_t drained = 0;
    stream.expires_after(std::chrono::seconds(1));
    while (drained < 64 * 1024) {
      boost::system::error_code ec;
      const std::size_t n =
          co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      drained += n;
    }
  }
  stream.socket().close(ignored);
}

Awaitable<void> accept_loop(std::shared_ptr<HttpServer::Shared> shared, asio::io_context& io) {
  for (;;) {
    boost::system::error_code ec;
    // Each connection on a strand of its own.
    const Executor connection_executor = asio::make_strand(io);
    tcp::socket socket = co_await shared->acceptor.async_accept(
        connection_executor, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !shared->acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors or the like: wait a little rather than spin.
      asio::steady_timer timer(shared->strand, std::chrono::milliseconds(100));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (shared->connections.load() >= shared->limits.max_connections) {
      socket.close(ec);
      continue;
    }
    shared->connections.fetch_add(1);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve(shared, std::move(socket)), asio::detached);
  }
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, HttpHandler handler, HttpServerLimits limits)
    : io_(io), shared_(std::make_shared<Shared>(io, std::move(handler), limits)) {}

HttpServer::~HttpServer() {
  boost::system::error_code ignored;
  shared_->acceptor.close(ignored);
}

void HttpServer::listen(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error(fmt::format("'{}' is not host:port", address));
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port = address.substr(colon + 1);
  boost::system::error_code ec;
  tcp::resolver resolver(io_);
  auto results = resolver.resolve(host, port, tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    throw std::runtime_error(fmt::format("cannot resolve '{}': {}", host, ec.message()));
  const tcp::endpoint endpoint = results.begin()->endpoint();
  auto& acceptor = shared_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    throw std::runtime_error(fmt::format("cannot listen on {}: {}", address, ec.message()));
  }
  shared_->port = acceptor.local_endpoint().port();
}

unsigned short HttpServer::port() const {
  return shared_->port;
}

void HttpServer::start() {
  asio::co_spawn(shared_->strand, accept_loop(shared_, io_), asio::detached);
}

void HttpServer::stop() {
  asio::post(shared_->strand, [shared = shared_] {
    boost::system::error_code ignored;
    shared->acceptor.close(ignored);
  });
}

Awaitable<void> HttpServer::close() {
  co_await asio::post(shared_->strand, asio::use_awaitable);
  boost::system::error_code ignored;
  shared_->acceptor.close(ignored);
}

std::size_t HttpServer::connections() const {
  return shared_->connections.load();
}

}  // namespace pyrolog
