#pragma once

// Plugins that exist only in agent_pipeline_test: a source, transforms and a sink that the tests drive and
// observe through probes. Their types start with `test_`, so they can never collide with a real plugin.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/units.h"
#include "config/option_table.h"
#include "plugin/sink.h"

namespace pyrolog::testing {

// One batch as a test sink saw it.
struct ReceivedBatch {
  std::vector<std::string> lines;
  std::vector<std::string> tags;  // the `tag` field of each event, "" when it has none
};

// What the test plugins of one probe name did; every member is guarded by the probe's mutex.
struct ProbeState {
  // Source side.
  std::size_t submitted = 0;                       // batches whose submit completed
  std::vector<std::pair<std::size_t, bool>> acks;  // (batch index, ok), in the order the finalizers ran
  bool source_stopped = false;                     // `run` returned
  // Sink side.
  std::vector<ReceivedBatch> batches;
  std::size_t held = 0;        // deliveries taken and not yet acknowledged
  std::size_t failures = 0;    // times a `fail_on` sink threw
  std::size_t sinks_made = 0;  // test_sink instances built (a failed sink is replaced by a new one)
  bool sink_finished = false;

  std::size_t events_received() const {
    std::size_t n = 0;
    for (const auto& b : batches)
      n += b.lines.size();
    return n;
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& b : batches)
      out.insert(out.end(), b.lines.begin(), b.lines.end());
    return out;
  }
};

// Where the test plugins report. Plugins record from the runtime's threads, tests read from theirs.
class Probe {
 public:
  ProbeState snapshot() const;
  // Blocks until `pred(state)` holds or `timeout` passes (for io_contexts run by other threads).
  bool wait(const std::function<bool(const ProbeState&)>& pred,
            std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;
  // Acknowledges every delivery a `hold_acks` sink holds; returns how many.
  std::size_t release_held();

  // For the plugins.
  void update(const std::function<void(ProbeState&)>& change);
  void hold(Delivery delivery, SinkContext& ctx);

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  ProbeState state_;
  std::vector<std::pair<Delivery, SinkContext*>> held_;
};

// The probe of a name, empty the first time. Probes live as long as the process (finalizers may run late).
Probe& probe(const std::string& name);
// A probe name unique to the running test.
std::string unique_probe_name(const std::string& suffix = "");

// `test_source`: submits `batches` batches of `events` events each (or of `lines`), each with an AckGroup
// that records its outcome in the probe, then waits for `stop`.
struct TestSourceConfig {
  std::string probe;
  std::uint32_t batches = 0;
  std::uint32_t events = 1;
  std::vector<std::string> lines;
  std::string build_error;  // when set, building the source throws ComponentConfigError with this message
  std::string open_error;   // when set, `open` throws std::runtime_error with this message

  static const config::OptionTable<TestSourceConfig>& options();
};

// `test_typed_source`: does nothing; it has an option of every kind, for the config loader's tests.
enum class TestCodec { plain, gzip, zstd };

struct TestTlsConfig {
  bool enabled = false;
  std::string ca_file;

  static const config::OptionTable<TestTlsConfig>& options();
};

struct TestTypedSourceConfig {
  std::uint16_t port = 8080;
  std::uint32_t workers = 4;
  std::int32_t retries = 3;
  std::uint64_t max_events = 1000;
  double ratio = 0.5;
  ByteSize buffer{64 * 1024};
  Duration timeout{std::chrono::seconds(5)};
  bool compress = false;
  TestCodec codec = TestCodec::plain;
  std::string label;
  std::vector<std::string> tags;
  std::map<std::string, std::string> headers;
  TestTlsConfig tls;

  static const config::OptionTable<TestTypedSourceConfig>& options();
};

// `test_passthrough`: passes batches on; with `tag`, sets the field `tag` of every event; with `fail_on`,
// throws when an event's line equals it.
struct TestPassthroughConfig {
  std::string tag;
  std::string fail_on;

  static const config::OptionTable<TestPassthroughConfig>& options();
};

// `test_router`: named outputs, one per entry of `routes`; an event whose line starts with `<route>:` goes to
// that output, any other to the main output.
struct TestRouterConfig {
  std::vector<std::string> routes;

  static const config::OptionTable<TestRouterConfig>& options();
};

// `test_sink`: records every batch in its probe and acknowledges it, or with `hold_acks` holds the delivery
// until the test calls `Probe::release_held`; with `fail_on`, throws when a batch holds that line (only the
// first `fail_times` times, when that is not 0; the probe counts them); with `return_early`, returns after
// its first batch as if the pipeline were stopping (a sink that ends by mistake).
struct TestSinkConfig {
  std::string probe;
  bool hold_acks = false;
  std::string fail_on;
  std::uint32_t fail_times = 0;
  bool return_early = false;

  static const config::OptionTable<TestSinkConfig>& options();
};

}  // namespace pyrolog::testing
