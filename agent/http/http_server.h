#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/asio.h"

namespace pyrolog {

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Answers one request; runs on the connection's strand, so it must not block.
using HttpHandler = std::function<HttpResponse(std::string_view method, std::string_view target)>;

struct HttpServerLimits {
  std::size_t max_connections = 64;     // more are accepted and closed at once
  std::size_t max_header_bytes = 8192;  // request line and headers; more gets 431 and the connection closed
  std::size_t max_body_bytes = 1024;    // a GET has none; more gets 413
  std::chrono::milliseconds timeout{10'000};  // for reading one request and for writing one response
};

// A small HTTP/1.1 server (Boost.Beast) on the agent's io_context, for `/metrics` and `/health`. Each
// connection runs as a coroutine on a strand of its own; keep-alive is honoured; requests are bounded in size
// and time, so a slow or hostile client costs one connection slot, never a thread.
class HttpServer {
 public:
  HttpServer(asio::io_context& io, HttpHandler handler, HttpServerLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds `host:port` (port 0 picks one). Throws std::runtime_error with the reason.
  void listen(const std::string& address);
  // The bound port.
  unsigned short port() const;
  // Starts accepting.
  void start();
  // Stops accepting; open connections end at their next timeout or when the peer closes. Thread-safe.
  void stop();
  // The same, awaited: the listening socket is closed (on the server's strand, where the awaiting coroutine
  // resumes) when it returns, so its address is free for another listener.
  Awaitable<void> close();

  std::size_t connections() const;

  struct Shared;

 private:
  asio::io_context& io_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace pyrolog
