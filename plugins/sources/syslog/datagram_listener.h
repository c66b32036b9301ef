#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "listen_address.h"
#include "listener.h"
#include "syslog_event.h"

namespace pyrolog::syslog {

// UDP or a Unix datagram socket: one datagram is one message. Waits for readability, then reads up to
// `datagram_batch` datagrams per recvmmsg call until the socket is empty; each call's datagrams become one
// batch. Datagrams have no backpressure: while the channel is full the kernel's buffer fills and the kernel
// drops, which UDP sockets report per datagram (SO_RXQ_OVFL) and the listener counts as `udp_kernel_drops`.
class DatagramListener final : public Listener {
 public:
  DatagramListener(SourceState& state, ListenAddress address);
  ~DatagramListener() override;

  void open(SourceContext& ctx) override;
  Awaitable<void> run(SourceContext& ctx) override;
  void stop() override;
  std::string bound_address() const override { return bound_; }
  Executor executor() override { return executor_; }

 private:
  // Reads once with recvmmsg into a batch; the number of datagrams read (0: nothing was waiting).
  std::size_t read_batch(Batch& batch, TimestampNs now);

  SourceState& state_;
  ListenAddress address_;
  std::string bound_;
  Executor executor_;
  // Shared with the wake-up `stop` posts, which may run after `run` has returned and this listener is gone.
  std::shared_ptr<asio::posix::stream_descriptor> socket_;
  std::size_t slot_bytes_ = 0;
  std::vector<char> buffers_;
  struct Slots;
  std::unique_ptr<Slots> slots_;
  std::uint32_t kernel_drops_seen_ = 0;
  std::unique_ptr<EventBuilder> builder_;
  bool created_file_ = false;
};

}  // namespace pyrolog::syslog
