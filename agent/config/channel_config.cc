#include "config/channel_config.h"

namespace pyrolog {

const config::OptionTable<ChannelConfig>& ChannelConfig::options() {
  static const auto table = [] {
    config::OptionTable<ChannelConfig> t;
    t.add("type", &ChannelConfig::type,
          "Where the channel keeps batches. `memory`: in RAM, lost on a crash; the source moves its position "
          "only after the sink delivered, so nothing acknowledged is lost, but unacknowledged input is read again.")
        .choices<ChannelType>({{"memory", ChannelType::memory}});
    t.add("max_bytes", &ChannelConfig::max_bytes, "Most bytes the channel holds before it is full.")
        .range(64 * 1024, 1024.0 * 1024 * 1024 * 1024);
    t.add("when_full", &ChannelConfig::when_full,
          "What happens when the channel is full. `block`: sources wait, and stop reading (backpressure). "
          "`drop_newest`: the new batch is dropped and counted as `channel_full`.")
        .choices<WhenFull>({{"block", WhenFull::block}, {"drop_newest", WhenFull::drop_newest}});
    return t;
  }();
  return table;
}

}  // namespace pyrolog
