#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/byte_buffer.h"
#include "channel/channel.h"
#include "config/channel_config.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "runtime/channel.h"
#include "runtime/wait_queue.h"

namespace pyrolog {

// The durable channel in front of one sink: batches encoded as frames (`codec/batch_codec.h`) in the storage
// engine of `agent/channel/` (segments, CRC32C, group commit, recovery), read by one reader named `sink`.
//
// - push: a batch is appended; its source's AckGroup is released when the frame is durable (the append
//   callback, on the channel's sync thread). When the channel is full, `block` waits for the reader to free
//   space; on an I/O error (a full disk) it logs, counts, and retries with backoff, so the sources pause and
//   the pipeline resumes by itself when space returns.
// - pop/ack: frames are read one at a time; the reader's cursor advances over the longest run of delivered
//   batches, so a sink may acknowledge out of order. What was read but not acknowledged is delivered again
//   after a restart (at least once), or at once after `redeliver` (a failed sink started again); frames
//   acknowledged out of order before that are not delivered twice.
// - Recent batches: a pushed batch is also kept in memory, up to `recent_limit_` bytes (the lesser of 32 MiB
//   and an eighth of max_bytes), and handed to the sink as it is when its frame comes up: no read, CRC check
//   or decode. The frame is written and made durable all the same; only the way back is shortened. Batches
//   that do not fit are read from disk as usual, and after a restart everything is.
// - Frames are encoded into buffers kept between pushes (one per push in progress, a few kept spare), so
//   encoding one costs neither an allocation nor zeroing its room.
// - A frame that cannot be decoded (it passed its CRC, so this means a bug or a foreign writer) is skipped,
//   counted as `undecodable_frame` and logged; it never stops the channel.
class DiskChannel final : public Channel {
 public:
  DiskChannel(const ChannelConfig& config, std::filesystem::path directory, ComponentMetrics& sink_metrics,
              std::string sink_name);
  ~DiskChannel() override;

  void open() override;
  Awaitable<void> push(Batch batch) override;
  Awaitable<std::optional<Delivery>> pop() override;
  void ack(Delivery delivery) override;
  void redeliver() override;
  void close() override;
  std::size_t abandon() override;

  std::uint64_t bytes() const override;
  std::uint64_t max_bytes() const override { return config_.max_bytes.bytes; }
  bool durable() const override { return true; }
  std::uint64_t pending_batches() const override;

 private:
  void update_gauges();
  // The reader's question "is frame `seq` in memory?": takes that batch into `taken` if so, and forgets
  // batches of frames the reader has passed. Runs under the reader's lock.
  bool take_recent(std::uint64_t seq, std::shared_ptr<const Batch>& taken);
  // A spare frame buffer, or a new one; and back when the push is done.
  ByteBuffer take_frame_buffer();
  void give_back(ByteBuffer buffer);

  const ChannelConfig config_;
  const std::filesystem::path directory_;
  ComponentMetrics& metrics_;
  const std::string sink_name_;
  Gauge& bytes_gauge_;
  Gauge& lag_gauge_;
  Gauge& lag_bytes_gauge_;
  Gauge& segments_gauge_;
  Counter& io_errors_;
  Counter& from_memory_;
  Counter& from_disk_;
  Counter& redelivered_;
  log::RateLimit full_log_;
  log::RateLimit error_log_;

  std::unique_ptr<channel::Channel> storage_;
  std::unique_ptr<channel::Reader> reader_;
  channel::Frame frame_;  // reused for every read; touched by the sink's strand only

  std::mutex mutex_;
  bool closed_ = false;
  bool abandoned_ = false;
  std::uint64_t space_generation_ = 0;  // bumped by the storage's space-available callback
  std::uint64_t data_generation_ = 0;   // bumped by the reader's data-available callback
  std::set<std::uint64_t> unacked_;     // read but not yet acknowledged by the sink
  std::set<std::uint64_t> acked_;       // acknowledged, waiting for the lower ones
  std::map<std::uint64_t, std::pair<std::shared_ptr<const Batch>, std::size_t>> recent_;  // seq: batch, bytes
  std::size_t recent_bytes_ = 0;
  std::size_t recent_limit_ = 0;
  WaitQueue space_waiters_;
  WaitQueue data_waiters_;
  std::vector<ByteBuffer> spare_frames_;
};

}  // namespace pyrolog
