#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>

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
//   after a restart (at least once).
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
  void close() override;
  std::size_t abandon() override;

  std::uint64_t bytes() const override;
  std::uint64_t max_bytes() const override { return config_.max_bytes.bytes; }
  bool durable() const override { return true; }
  std::uint64_t pending_batches() const override;

 private:
  void update_gauges();

  const ChannelConfig config_;
  const std::filesystem::path directory_;
  ComponentMetrics& metrics_;
  const std::string sink_name_;
  Gauge& bytes_gauge_;
  Gauge& lag_gauge_;
  Gauge& lag_bytes_gauge_;
  Gauge& segments_gauge_;
  Counter& io_errors_;
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
  WaitQueue space_waiters_;
  WaitQueue data_waiters_;
};

}  // namespace pyrolog
