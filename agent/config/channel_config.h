#pragma once

#include "base/units.h"
#include "config/option_table.h"

namespace pyrolog {

enum class ChannelType { memory };
enum class WhenFull { block, drop_newest };

// The `channel:` section of a sink: the bounded buffer between the pipeline and that sink.
struct ChannelConfig {
  ChannelType type = ChannelType::memory;
  ByteSize max_bytes{64 * 1024 * 1024};
  WhenFull when_full = WhenFull::block;

  static const config::OptionTable<ChannelConfig>& options();
};

}  // namespace pyrolog
