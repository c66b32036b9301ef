#include "datagram_listener.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <utility>

#include <fmt/format.h>

#include "log/log.h"
#include "syslog_event.h"
#include "unix_socket_path.h"

#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40
#endif

namespace pyrolog::syslog {

struct DatagramListener::Slots {
  std::vector<mmsghdr> headers;
  std::vector<iovec> iovecs;
  std::vector<sockaddr_storage> peers;
  std::vector<std::array<char, CMSG_SPACE(sizeof(std::uint32_t))>> controls;
};

DatagramListener::DatagramListener(SourceState& state, ListenAddress address)
    : state_(state), address_(std::move(address)) {}

DatagramListener::~DatagramListener() {
  if (created_file_) {
    ::unlink(address_.path.c_str());
  }
}

namespace {

[[noreturn]] void fail(const ListenAddress& address, const char* what) {
  throw std::runtime_error(
      fmt::format("cannot listen on {}: {}: {}", address.to_string(), what, std::strerror(errno)));
}

std::string peer_text(const sockaddr_storage& sa) {
  char text[INET6_ADDRSTRLEN] = {};
  if (sa.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(sa).sin_addr, text, sizeof text);
  } else if (sa.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(sa).sin6_addr, text, sizeof text);
  }
  return text;
}

}  // namespace

void DatagramListener::open(SourceContext& ctx) {
  executor_ = asio::make_strand(ctx.io_context());
  const bool is_unix = address_.transport == Transport::unix_datagram;
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  if (is_unix) {
    stream_input::clear_stale_socket(address_.path);
    auto& un = reinterpret_cast<sockaddr_un&>(addr);
    un.sun_family = AF_UNIX;
    std::memcpy(un.sun_path, address_.path.c_str(), address_.path.size() + 1);
    addr_len = static_cast<socklen_t>(sizeof(sockaddr_un));
  } else {
    auto& in4 = reinterpret_cast<sockaddr_in&>(addr);
    auto& in6 = reinterpret_cast<sockaddr_in6&>(addr);
    if (::inet_pton(AF_INET, address_.host.c_str(), &in4.sin_addr) == 1) {
      in4.sin_family = AF_INET;
      in4.sin_port = htons(address_.port);
      addr_len = sizeof(sockaddr_in);
    } else if (::inet_pton(AF_INET6, address_.host.c_str(), &in6.sin6_addr) == 1) {
      in6.sin6_family = AF_INET6;
      in6.sin6_port = htons(address_.port);
      addr_len = sizeof(sockaddr_in6);
    } else {
      throw std::runtime_error(fmt::format("cannot listen on {}: not an IP address", address_.to_string()));
    }
  }
  const int fd = ::socket(addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(address_, "socket");
  socket_ = std::make_shared<asio::posix::stream_descriptor>(executor_, fd);  // owns fd from here on
  const int rcvbuf =
      static_cast<int>(std::min<std::uint64_t>(state_.config.receive_buffer_bytes.bytes, 1 << 30));
  // SO_RCVBUFFORCE goes past net.core.rmem_max with CAP_NET_ADMIN; without it, SO_RCVBUF up to the cap.
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  }
  if (!is_unix) {
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), addr_len) != 0) fail(address_, "bind");
  if (is_unix) {
    created_file_ = true;
    stream_input::set_socket_mode(address_.path, *parse_socket_mode(state_.config.socket_mode));
    bound_ = address_.to_string();
  } else {
    sockaddr_storage local{};
    socklen_t len = sizeof local;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
    ListenAddress bound = address_;
    bound.port = ntohs(local.ss_family == AF_INET ? reinterpret_cast<sockaddr_in&>(local).sin_port
                                                  : reinterpret_cast<sockaddr_in6&>(local).sin6_port);
    bound_ = bound.to_string();
  }
  // One slot per datagram of a recvmmsg call, each as large as a message may be (a datagram at most 64 KiB).
  const std::size_t n = state_.config.datagram_batch;
  slot_bytes_ =
      static_cast<std::size_t>(std::min<std::uint64_t>(state_.config.max_message_bytes.bytes, 65536));
  buffers_.resize(n * slot_bytes_);
  slots_ = std::make_unique<Slots>();
  slots_->headers.resize(n);
  slots_->iovecs.resize(n);
  slots_->peers.resize(n);
  slots_->controls.resize(n);
  builder_ = std::make_unique<EventBuilder>(state_.zone);
  int actual = 0;
  socklen_t actual_len = sizeof actual;
  ::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &actual, &actual_len);
  log::info(ctx.name(), "listening on {} (receive buffer {} bytes)", bound_, actual);
}

std::size_t DatagramListener::read_batch(Batch& batch, TimestampNs now) {
  Slots& sl = *slots_;
  const std::size_t n = sl.headers.size();
  for (std::size_t i = 0; i < n; ++i) {
    sl.iovecs[i] = iovec{buffers_.data() + i * slot_bytes_, slot_bytes_};
    msghdr& h = sl.headers[i].msg_hdr;
    h = msghdr{};
    h.msg_name = &sl.peers[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_iov = &sl.iovecs[i];
    h.msg_iovlen = 1;
    h.msg_control = sl.controls[i].data();
    h.msg_controllen = sl.controls[i].size();
    sl.headers[i].msg_len = 0;
  }
  const int got = ::recvmmsg(socket_->native_handle(), sl.headers.data(), static_cast<unsigned>(n),
                             MSG_DONTWAIT, nullptr);
  if (got <= 0) return 0;
  std::uint64_t failures = 0;
  std::string peer;
  for (int i = 0; i < got; ++i) {
    const msghdr& h = sl.headers[static_cast<std::size_t>(i)].msg_hdr;
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&h), c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
        std::uint32_t drops = 0;
        std::memcpy(&drops, CMSG_DATA(c), sizeof drops);
        if (drops > kernel_drops_seen_) state_.kernel_drops->add(drops - kernel_drops_seen_);
        kernel_drops_seen_ = drops;
      }
    }
    std::string_view data(
        buffers_.data() + static_cast<std::size_t>(i) * slot_bytes_,
        std::min<std::size_t>(sl.headers[static_cast<std::size_t>(i)].msg_len, slot_bytes_));
    if ((h.msg_flags & MSG_TRUNC) != 0 || data.size() > state_.config.max_message_bytes.bytes) {
      if (state_.config.overlong_messages == Overlong::drop) {
        state_.too_long->add();
        continue;
      }
      state_.truncated->add();
      data = data.substr(0, state_.config.max_message_bytes.bytes);
    }
    while (!data.empty() && (data.back() == '\n' || data.back() == '\r' || data.back() == '\0')) {
      data.remove_suffix(1);
    }
    if (data.empty()) continue;
    peer = peer_text(sl.peers[static_cast<std::size_t>(i)]);
    const std::string_view stored_peer = peer.empty() ? std::string_view() : batch.store(peer);
    if (!builder_->add(batch, batch.store(data), stored_peer, now)) ++failures;
  }
  if (failures > 0) state_.parse_failures->add(failures);
  return static_cast<std::size_t>(got);
}

Awaitable<void> DatagramListener::run(SourceContext& ctx) {
  boost::system::error_code ec;
  for (;;) {
    if (state_.stopping.load()) break;
    co_await socket_->async_wait(asio::posix::descriptor_base::wait_read,
                                 asio::redirect_error(asio::use_awaitable, ec));
    if (ec && ec != asio::error::operation_aborted) {
      ctx.metrics().errors.add();
      log::warn(ctx.name(), "{}: {}", bound_, ec.message());
    }
    // Read until the socket is empty (also once more when stopping: what the kernel holds is taken).
    for (;;) {
      Batch batch;
      const TimestampNs now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
      const std::size_t got = read_batch(batch, now);
      if (got == 0) break;
      ctx.metrics().received_bytes.add(batch.raw_bytes());
      if (batch.empty()) continue;
      ctx.metrics().received_events.add(batch.size());
      co_await ctx.submit(std::move(batch));
    }
    if (ec == asio::error::operation_aborted) break;
  }
  socket_->close(ec);
  // The socket file goes now, not in the destructor: after a reload the next pipeline's listener may already
  // have bound the same path by the time this one is destroyed.
  if (std::exchange(created_file_, false)) ::unlink(address_.path.c_str());
}

void DatagramListener::stop() {
  asio::post(executor_, [socket = socket_] {
    boost::system::error_code ec;
    if (socket) socket->cancel(ec);
  });
}

}  // namespace pyrolog::syslog
