#pragma once

#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
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
// - Held batches (`hold`): a batch whose source keeps its data until acknowledged (it carries an AckGroup:
//   tail, spool_dir, kafka) is not written while the sink keeps up. It waits in memory, and its source is
//   acknowledged when the sink delivered it; a crash loses nothing, because the source reads it again. It is
//   written after all ("spilled") when the sink has not taken it within `hold`, when it is still
//   unacknowledged `hold` after it came (the sink has it), or when frames on disk are still unread (the sink
//   is behind: new batches queue behind them on disk). Held batches waiting to be taken have `held_limit_`
//   bytes (a quarter of the recent batches' memory: 8 MiB by default); when they fill it, the source waits
//   up to `hold` for the sink to take some before it writes ahead. Those the sink has taken are bounded by
//   the sink's own window (a Kafka sink's `max_in_flight_*`), as batches it read from disk are: a source is
//   paced by what the sink takes, not by the brokers' acknowledgements. Batches without an AckGroup (network
//   sources, which cannot send their data again) are written at once, as before. Order: held batches are
//   handed out only once every frame appended before them was read, and spilled ones are written before any
//   later batch.
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
  // Writes held batches that are overdue (see `hold`) when no push came to do it: a source that has read
  // everything pushes nothing, and its held batches would otherwise wait for the sink for good.
  void tick() override;
  void close() override;
  std::size_t abandon() override;

  std::uint64_t bytes() const override;
  std::uint64_t max_bytes() const override { return config_.max_bytes.bytes; }
  bool durable() const override { return true; }
  std::uint64_t pending_batches() const override;

 private:
  using Clock = std::chrono::steady_clock;
  // Delivery::sequence of a held batch: its id with this bit set (frame sequence numbers never reach it).
  static constexpr std::uint64_t kHeldBit = std::uint64_t{1} << 63;

  // A batch held in memory instead of written; its source's AckGroup is released when the sink acknowledges
  // it, or, once it is written after all, when its frame is durable.
  struct Held {
    std::uint64_t id = 0;
    std::shared_ptr<const Batch> batch;
    std::shared_ptr<AckGroup> ack;
    std::size_t bytes = 0;
    std::size_t events = 0;
    Clock::time_point since{};
    std::uint64_t written_seq = 0;  // in flight and written after all: its frame (the reader skips it)
  };

  // Appends the batch's frame, waiting while the channel is full or cannot write (`when_full`). False when it
  // was not stored (dropped, or the channel closed; the AckGroup is failed then).
  Awaitable<bool> write_frame(std::shared_ptr<const Batch> batch, std::shared_ptr<AckGroup> ack,
                              std::size_t events);
  // Appends `frame` (the encoded `batch`) if the storage takes it now, and keeps the batch in memory for the
  // reader when it fits. `ack` is released when the frame is durable, or failed if it never is.
  std::error_code try_append_frame(std::span<const std::byte> frame, std::shared_ptr<const Batch> batch,
                                   const std::shared_ptr<AckGroup>& ack);
  // Under mutex_: takes every waiting held batch out to be written, and marks a spill as under way.
  std::deque<Held> begin_spill_locked();
  // Writes every waiting held batch, in order, before the caller writes its own; one spill at a time.
  Awaitable<void> spill_waiting();
  // The same without waiting, when the oldest waiting batch is overdue (from tick()): what cannot be written
  // now (a full channel, an I/O error) waits on as it was.
  void spill_overdue_waiting();
  // Writes the held batches the sink has and has not acknowledged `hold` after they came, once each, without
  // waiting: their sources are then acknowledged when the frame is durable. Errors leave them held.
  void write_through_overdue();
  // Under mutex_: may a new batch be held (nothing spilling, every appended frame read, nothing overdue)?
  bool may_hold_locked(Clock::time_point now) const;
  bool held_fits_locked(std::size_t bytes) const {
    // A batch larger than the whole limit is held when nothing else waits, or it could never be.
    return waiting_.empty() || waiting_bytes_ + bytes <= held_limit_;
  }
  // Held batches not written: waiting, or in flight.
  std::uint64_t held_batches_locked() const;
  // Fails the AckGroups of every unwritten held batch and forgets them all (abandon, destruction).
  std::vector<std::shared_ptr<AckGroup>> drop_held_locked();
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
  Counter& held_;
  Counter& spilled_;
  Gauge& held_bytes_gauge_;
  log::RateLimit full_log_;
  log::RateLimit error_log_;

  std::unique_ptr<channel::Channel> storage_;
  std::unique_ptr<channel::Reader> reader_;
  channel::Frame frame_;  // reused for every read; touched by the sink's strand only

  mutable std::mutex mutex_;
  // Held by write_through_overdue() from before a frame is appended until it is registered; the reader takes
  // it before mutex_ to decide on a frame it read.
  std::mutex write_through_mutex_;
  bool closed_ = false;
  bool abandoned_ = false;
  std::uint64_t space_generation_ = 0;  // bumped by the storage's space-available callback
  std::uint64_t data_generation_ = 0;   // bumped by the reader's data-available callback
  std::set<std::uint64_t> unacked_;     // read but not yet acknowledged by the sink
  std::set<std::uint64_t> acked_;       // acknowledged, waiting for the lower ones
  std::map<std::uint64_t, std::pair<std::shared_ptr<const Batch>, std::size_t>> recent_;  // seq: batch, bytes
  std::size_t recent_bytes_ = 0;
  std::size_t recent_limit_ = 0;  // batches the channel keeps in memory: recent and waiting held ones
  std::size_t held_limit_ = 0;    // held batches waiting for the sink (part of recent_limit_)
  WaitQueue space_waiters_;
  WaitQueue data_waiters_;
  std::vector<ByteBuffer> spare_frames_;

  const Clock::duration hold_;
  std::deque<Held> waiting_;                   // held, not yet taken by the sink; oldest first
  std::map<std::uint64_t, Held> in_flight_;    // held, taken by the sink, not yet acknowledged; by id
  std::set<std::uint64_t> written_in_flight_;  // frames of in-flight held batches: read past, not delivered
  std::size_t held_bytes_ = 0;                 // waiting and in flight (the gauges)
  std::size_t waiting_bytes_ = 0;              // waiting (against held_limit_)
  std::uint64_t next_held_id_ = 0;
  std::uint64_t next_seq_ = 0;   // after the last frame this channel appended (or found at open)
  std::uint64_t read_next_ = 0;  // after the last frame the reader returned (or the reader's position)
  bool spilling_ = false;
  WaitQueue room_waiters_;  // pushes waiting for held memory, or for a spill to finish
};

}  // namespace pyrolog
