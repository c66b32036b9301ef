#pragma once

#include <filesystem>
#include <string>

#include "metrics/metrics.h"
#include "runtime/asio.h"

namespace pyrolog {

// What every running component is given: its name, its metrics, where it may keep state, an executor.
class ComponentContext {
 public:
  virtual ~ComponentContext() = default;

  virtual const std::string& name() const = 0;
  virtual ComponentMetrics& metrics() = 0;
  // `data_dir/<kind>s/<name>`: the component's own directory for positions and state; created on first use.
  virtual std::filesystem::path state_dir() = 0;
  // A strand of the runtime's thread pool, owned by this component.
  virtual Executor executor() = 0;
  // The io_context behind the thread pool, for components that want more strands (one per connection).
  virtual asio::io_context& io_context() = 0;
};

}  // namespace pyrolog
