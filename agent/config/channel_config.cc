#include "config/channel_config.h"

namespace pyrolog {

const config::OptionTable<ChannelConfig>& ChannelConfig::options() {
  static const auto table = [] {
    config::OptionTable<ChannelConfig> t;
    t.add("type", &ChannelConfig::type,
          "`disk`: segment files under `data_dir/channels/<sink>`, checksummed and crash-safe; a batch is "
          "acknowledged to its source once durable (per `sync`), and survives a crash or restart. `memory`: "
          "in RAM; a batch is acknowledged to its source only once the sink delivered it, so nothing "
          "acknowledged is lost, but what is queued is read again by the sources after a crash.")
        .choices<ChannelType>({{"disk", ChannelType::disk}, {"memory", ChannelType::memory}});
    t.add("max_bytes", &ChannelConfig::max_bytes,
          "Most bytes the channel holds (disk: segment files; memory: batches until delivered). The default "
          "is 1GiB for `disk` and 64MiB for `memory`.")
        .range(64 * 1024, 1024.0 * 1024 * 1024 * 1024)
        .shown_default("1GiB (disk), 64MiB (memory)");
    t.add("when_full", &ChannelConfig::when_full,
          "What happens when the channel is full. `block`: sources wait, and stop reading (backpressure). "
          "`drop_newest`: the new batch is dropped and counted as `channel_full`.")
        .choices<WhenFull>({{"block", WhenFull::block}, {"drop_newest", WhenFull::drop_newest}});
    t.add("sync", &ChannelConfig::sync,
          "Disk only. `always`: fdatasync before a batch is acknowledged (concurrent appends share one). "
          "`interval`: group commit every `sync_interval`; a batch is acknowledged when its group is synced. "
          "`never`: acknowledged once written; survives a crash of the agent, not of the machine.")
        .choices<ChannelSync>({{"always", ChannelSync::always},
                               {"interval", ChannelSync::interval},
                               {"never", ChannelSync::never}});
    t.add("sync_interval", &ChannelConfig::sync_interval,
          "Disk only. The group commit period of `sync: interval`. A group also commits as soon as the "
          "lesser of 4 MiB and max_bytes/64 was appended since the last one.")
        .range(1, 60'000);
    t.add("segment_bytes", &ChannelConfig::segment_bytes,
          "Disk only. Size of one segment file (at most a quarter of `max_bytes` is used); a segment is "
          "deleted once every reader is past it.")
        .range(1024 * 1024, 4.0 * 1024 * 1024 * 1024);
    t.add("compression", &ChannelConfig::compression,
          "Disk only. `lz4` compresses each batch: about a third of the disk traffic for access logs, for "
          "some CPU.")
        .choices<FrameCompression>({{"none", FrameCompression::none}, {"lz4", FrameCompression::lz4}});
    t.add("hold", &ChannelConfig::hold,
          "Disk only. How long a batch from a source that can read its data again (`tail`, `spool_dir`, "
          "`kafka`) may wait in memory for the sink before its frame is written. A batch the sink delivers "
          "within it is never written, and its source is acknowledged on delivery; a crash loses nothing, "
          "because the source reads it again. While the sink keeps up, such a source then costs no disk "
          "writes; when the held batches the sink has not taken yet fill their memory (8MiB, or max_bytes/32 "
          "when less), the source waits up to `hold` for the sink to take some, then writes ahead. `0`: "
          "write every batch at once. Batches of network sources are always written at once.")
        .range(0, 60'000);
    t.check("max_bytes", [](const ChannelConfig& c) -> std::optional<std::string> {
      if (c.type == ChannelType::disk && c.max_bytes.bytes < 4 * 1024 * 1024) {
        return "a disk channel needs at least 4MiB (several segments of at least 1MiB)";
      }
      return std::nullopt;
    });
    return t;
  }();
  return table;
}

}  // namespace pyrolog
