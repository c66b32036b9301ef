#include "http/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "http/endpoints.h"

namespace pyrolog {
namespace {

using namespace std::chrono_literals;

// A blocking client socket with a receive timeout, so a broken server fails the test instead of hanging it.
class Client {
 public:
  explicit Client(unsigned short port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::string& text) {
    ASSERT_EQ(::send(fd_, text.data(), text.size(), MSG_NOSIGNAL), static_cast<ssize_t>(text.size()));
  }
  // Reads until the peer closes (or the timeout).
  std::string read_all() {
    std::string out;
    char buf[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  // Reads one response whose body is `Content-Length` long.
  std::string read_response() {
    std::string out;
    char buf[4096];
    for (;;) {
      const auto end = out.find("\r\n\r\n");
      if (end != std::string::npos) {
        const auto cl = out.find("Content-Length: ");
        const std::size_t length = cl == std::string::npos ? 0 : std::stoul(out.substr(cl + 16));
        if (out.size() >= end + 4 + length) return out;
      }
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpServerLimits limits = {}) {
    server_ = std::make_unique<HttpServer>(
        io_,
        [this](std::string_view, std::string_view target) {
          return serve_observability(target, metrics_, status_);
        },
        limits);
    server_->listen("127.0.0.1:0");
    server_->start();
    for (int i = 0; i < 2; ++i)
      threads_.emplace_back([this] { io_.run(); });
  }
  void TearDown() override {
    io_.stop();
    for (auto& t : threads_)
      t.join();
  }
  std::string get(const std::string& target) {
    Client c(server_->port());
    c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    return c.read_all();
  }

  asio::io_context io_;
  MetricsRegistry metrics_;
  AgentStatus status_;
  std::unique_ptr<HttpServer> server_;
  std::vector<std::thread> threads_;
};

TEST_F(HttpServerTest, ServesMetricsInThePrometheusTextFormat) {
  metrics_.counter("pyrolog_component_sent_events_total", "Events sent.", {{"component", "out"}}).add(42);
  start();
  const std::string r = get("/metrics");
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("Content-Type: text/plain; version=0.0.4; charset=utf-8"), std::string::npos);
  EXPECT_NE(r.find("# TYPE pyrolog_component_sent_events_total counter\n"
                   "pyrolog_component_sent_events_total{component=\"out\"} 42\n"),
            std::string::npos);
}

TEST_F(HttpServerTest, HealthIs503UntilRunningThen200) {
  HealthReport ok;
  ok.healthy = true;
  status_.set_health(ok);
  start();
  std::string r = get("/health");
  EXPECT_EQ(r.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("\"state\":\"starting\""), std::string::npos);
  status_.set_state("running");
  r = get("/health?verbose=1");
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("application/json"), std::string::npos);
}

TEST_F(HttpServerTest, UnknownPathsAndMethodsAreRefused) {
  start();
  EXPECT_EQ(get("/nope").rfind("HTTP/1.1 404 ", 0), 0u);
  Client c(server_->port());
  c.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
  const std::string r = c.read_all();
  EXPECT_EQ(r.rfind("HTTP/1.1 405 ", 0), 0u) << r;
  EXPECT_NE(r.find("Allow: GET, HEAD"), std::string::npos);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  Client c(server_->port());
  for (int i = 0; i < 3; ++i) {
    c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string r = c.read_response();
    EXPECT_EQ(r.rfind("HTTP/1.1 503 ", 0), 0u) << r;
  }
}

TEST_F(HttpServerTest, OversizedHeadersAreRejectedAndTheConnectionClosed) {
  HttpServerLimits limits;
  limits.max_header_bytes = 1024;
  start(limits);
  Client c(server_->port());
  c.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
  const std::string r = c.read_all();
  EXPECT_EQ(r.rfind("HTTP/1.1 431 ", 0), 0u) << r.substr(0, 200);
}

TEST_F(HttpServerTest, ASilentClientIsDisconnectedAtTheTimeout) {
  HttpServerLimits limits;
  limits.timeout = 200ms;
  start(limits);
  Client c(server_->port());
  c.send("GET /metr");  // and nothing more
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(c.read_all(), "");
  EXPECT_LT(std::chrono::steady_clock::now() - t0,
            4s);  // closed by the server, not by the 5 s client timeout
}

TEST_F(HttpServerTest, ConnectionsOverTheLimitAreClosedAndTheOthersStillServed) {
  HttpServerLimits limits;
  limits.max_connections = 4;
  start(limits);
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 4; ++i) {
    idle.push_back(std::make_unique<Client>(server_->port()));
    idle.back()->send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    idle.back()->read_response();  // the server holds it now (keep-alive)
  }
  EXPECT_EQ(server_->connections(), 4u);
  Client extra(server_->port());
  EXPECT_EQ(extra.read_all(), "");  // accepted and closed at once
  idle.pop_back();                  // one leaves: a slot frees up
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (server_->connections() > 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(get("/health").rfind("HTTP/1.1 503 ", 0), 0u);
}

TEST(HttpServerListen, AnAddressInUseIsAClearError) {
  asio::io_context io;
  HttpServer a(io, [](std::string_view, std::string_view) { return HttpResponse{}; });
  a.listen("127.0.0.1:0");
  HttpServer b(io, [](std::string_view, std::string_view) { return HttpResponse{}; });
  try {
    b.listen("127.0.0.1:" + std::to_string(a.port()));
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pyrolog
