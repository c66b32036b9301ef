#pragma once

#include <cstdint>

#include "base/units.h"
#include "codec/batch_codec.h"
#include "config/option_table.h"

namespace pyrolog {

enum class ChannelType { memory, disk };
enum class WhenFull { block, drop_newest };
enum class ChannelSync { always, interval, never };

// The `channel:` section of a sink: the bounded buffer between the pipeline and that sink.
struct ChannelConfig {
  ChannelType type = ChannelType::disk;
  ByteSize max_bytes{1024 * 1024 * 1024};
  WhenFull when_full = WhenFull::block;
  ChannelSync sync = ChannelSync::interval;
  Duration sync_interval{100};
  ByteSize segment_bytes{64 * 1024 * 1024};
  FrameCompression compression = FrameCompression::none;
  Duration hold{1000};

  // A memory channel holds its batches in RAM, and takes this `max_bytes` unless it sets its own (the
  // member's default is the disk channel's).
  static constexpr std::uint64_t kMemoryMaxBytes = 64 * 1024 * 1024;

  static const config::OptionTable<ChannelConfig>& options();
};

}  // namespace pyrolog
