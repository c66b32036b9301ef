#include "runtime/disk_channel.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "codec/batch_codec.h"

namespace pyrolog {

namespace {
constexpr std::string_view kReaderName = "sink";
constexpr std::uint64_t kMinSegmentBytes = 1024 * 1024;
// Recent batches kept in memory for the sink, which reads a group commit's frames at a time.
constexpr std::uint64_t kRecentBatchBytes = 32 * 1024 * 1024;

channel::SyncPolicy sync_policy(ChannelSync sync) {
  switch (sync) {
    case ChannelSync::always:
      return channel::SyncPolicy::always;
    case ChannelSync::interval:
      return channel::SyncPolicy::interval;
    case ChannelSync::never:
      return channel::SyncPolicy::never;
  }
  return channel::SyncPolicy::interval;
}
}  // namespace

DiskChannel::DiskChannel(const ChannelConfig& config, std::filesystem::path directory,
                         ComponentMetrics& sink_metrics, std::string sink_name)
    : config_(config),
      directory_(std::move(directory)),
      metrics_(sink_metrics),
      sink_name_(std::move(sink_name)),
      bytes_gauge_(sink_metrics.gauge("channel_bytes", "Bytes held in the channel in front of a sink.")),
      lag_gauge_(sink_metrics.gauge("channel_lag_batches",
                                    "Batches in the channel that the sink has not acknowledged.")),
      lag_bytes_gauge_(sink_metrics.gauge(
          "channel_lag_bytes", "Disk channel: bytes of segment data the sink has not acknowledged.")),
      segments_gauge_(sink_metrics.gauge("channel_segments", "Disk channel: segment files on disk.")),
      io_errors_(sink_metrics.counter("channel_io_errors",
                                      "Channel appends or reads that failed with an I/O error (a full "
                                      "disk); they are retried.")),
      from_memory_(
          sink_metrics.counter("channel_batches_from_memory",
                               "Disk channel: batches handed to the sink from memory, without reading "
                               "their frames back from disk (they are on disk all the same).")),
      from_disk_(sink_metrics.counter("channel_batches_from_disk",
                                      "Disk channel: batches handed to the sink by reading their frames "
                                      "back from disk and decoding them (it was behind by more than the "
                                      "recent batches kept in memory, or the agent restarted).")),
      redelivered_(redelivered_batches(sink_metrics)),
      held_(sink_metrics.counter(
          "channel_batches_held",
          "Disk channel: batches of sources that can read their data again (tail, spool_dir, kafka) held in "
          "memory for the sink instead of written (`hold`); those not also counted as spilled were never "
          "written.")),
      spilled_(
          sink_metrics.counter("channel_batches_spilled",
                               "Disk channel: held batches written after all: the sink did not take them, "
                               "or acknowledge them, within `hold`, or held batches filled their memory.")),
      held_bytes_gauge_(sink_metrics.gauge(
          "channel_held_bytes", "Disk channel: memory of the batches held for the sink, not written.")),
      hold_(config.hold) {
  sink_metrics.gauge("channel_max_bytes", "Capacity of the channel in front of a sink, in bytes.")
      .set(static_cast<std::int64_t>(config_.max_bytes.bytes));
}

DiskChannel::~DiskChannel() {
  std::vector<std::shared_ptr<AckGroup>> undelivered;
  {
    // Their sources must not move past them (an AckGroup released without fail() succeeds).
    std::lock_guard lock(mutex_);
    undelivered = drop_held_locked();
  }
  reader_.reset();
  if (storage_) storage_->close();
}

void DiskChannel::open() {
  channel::Options options;
  options.directory = directory_;
  options.sync = sync_policy(config_.sync);
  options.sync_interval = config_.sync_interval;
  options.max_bytes = config_.max_bytes.bytes;
  // Several segments fit in max_bytes, so acknowledged ones can be deleted while new ones fill; and a segment
  // always holds the largest batch a source makes.
  options.segment_bytes = std::min(config_.segment_bytes.bytes,
                                   std::max<std::uint64_t>(config_.max_bytes.bytes / 4, kMinSegmentBytes));
  options.readers = {std::string(kReaderName)};
  recent_limit_ = static_cast<std::size_t>(std::min(kRecentBatchBytes, config_.max_bytes.bytes / 8));
  // Held batches waiting for the sink only bridge the time until it takes the next one (what it has taken is
  // bounded by its own window), so a quarter of that memory is enough; with all of it, the agent of
  // bench/kafka_bench.py peaked higher at the same rate.
  held_limit_ = recent_limit_ / 4;
  // Frames are about a quarter of the memory their batches take: commit groups of this size fit in memory
  // (above), so a sink that keeps up takes them from there.
  options.sync_bytes = recent_limit_ / 8;
  options.on_event = [name = sink_name_](const channel::Event& event) {
    if (event.severity == channel::Severity::info) {
      log::info(name, "channel: {}", event.message);
    } else if (event.severity == channel::Severity::warning) {
      log::warn(name, "channel: {}", event.message);
    } else {
      log::error(name, "channel: {}", event.message);
    }
  };
  auto opened = channel::Channel::open(options);
  if (!opened) {
    throw std::runtime_error(
        fmt::format("cannot open the channel in {}: {}", directory_.string(), opened.error().message()));
  }
  storage_ = std::move(*opened);
  auto reader = storage_->open_reader(kReaderName);
  if (!reader) {
    throw std::runtime_error(fmt::format("cannot open the channel reader in {}: {}", directory_.string(),
                                         reader.error().message()));
  }
  reader_ = std::move(*reader);
  storage_->set_space_available_callback([this] {
    std::lock_guard lock(mutex_);
    ++space_generation_;
    space_waiters_.notify_all();
  });
  reader_->set_data_available_callback([this] {
    std::lock_guard lock(mutex_);
    ++data_generation_;
    data_waiters_.notify_all();
  });
  const auto stats = storage_->stats();
  next_seq_ = stats.next_seq;
  for (const auto& r : stats.readers)
    if (r.name == kReaderName) read_next_ = r.acked_next_seq;
  if (stats.committed_seq > 0 || stats.retained_bytes > 0) {
    log::info(sink_name_, "channel {}: {} segment(s), {} bytes kept from before", directory_.string(),
              stats.segments, stats.retained_bytes);
  }
  update_gauges();
}

ByteBuffer DiskChannel::take_frame_buffer() {
  std::lock_guard lock(mutex_);
  if (spare_frames_.empty()) return {};
  ByteBuffer buffer = std::move(spare_frames_.back());
  spare_frames_.pop_back();
  return buffer;
}

void DiskChannel::give_back(ByteBuffer buffer) {
  // As many as there are pushes at once, usually one per source; a buffer grown by an outsized batch goes.
  constexpr std::size_t kSpareFrames = 4;
  constexpr std::size_t kLargestKept = 16 << 20;
  if (buffer.capacity() > kLargestKept) return;
  std::lock_guard lock(mutex_);
  if (spare_frames_.size() < kSpareFrames) spare_frames_.push_back(std::move(buffer));
}

Awaitable<void> DiskChannel::push(Batch batch) {
  const std::size_t events = batch.size();
  const std::size_t bytes = batch.byte_size();
  std::shared_ptr<AckGroup> ack = batch.take_ack();
  auto shared = std::make_shared<const Batch>(std::move(batch));
  if (ack && hold_ > Clock::duration::zero()) {
    write_through_overdue();
    const auto deadline = Clock::now() + hold_;
    for (;;) {
      {
        std::lock_guard lock(mutex_);
        if (closed_) {  // refused, as an append after close is: the source keeps its position
          ack->fail();
          co_return;
        }
        if (!may_hold_locked(Clock::now())) break;
        if (held_fits_locked(bytes)) {
          waiting_.push_back(
              Held{next_held_id_++, std::move(shared), std::move(ack), bytes, events, Clock::now()});
          held_bytes_ += bytes;
          waiting_bytes_ += bytes;
          ++data_generation_;
          data_waiters_.notify_all();
          held_.add();
          metrics_.received_events.add(events);
          held_bytes_gauge_.set(static_cast<std::int64_t>(held_bytes_));
          co_return;
        }
      }
      // The held batches fill their memory: give the sink until `hold` to free some, then write ahead.
      const bool room = co_await room_waiters_.wait_until(mutex_, deadline, [&] {
        return closed_ || !may_hold_locked(Clock::now()) || held_fits_locked(bytes);
      });
      if (!room) break;
    }
  }
  // What this source has held goes first. A batch of another kind of source does not wait for that: order
  // is kept within a source, and those never hold.
  if (ack) co_await spill_waiting();
  if (co_await write_frame(std::move(shared), std::move(ack), events)) metrics_.received_events.add(events);
  update_gauges();
}

bool DiskChannel::may_hold_locked(Clock::time_point now) const {
  if (spilling_ || read_next_ < next_seq_) return false;
  return waiting_.empty() || now - waiting_.front().since < hold_;
}

Awaitable<void> DiskChannel::spill_waiting() {
  std::deque<Held> spill;
  {
    std::lock_guard lock(mutex_);
    if (!spilling_ && waiting_.empty()) co_return;  // the common case: nothing held, nothing to wait for
  }
  for (;;) {
    co_await room_waiters_.wait(mutex_, [&] { return !spilling_; });
    std::lock_guard lock(mutex_);
    if (spilling_) continue;  // another push began one since
    if (waiting_.empty()) co_return;
    spill = begin_spill_locked();
    break;
  }
  for (Held& h : spill) {
    spilled_.add();
    co_await write_frame(std::move(h.batch), std::move(h.ack), h.events);
  }
  std::lock_guard lock(mutex_);
  spilling_ = false;
  room_waiters_.notify_all();
}

std::deque<DiskChannel::Held> DiskChannel::begin_spill_locked() {
  std::deque<Held> spill;
  spill.swap(waiting_);
  spilling_ = true;  // pushes wait until these are written: they go first
  for (const Held& h : spill) {
    held_bytes_ -= h.bytes;
    waiting_bytes_ -= h.bytes;
  }
  return spill;
}

void DiskChannel::tick() {
  if (hold_ == Clock::duration::zero()) return;
  write_through_overdue();
  spill_overdue_waiting();
  update_gauges();
}

void DiskChannel::spill_overdue_waiting() {
  std::deque<Held> spill;
  {
    std::lock_guard lock(mutex_);
    if (closed_ || spilling_ || waiting_.empty() || Clock::now() - waiting_.front().since < hold_) return;
    spill = begin_spill_locked();
  }
  std::size_t written = 0;
  for (; written < spill.size(); ++written) {
    const Held& h = spill[written];
    ByteBuffer frame = take_frame_buffer();
    encode_batch(*h.batch, config_.compression, frame);
    const auto ec = try_append_frame(
        std::span<const std::byte>(reinterpret_cast<const std::byte*>(frame.data()), frame.size()), h.batch,
        h.ack);
    give_back(std::move(frame));
    if (ec) break;  // full, or cannot write: the rest wait as they were, for the next push or tick
    spilled_.add();
  }
  std::lock_guard lock(mutex_);
  for (std::size_t i = spill.size(); i-- > written;) {
    held_bytes_ += spill[i].bytes;
    waiting_bytes_ += spill[i].bytes;
    waiting_.push_front(std::move(spill[i]));
  }
  spilling_ = false;
  room_waiters_.notify_all();
}

void DiskChannel::write_through_overdue() {
  // One at a time (a push and a tick may come at once: a batch is written once), and the reader waits for it
  // before it decides on a frame: a frame is registered as a held batch's only after try_append made it
  // visible, and read before that, it would be delivered beside the batch.
  std::lock_guard writing(write_through_mutex_);
  std::vector<std::pair<std::uint64_t, std::shared_ptr<const Batch>>> overdue;
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    for (const auto& [id, h] : in_flight_)
      if (h.written_seq == 0 && h.ack && now - h.since >= hold_) overdue.emplace_back(id, h.batch);
  }
  for (auto& [id, batch] : overdue) {
    std::shared_ptr<AckGroup> ack;
    {
      std::lock_guard lock(mutex_);
      auto it = in_flight_.find(id);
      if (it == in_flight_.end()) continue;  // acknowledged meanwhile
      ack = it->second.ack;
    }
    ByteBuffer frame = take_frame_buffer();
    encode_batch(*batch, config_.compression, frame);
    std::uint64_t seq = 0;
    const auto ec = storage_->try_append(
        std::span<const std::byte>(reinterpret_cast<const std::byte*>(frame.data()), frame.size()),
        [ack](std::error_code error, std::uint64_t) {
          if (error) ack->fail();
        },
        &seq);
    give_back(std::move(frame));
    if (ec) return;  // full, or cannot write: they stay held, and are tried again with the next push or tick
    spilled_.add();
    std::lock_guard lock(mutex_);
    next_seq_ = std::max(next_seq_, seq + 1);
    auto it = in_flight_.find(id);
    if (it == in_flight_.end()) {
      // Delivered while it was written, or handed back by `redeliver` (then delivered again from memory):
      // the reader passes its frame.
      acked_.insert(seq);
      continue;
    }
    // The frame now acknowledges the source once durable; the sink's acknowledgement moves the reader past
    // it.
    it->second.written_seq = seq;
    it->second.ack.reset();
    written_in_flight_.insert(seq);
  }
}

std::error_code DiskChannel::try_append_frame(std::span<const std::byte> frame,
                                              std::shared_ptr<const Batch> batch,
                                              const std::shared_ptr<AckGroup>& ack) {
  // The callback holds the source's finalizer until the frame is durable, or fails it if it never is.
  std::uint64_t seq = 0;
  const auto ec = storage_->try_append(
      frame,
      [ack](std::error_code error, std::uint64_t) {
        if (error && ack) ack->fail();
      },
      &seq);
  if (ec) return ec;
  const std::size_t bytes = batch->byte_size();
  std::lock_guard lock(mutex_);
  next_seq_ = std::max(next_seq_, seq + 1);
  if (!closed_ && recent_bytes_ + waiting_bytes_ + bytes <= recent_limit_) {
    recent_.emplace(seq, std::make_pair(std::move(batch), bytes));
    recent_bytes_ += bytes;
  }
  return {};
}

Awaitable<bool> DiskChannel::write_frame(std::shared_ptr<const Batch> batch, std::shared_ptr<AckGroup> ack,
                                         std::size_t events) {
  struct FrameLease {
    DiskChannel& channel;
    ByteBuffer buffer;
    ~FrameLease() { channel.give_back(std::move(buffer)); }
  } lease{*this, take_frame_buffer()};
  ByteBuffer& frame = lease.buffer;
  encode_batch(*batch, config_.compression, frame);
  const auto payload =
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(frame.data()), frame.size());
  std::chrono::milliseconds backoff{50};
  for (;;) {
    std::uint64_t seen_space = 0;
    {
      std::lock_guard lock(mutex_);
      seen_space = space_generation_;
    }
    const auto ec = try_append_frame(payload, batch, ack);
    if (!ec) co_return true;
    if (ec == channel::Errc::closed) {
      if (ack) ack->fail();
      co_return false;
    }
    if (ec == channel::Errc::frame_too_large) {
      // A batch bigger than a segment can hold: it can never be stored, so waiting would block forever.
      metrics_.dropped("frame_too_large").add(events);
      log::error(sink_name_,
                 "dropped a batch of {} events: {} bytes encoded is more than the channel's largest frame; "
                 "raise channel.segment_bytes",
                 events, frame.size());
      co_return false;
    }
    if (ec == channel::Errc::full) {
      if (config_.when_full == WhenFull::drop_newest) {
        metrics_.dropped("channel_full").add(events);
        std::uint64_t suppressed = 0;
        if (full_log_.allow(suppressed)) {
          log::warn(sink_name_,
                    "channel full ({} bytes): dropped a batch of {} events ({} more since last said)",
                    config_.max_bytes.bytes, events, suppressed);
        }
        co_return false;
      }
      co_await space_waiters_.wait(mutex_, [&] { return space_generation_ != seen_space || closed_; });
      {
        std::lock_guard lock(mutex_);
        if (closed_) {  // abandoned while full: the source keeps its position
          if (ack) ack->fail();
          co_return false;
        }
      }
      continue;
    }
    // An I/O error (a full disk): nothing of the frame was kept. Wait, then try again; the sources pause.
    io_errors_.add();
    metrics_.errors.add();
    std::uint64_t suppressed = 0;
    if (error_log_.allow(suppressed)) {
      log::error(sink_name_,
                 "channel cannot write in {}: {}; sources are paused until it can ({} more errors)",
                 directory_.string(), ec.message(), suppressed);
    }
    asio::steady_timer timer(co_await asio::this_coro::executor, backoff);
    boost::system::error_code wait_ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    {
      std::lock_guard lock(mutex_);
      if (closed_ && abandoned_) {
        if (ack) ack->fail();
        co_return false;
      }
    }
  }
}

Awaitable<std::optional<Delivery>> DiskChannel::pop() {
  std::chrono::milliseconds backoff{50};
  for (;;) {
    std::uint64_t seen_data = 0;
    std::uint64_t appended = 0;
    bool maybe_behind = false;
    {
      std::lock_guard lock(mutex_);
      if (abandoned_) co_return std::nullopt;
      seen_data = data_generation_;
      appended = next_seq_;
      maybe_behind = read_next_ < next_seq_;
    }
    // Taken before the read: if the read finds nothing, every frame committed by then was read, and gaps
    // (appends whose sync failed) are passed too.
    const std::uint64_t committed = maybe_behind ? storage_->stats().committed_seq : 0;
    std::shared_ptr<const Batch> recent;
    // A payload read from disk goes straight into the buffer the decoded batch keeps.
    std::unique_ptr<char[]> buffer;
    std::size_t size = 0;
    auto read = reader_->read(
        frame_, [&](std::uint64_t seq) { return take_recent(seq, recent); },
        [&](std::size_t length) {
          buffer = std::make_unique_for_overwrite<char[]>(length);
          size = length;
          return std::span<std::byte>(reinterpret_cast<std::byte*>(buffer.get()), length);
        });
    if (!read) {
      io_errors_.add();
      std::uint64_t suppressed = 0;
      if (error_log_.allow(suppressed)) {
        log::error(sink_name_, "channel cannot read in {}: {}; retrying", directory_.string(),
                   read.error().message());
      }
      asio::steady_timer timer(co_await asio::this_coro::executor, backoff);
      boost::system::error_code wait_ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
      backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
      continue;
    }
    if (*read) {
      bool delivered = false;
      {
        std::lock_guard written(write_through_mutex_);  // a frame being written through is registered first
        std::lock_guard lock(mutex_);
        read_next_ = std::max(read_next_, frame_.seq + 1);
        unacked_.insert(frame_.seq);
        delivered = acked_.contains(frame_.seq);
        // The frame of a held batch the sink has in flight: passed now, acknowledged with that batch.
        if (!delivered && written_in_flight_.contains(frame_.seq)) continue;
      }
      if (delivered) {  // read again after `redeliver`, but acknowledged before it: not delivered twice
        Delivery skip;
        skip.sequence = frame_.seq;
        ack(std::move(skip));
        continue;
      }
    }
    if (*read && recent) {
      from_memory_.add();
      Delivery d;
      d.sequence = frame_.seq;
      d.batch = std::move(recent);
      co_return d;
    }
    if (*read) {
      DecodeError error;
      auto batch = decode_batch(std::move(buffer), size, error);
      const std::uint64_t seq = frame_.seq;
      if (!batch) {
        metrics_.dropped("undecodable_frame").add();
        log::error(sink_name_, "channel frame {} in {} cannot be decoded ({}); skipped", seq,
                   directory_.string(), error.message);
        Delivery skip;
        skip.sequence = seq;
        ack(std::move(skip));
        continue;
      }
      from_disk_.add();
      Delivery d;
      d.sequence = seq;
      d.batch = std::make_shared<const Batch>(std::move(*batch));
      co_return d;
    }
    // Nothing on disk to read: a held batch comes next, once every frame appended before it was read.
    {
      std::lock_guard lock(mutex_);
      if (maybe_behind && committed >= appended) read_next_ = std::max(read_next_, appended);
      if (read_next_ >= next_seq_ && !waiting_.empty()) {
        Held h = std::move(waiting_.front());
        waiting_.pop_front();
        waiting_bytes_ -= h.bytes;  // the sink's window bounds it from here
        room_waiters_.notify_all();
        const std::uint64_t id = h.id;
        Delivery d;
        d.sequence = kHeldBit | id;
        d.batch = h.batch;
        in_flight_.emplace(id, std::move(h));
        co_return d;
      }
      // Closed means every push has returned and `close` made them all visible.
      if (closed_ && waiting_.empty()) co_return std::nullopt;
    }
    co_await data_waiters_.wait(mutex_,
                                [&] { return data_generation_ != seen_data || closed_ || abandoned_; });
  }
}

bool DiskChannel::take_recent(std::uint64_t seq, std::shared_ptr<const Batch>& taken) {
  std::lock_guard lock(mutex_);
  auto it = recent_.begin();
  for (; it != recent_.end() && it->first < seq; ++it)  // passed (read from disk, or before a rewind)
    recent_bytes_ -= it->second.second;
  if (it != recent_.end() && it->first == seq) {
    taken = std::move(it->second.first);
    recent_bytes_ -= it->second.second;
    ++it;
  }
  recent_.erase(recent_.begin(), it);
  return taken != nullptr;
}

void DiskChannel::ack(Delivery delivery) {
  std::optional<std::uint64_t> advance_to;
  Held done;  // released after the lock: the last reference to its AckGroup runs the source's finalizer
  {
    std::lock_guard lock(mutex_);
    std::uint64_t seq = delivery.sequence;
    if (seq & kHeldBit) {
      auto it = in_flight_.find(seq & ~kHeldBit);
      if (it == in_flight_.end()) return;  // abandoned meanwhile
      done = std::move(it->second);
      in_flight_.erase(it);
      held_bytes_ -= done.bytes;
      held_bytes_gauge_.set(static_cast<std::int64_t>(held_bytes_));
      if (done.written_seq == 0) return;
      // Written after all while in flight: its frame is passed like any acknowledged one.
      seq = done.written_seq;
      written_in_flight_.erase(seq);
    }
    acked_.insert(seq);
    // The cursor moves over the longest run of acknowledged batches from the oldest one not yet acknowledged.
    while (!unacked_.empty() && acked_.contains(*unacked_.begin())) {
      advance_to = *unacked_.begin();
      acked_.erase(*advance_to);
      unacked_.erase(unacked_.begin());
    }
  }
  if (advance_to) {
    if (auto ec = reader_->ack(*advance_to)) {
      log::error(sink_name_, "channel: acknowledging up to frame {} failed: {}", *advance_to, ec.message());
    }
  }
  update_gauges();
}

void DiskChannel::redeliver() {
  std::size_t again = 0;
  {
    std::lock_guard lock(mutex_);
    for (auto seq : unacked_)
      if (!acked_.contains(seq) && !written_in_flight_.contains(seq)) ++again;
    // Read again from the oldest unacknowledged frame; those acknowledged since stay in `acked_`.
    unacked_.clear();
    // Held batches in flight go back to the front of the queue; those written after all are read again
    // from their frames.
    for (auto it = in_flight_.rbegin(); it != in_flight_.rend(); ++it) {
      ++again;
      if (it->second.written_seq != 0) {
        written_in_flight_.erase(it->second.written_seq);
        held_bytes_ -= it->second.bytes;
      } else {
        waiting_bytes_ += it->second.bytes;
        waiting_.push_front(std::move(it->second));
      }
    }
    in_flight_.clear();
    room_waiters_.notify_all();
  }
  reader_->rewind();  // not under mutex_: the reader's lock comes first (take_recent)
  {
    // Frames from the reader's position on are read again before any held batch is handed out.
    const auto stats = storage_->stats();
    std::lock_guard lock(mutex_);
    for (const auto& r : stats.readers)
      if (r.name == kReaderName) read_next_ = r.acked_next_seq;
  }
  redelivered_.add(again);
}

void DiskChannel::close() {
  // Every push has returned: make what they appended durable and visible, so the sink can drain it.
  if (storage_) {
    if (auto ec = storage_->flush())
      log::error(sink_name_, "channel: flush on close failed: {}", ec.message());
  }
  std::lock_guard lock(mutex_);
  closed_ = true;
  space_waiters_.notify_all();
  data_waiters_.notify_all();
}

std::size_t DiskChannel::abandon() {
  std::vector<std::shared_ptr<AckGroup>> failed;
  std::lock_guard lock(mutex_);
  closed_ = true;
  abandoned_ = true;
  recent_.clear();
  recent_bytes_ = 0;
  failed = drop_held_locked();
  space_waiters_.notify_all();
  data_waiters_.notify_all();
  room_waiters_.notify_all();
  // What is left stays on disk for the next start, and the sources of held batches read them again: nothing
  // is lost.
  return 0;
}

std::vector<std::shared_ptr<AckGroup>> DiskChannel::drop_held_locked() {
  std::vector<std::shared_ptr<AckGroup>> acks;
  for (Held& h : waiting_)
    if (h.ack) acks.push_back(std::move(h.ack));
  for (auto& [id, h] : in_flight_)
    if (h.ack) acks.push_back(std::move(h.ack));
  for (auto& a : acks)
    a->fail();
  waiting_.clear();
  in_flight_.clear();
  written_in_flight_.clear();
  held_bytes_ = 0;
  waiting_bytes_ = 0;
  return acks;
}

std::uint64_t DiskChannel::bytes() const {
  std::uint64_t held = 0;
  {
    std::lock_guard lock(mutex_);
    held = held_bytes_;
  }
  return held + (storage_ ? storage_->stats().retained_bytes : 0);
}

void DiskChannel::update_gauges() {
  if (!storage_) return;
  const auto stats = storage_->stats();
  std::size_t held_bytes = 0;
  std::uint64_t held_batches = 0;
  {
    std::lock_guard lock(mutex_);
    held_bytes = held_bytes_;
    held_batches = held_batches_locked();
  }
  bytes_gauge_.set(static_cast<std::int64_t>(stats.retained_bytes + held_bytes));
  held_bytes_gauge_.set(static_cast<std::int64_t>(held_bytes));
  segments_gauge_.set(static_cast<std::int64_t>(stats.segments));
  for (const auto& r : stats.readers) {
    if (r.name != kReaderName) continue;
    lag_gauge_.set(static_cast<std::int64_t>(r.lag_frames + held_batches));
    lag_bytes_gauge_.set(static_cast<std::int64_t>(r.lag_bytes));
  }
}

std::uint64_t DiskChannel::held_batches_locked() const {
  std::uint64_t held = waiting_.size();
  for (const auto& [id, h] : in_flight_)
    if (h.written_seq == 0) ++held;  // the others are counted by their frames
  return held;
}

std::uint64_t DiskChannel::pending_batches() const {
  std::uint64_t held = 0;
  {
    std::lock_guard lock(mutex_);
    held = held_batches_locked();
  }
  if (!storage_) return held;
  for (const auto& r : storage_->stats().readers) {
    if (r.name == kReaderName) return held + r.lag_frames;
  }
  return held;
}

}  // namespace pyrolog
