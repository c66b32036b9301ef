#pragma once

#include <atomic>
#include <cstdint>

#include "base/units.h"
#include "config/option_table.h"
#include "plugin/source.h"

namespace pyrolog {

struct DemoSourceConfig {
  std::uint64_t rate = 1000;
  std::uint64_t count = 0;
  std::uint32_t batch_size = 500;
  std::uint64_t seed = 42;

  static const config::OptionTable<DemoSourceConfig>& options();
};

// Generates web-server access lines at a steady rate: for the quickstart, demos and benchmarks.
class DemoSource final : public Source {
 public:
  explicit DemoSource(const DemoSourceConfig& config) : config_(config) {}
  void open(SourceContext&) override {}
  Awaitable<void> run(SourceContext& ctx) override;
  void stop() override { stopping_.store(true); }

 private:
  DemoSourceConfig config_;
  std::atomic<bool> stopping_{false};
};

}  // namespace pyrolog
