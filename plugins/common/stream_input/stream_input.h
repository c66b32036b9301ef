#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/units.h"
#include "event/batch.h"
#include "plugin/source.h"
#include "stream_framer.h"
#include "stream_options.h"

namespace pyrolog::stream_input {

// One socket a source listens on (a stream listener here, or a source's own datagram listener).
class Listener {
 public:
  virtual ~Listener() = default;
  // Binds; throws std::runtime_error with a clear message when it cannot.
  virtual void open(SourceContext& ctx) = 0;
  // Until stopped and everything read is submitted.
  virtual Awaitable<void> run(SourceContext& ctx) = 0;
  // Thread-safe, returns at once (the source's stopping flag is already set).
  virtual void stop() = 0;
  // What it bound, as a URL (`tcp://127.0.0.1:40123`).
  virtual std::string bound_address() const = 0;
  virtual Executor executor() = 0;
};

// What one connection makes of its bytes: a framer of its own and whatever the source builds events with.
class ConnectionDecoder {
 public:
  virtual ~ConnectionDecoder() = default;
  // Adds an event to `batch` for each message complete in `data`; `at_end`: the stream ended after `data`.
  virtual void decode(std::string_view data, bool at_end, Batch& batch) = 0;
};

// Makes the decoder of a new connection from `peer` (its address; empty for Unix sockets).
using DecoderFactory = std::function<std::unique_ptr<ConnectionDecoder>(const std::string& peer)>;

struct StreamSettings {
  std::uint32_t max_connections = 1024;
  std::uint32_t max_connections_per_peer = 0;
  Duration idle_timeout{std::chrono::minutes(10)};
  std::size_t read_buffer_bytes = 64 * 1024;
  TlsConfig tls;
  unsigned socket_mode = 0666;  // Unix socket files
};

// What the stream listeners of one source share: settings, the decoder factory, the stopping flag, the
// connection counters and limits (over all its listeners).
class StreamShared {
 public:
  StreamShared(StreamSettings s, DecoderFactory factory, const std::atomic<bool>& stopping_flag)
      : settings(std::move(s)), make_decoder(std::move(factory)), stopping(stopping_flag) {}

  const StreamSettings settings;
  const DecoderFactory make_decoder;
  const std::atomic<bool>& stopping;

  Counter* refused = nullptr;
  Counter* idle_closed = nullptr;
  Counter* handshake_failures = nullptr;
  Gauge* connections = nullptr;

  // Metrics named `<prefix>_connections`, `<prefix>_connections_refused`, `<prefix>_idle_timeouts`,
  // `<prefix>_tls_handshake_failures`.
  void init_metrics(ComponentMetrics& m, const std::string& prefix);

  // False (nothing taken) when max_connections or max_connections_per_peer is reached.
  bool take_connection(const std::string& peer);
  void release_connection(const std::string& peer);

 private:
  std::mutex mutex_;
  std::uint32_t open_ = 0;
  std::map<std::string, std::uint32_t, std::less<>> per_peer_;
};

// Counts what a framer reported between two looks at its stats. A null counter: not counted there.
struct FramerCounters {
  Counter* truncated = nullptr;
  Counter* dropped = nullptr;
  Counter* framing_errors = nullptr;

  void add(const FramerStats& before, const FramerStats& after) const;
};

}  // namespace pyrolog::stream_input
