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
      redelivered_(redelivered_batches(sink_metrics)) {
  sink_metrics.gauge("channel_max_bytes", "Capacity of the channel in front of a sink, in bytes.")
      .set(static_cast<std::int64_t>(config_.max_bytes.bytes));
}

DiskChannel::~DiskChannel() {
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
  struct FrameLease {
    DiskChannel& channel;
    ByteBuffer buffer;
    ~FrameLease() { channel.give_back(std::move(buffer)); }
  } lease{*this, take_frame_buffer()};
  ByteBuffer& frame = lease.buffer;
  encode_batch(batch, config_.compression, frame);
  std::shared_ptr<AckGroup> ack = batch.take_ack();
  const auto payload =
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(frame.data()), frame.size());
  std::chrono::milliseconds backoff{50};
  for (;;) {
    std::uint64_t seen_space = 0;
    {
      std::lock_guard lock(mutex_);
      seen_space = space_generation_;
    }
    // The callback holds the source's finalizer until the frame is durable, or fails it if it never is.
    std::uint64_t seq = 0;
    const auto ec = storage_->try_append(
        payload,
        [ack](std::error_code error, std::uint64_t) {
          if (error && ack) ack->fail();
        },
        &seq);
    if (!ec) {
      const std::size_t bytes = batch.byte_size();
      {
        std::lock_guard lock(mutex_);
        if (!closed_ && recent_bytes_ + bytes <= recent_limit_) {
          recent_.emplace(seq, std::make_pair(std::make_shared<const Batch>(std::move(batch)), bytes));
          recent_bytes_ += bytes;
        }
      }
      metrics_.received_events.add(events);
      update_gauges();
      co_return;
    }
    if (ec == channel::Errc::closed) {
      if (ack) ack->fail();
      co_return;
    }
    if (ec == channel::Errc::frame_too_large) {
      // A batch bigger than a segment can hold: it can never be stored, so waiting would block forever.
      metrics_.dropped("frame_too_large").add(events);
      log::error(sink_name_,
                 "dropped a batch of {} events: {} bytes encoded is more than the channel's largest frame; "
                 "raise channel.segment_bytes",
                 events, frame.size());
      co_return;
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
        co_return;
      }
      co_await space_waiters_.wait(mutex_, [&] { return space_generation_ != seen_space || closed_; });
      {
        std::lock_guard lock(mutex_);
        if (closed_) {  // abandoned while full: the source keeps its position
          if (ack) ack->fail();
          co_return;
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
        co_return;
      }
    }
  }
}

Awaitable<std::optional<Delivery>> DiskChannel::pop() {
  std::chrono::milliseconds backoff{50};
  for (;;) {
    std::uint64_t seen_data = 0;
    {
      std::lock_guard lock(mutex_);
      if (abandoned_) co_return std::nullopt;
      seen_data = data_generation_;
    }
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
        std::lock_guard lock(mutex_);
        unacked_.insert(frame_.seq);
        delivered = acked_.contains(frame_.seq);
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
    // Nothing to read for now. Closed means every push has returned and `close` made them all visible.
    {
      std::lock_guard lock(mutex_);
      if (closed_) co_return std::nullopt;
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
  {
    std::lock_guard lock(mutex_);
    acked_.insert(delivery.sequence);
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
      if (!acked_.contains(seq)) ++again;
    // Read again from the oldest unacknowledged frame; those acknowledged since stay in `acked_`.
    unacked_.clear();
  }
  reader_->rewind();  // not under mutex_: the reader's lock comes first (take_recent)
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
  std::lock_guard lock(mutex_);
  closed_ = true;
  abandoned_ = true;
  recent_.clear();
  recent_bytes_ = 0;
  space_waiters_.notify_all();
  data_waiters_.notify_all();
  // What is left stays on disk for the next start: nothing is lost.
  return 0;
}

std::uint64_t DiskChannel::bytes() const {
  return storage_ ? storage_->stats().retained_bytes : 0;
}

void DiskChannel::update_gauges() {
  if (!storage_) return;
  const auto stats = storage_->stats();
  bytes_gauge_.set(static_cast<std::int64_t>(stats.retained_bytes));
  segments_gauge_.set(static_cast<std::int64_t>(stats.segments));
  for (const auto& r : stats.readers) {
    if (r.name != kReaderName) continue;
    lag_gauge_.set(static_cast<std::int64_t>(r.lag_frames));
    lag_bytes_gauge_.set(static_cast<std::int64_t>(r.lag_bytes));
  }
}

std::uint64_t DiskChannel::pending_batches() const {
  if (!storage_) return 0;
  for (const auto& r : storage_->stats().readers) {
    if (r.name == kReaderName) return r.lag_frames;
  }
  return 0;
}

}  // namespace pyrolog
