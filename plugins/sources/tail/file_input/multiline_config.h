#pragma once

#include <cstdint>
#include <string>

#include "base/units.h"
#include "config/option_table.h"

namespace pyrolog::files {

// The `multiline:` section: how consecutive lines are grouped into one event (a stack trace, say). Off unless
// one of the two patterns is set.
struct MultilineConfig {
  std::string start_pattern;
  std::string continuation_pattern;
  Duration timeout{std::chrono::seconds(1)};
  std::uint32_t max_lines = 1000;
  ByteSize max_bytes{1024 * 1024};

  bool enabled() const { return !start_pattern.empty() || !continuation_pattern.empty(); }
  static const config::OptionTable<MultilineConfig>& options();
};

}  // namespace pyrolog::files
