#include "channel/channel_core.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <limits>
#include <sys/file.h>

#include "channel/crc32c.h"
#include "channel/cursor_store.h"
#include "channel/directory_layout.h"
#include "channel/errors.h"
#include "channel/file_io.h"
#include "channel/recovery.h"

namespace pyrolog::channel::detail {

Result<std::shared_ptr<ChannelCore>> ChannelCore::open(Options options) {
  if (auto ec = validate(options)) return ec;
  std::error_code ec;
  std::filesystem::create_directories(options.directory, ec);
  if (ec) return ec;
  auto core = std::make_shared<ChannelCore>(std::move(options));
  if (auto start_error = core->start()) return start_error;
  return core;
}

ChannelCore::ChannelCore(Options options) : options_(std::move(options)), dir_(options_.directory) {}

ChannelCore::~ChannelCore() {
  close();
}

std::error_code ChannelCore::start() {
  auto lock = open_file(dir_ / kLockFileName, O_RDWR | O_CREAT, 0644);
  if (!lock) return lock.error();
  if (::flock(lock->get(), LOCK_EX | LOCK_NB) != 0) {
    return errno == EWOULDBLOCK ? std::error_code(Errc::locked) : errno_code(errno);
  }
  lock_fd_ = std::move(*lock);
  auto dir_fd = open_file(dir_, O_RDONLY | O_DIRECTORY);
  if (!dir_fd) return dir_fd.error();
  dir_fd_ = std::move(*dir_fd);

  auto recovered = recover_channel_directory(dir_, options_.readers);
  if (!recovered) return recovered.error();
  RecoveryResult& r = *recovered;
  Deferred deferred;
  {
    std::lock_guard lock_guard(mu_);
    for (const auto& s : r.segments) {
      segments_[s.id] = {s.id, s.first_seq, s.end};
      retained_bytes_ += s.end;
    }
    next_seq_ = r.next_seq;
    next_segment_id_ = r.next_segment_id;
    if (segments_.empty()) {
      written_ = committed_ = {0, 0, next_seq_};
    } else {
      const SegmentEntry& last = segments_.rbegin()->second;
      written_ = committed_ = {last.id, last.end, next_seq_};
      if (r.last_segment_appendable && last.end < options_.segment_bytes) {
        auto writer = SegmentWriter::open(dir_, last.id, last.end);
        if (writer) {
          active_ = std::move(*writer);
        } else {
          record_error_locked("open " + segment_file_name(last.id) + " for appending", writer.error(),
                              deferred, false);
        }
      }
    }
    for (const auto& reader : r.readers) {
      auto slot = std::make_shared<ReaderSlot>(reader.name);
      slot->acked_next = reader.cursor.next_seq;
      slot->hint_segment = reader.cursor.hint_segment;
      slot->hint_offset = reader.cursor.hint_offset;
      // A new or repaired cursor is written soon, so the reader is known (and not reported again) next time.
      slot->dirty = reader.rewrite;
      cursors_dirty_ = cursors_dirty_ || reader.rewrite;
      readers_.emplace(reader.name, std::move(slot));
    }
    corrupt_frames_ = r.corrupt_frames;
    corrupt_bytes_ = r.corrupt_bytes;
    corrupt_segment_headers_ = r.corrupt_segment_headers;
    torn_tails_ = r.torn_tails;
    torn_bytes_ = r.torn_bytes;
    io_errors_ = r.io_errors;
    damage_seen_.insert(r.damage_seen.begin(), r.damage_seen.end());
    recovery_events_ = r.events;
    // Segments that every reader had acknowledged (a crash between the cursor write and the deletion).
    reclaim_locked(false, deferred);
  }
  if (options_.on_event) {
    for (const auto& event : recovery_events_)
      options_.on_event(event);
  }
  finish(deferred);
  sync_thread_ = std::thread([this] { sync_loop(); });
  return {};
}

void ChannelCore::close() {
  std::lock_guard close_lock(close_mu_);
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    stopping_ = true;
  }
  sync_cv_.notify_all();
  if (sync_thread_.joinable()) sync_thread_.join();
  persist_dirty_cursors();
  Deferred deferred;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    active_.reset();
    unsynced_.clear();
    // Wake readers waiting for data: their next read() says the channel is closed.
    for (auto& [name, slot] : readers_)
      slot->armed = true;
    collect_data_callbacks_locked(deferred);
  }
  state_cv_.notify_all();
  finish(deferred);
  dir_fd_.reset();
  lock_fd_.reset();
}

std::error_code ChannelCore::try_append(std::span<const std::byte> payload, AppendCallback done,
                                        std::uint64_t* seq_out) {
  if (payload.size() > options_.max_frame_bytes) return Errc::frame_too_large;
  FrameHeader header;
  header.length = static_cast<std::uint32_t>(payload.size());
  header.payload_crc = crc32c(payload);  // outside the lock
  Deferred deferred;
  std::uint64_t seq = 0;
  bool acknowledge_now = false;
  std::error_code result;
  {
    std::lock_guard lock(mu_);
    result = append_locked(header, payload, deferred, seq);
    if (!result) {
      if (seq_out != nullptr) *seq_out = seq;
      if (options_.sync == SyncPolicy::never) {
        acknowledge_now = true;
      } else {
        pending_.push_back({seq, std::move(done)});
        const std::uint64_t before = bytes_since_sync_;
        bytes_since_sync_ += payload.size();
        const bool enough = options_.sync_bytes != 0 && before < options_.sync_bytes &&
                            bytes_since_sync_ >= options_.sync_bytes;
        if (options_.sync == SyncPolicy::always || pending_.size() == 1 || enough) sync_cv_.notify_one();
      }
    }
  }
  if (acknowledge_now) {
    state_cv_.notify_all();
    if (done) done({}, seq);
  }
  finish(deferred);
  return result;
}

std::error_code ChannelCore::append_locked(FrameHeader& header, std::span<const std::byte> payload,
                                           Deferred& deferred, std::uint64_t& seq) {
  if (stopping_ || closed_) return Errc::closed;
  const std::uint64_t need = frame_bytes(payload.size());
  if (active_ && (active_->broken() || active_->end() + need > options_.segment_bytes)) seal_active_locked();
  const auto over_limit = [&] {
    return retained_bytes_ + need + (active_ ? 0 : kSegmentHeaderSize) > options_.max_bytes;
  };
  if (over_limit()) {
    reclaim_locked(true, deferred);
    if (over_limit()) {
      space_armed_ = true;
      ++full_rejections_;
      return Errc::full;
    }
  }
  if (!active_) {
    const std::uint64_t id = next_segment_id_++;
    auto writer = SegmentWriter::create(dir_, id, next_seq_);
    if (!writer) {
      ++append_errors_;
      record_error_locked("create segment " + segment_file_name(id), writer.error(), deferred, true);
      return writer.error();
    }
    active_ = std::move(*writer);
    segments_[id] = {id, next_seq_, active_->end()};
    retained_bytes_ += active_->end();
    dir_dirty_ = true;
  }
  header.seq = next_seq_;
  const auto encoded = encode_frame_header(header);
  if (auto ec = active_->append(encoded, payload)) {
    ++next_seq_;  // never reuse a number that may have reached the disk
    ++append_errors_;
    record_error_locked("append to " + segment_file_name(active_->id()), ec, deferred, true);
    if (active_->broken()) seal_active_locked();
    return ec;
  }
  seq = next_seq_++;
  SegmentEntry& entry = segments_[active_->id()];
  retained_bytes_ += active_->end() - entry.end;
  entry.end = active_->end();
  written_ = {active_->id(), active_->end(), next_seq_};
  ++appended_frames_;
  appended_bytes_ += payload.size();
  if (options_.sync == SyncPolicy::never) {
    committed_ = written_;
    error_state_ = false;
    collect_data_callbacks_locked(deferred);
  }
  return {};
}

void ChannelCore::seal_active_locked() {
  if (!active_) return;
  // Its unsynced frames are synced by the next round, before anything written after them is acknowledged.
  if (options_.sync != SyncPolicy::never) unsynced_.push_back(std::move(active_));
  active_.reset();
}

void ChannelCore::reclaim_locked(bool recycle_active, Deferred& deferred) {
  if (readers_.empty()) return;  // nobody has acknowledged anything: keep everything
  std::uint64_t min_acked = std::numeric_limits<std::uint64_t>::max();
  for (const auto& [name, slot] : readers_)
    min_acked = std::min(min_acked, slot->acked_next);
  if (recycle_active && active_ && min_acked >= next_seq_ && pending_.empty() && committed_ == written_) {
    // Every frame of the active segment is acknowledged by every reader: close it so it can go too.
    active_.reset();
  }
  bool freed = false;
  for (auto it = segments_.begin(); it != segments_.end();) {
    const SegmentEntry& e = it->second;
    if (active_ && e.id == active_->id()) break;
    const auto next = std::next(it);
    // Every frame in the segment has a sequence number below the next segment's first.
    const std::uint64_t bound = next != segments_.end() ? next->second.first_seq : next_seq_;
    if (bound > min_acked) break;
    if (e.id > committed_.segment || (e.id == committed_.segment && e.end > committed_.end)) break;
    retained_bytes_ -= e.end;
    deferred.unlink_segments.push_back(e.id);
    damage_seen_.erase(damage_seen_.lower_bound({e.id, 0}), damage_seen_.lower_bound({e.id + 1, 0}));
    freed = true;
    it = segments_.erase(it);
  }
  if (freed && space_armed_) {
    space_armed_ = false;
    if (on_space_) deferred.calls.push_back(on_space_);
  }
}

void ChannelCore::collect_data_callbacks_locked(Deferred& deferred) {
  for (auto& [name, slot] : readers_) {
    if (!slot->armed) continue;
    slot->armed = false;
    if (slot->on_data) deferred.calls.push_back(slot->on_data);
  }
}

void ChannelCore::record_error_locked(const std::string& what, std::error_code error, Deferred& deferred,
                                      bool append_path) {
  ++io_errors_;
  // One event when appends start failing, not one per failed append.
  const bool repeat = append_path && error_state_ && error == last_error_;
  if (append_path) error_state_ = true;
  last_error_ = error;
  last_error_detail_ = what + ": " + error.message();
  if (repeat) return;
  Event event;
  event.severity = Severity::error;
  event.kind = EventKind::io_error;
  event.error = error;
  event.message = last_error_detail_;
  deferred.events.push_back(std::move(event));
}

void ChannelCore::finish(Deferred& deferred) {
  for (const std::uint64_t id : deferred.unlink_segments) {
    if (auto ec = remove_file(dir_ / segment_file_name(id))) {
      std::lock_guard lock(mu_);
      ++io_errors_;
      last_error_ = ec;
      last_error_detail_ = "delete " + segment_file_name(id) + ": " + ec.message();
      deferred.events.push_back(
          {Severity::error, EventKind::io_error, segment_file_name(id), id, 0, 0, ec, last_error_detail_});
    }
  }
  for (auto& call : deferred.calls)
    call();
  if (options_.on_event) {
    for (const auto& event : deferred.events)
      options_.on_event(event);
  }
}

void ChannelCore::set_space_available_callback(std::function<void()> callback) {
  std::lock_guard lock(mu_);
  on_space_ = std::move(callback);
}

std::uint64_t ChannelCore::oldest_seq_locked() const {
  return segments_.empty() ? next_seq_ : segments_.begin()->second.first_seq;
}

Stats ChannelCore::stats() const {
  std::lock_guard lock(mu_);
  Stats s;
  s.retained_bytes = retained_bytes_;
  s.max_bytes = options_.max_bytes;
  s.segments = segments_.size();
  s.retained_frames = next_seq_ - oldest_seq_locked();
  s.next_seq = next_seq_;
  s.committed_seq = committed_.next_seq;
  s.appended_frames = appended_frames_;
  s.appended_bytes = appended_bytes_;
  s.full_rejections = full_rejections_;
  s.syncs = syncs_;
  s.corrupt_frames_skipped = corrupt_frames_;
  s.corrupt_bytes_skipped = corrupt_bytes_;
  s.corrupt_segment_headers = corrupt_segment_headers_;
  s.torn_tails_cut = torn_tails_;
  s.torn_bytes_cut = torn_bytes_;
  s.append_errors = append_errors_;
  s.sync_errors = sync_errors_;
  s.io_errors = io_errors_;
  s.error_state = error_state_;
  s.last_error = last_error_;
  s.last_error_detail = last_error_detail_;
  for (const auto& [name, slot] : readers_) {
    ReaderStats r;
    r.name = name;
    r.open = slot->open;
    r.acked_next_seq = slot->acked_next;
    r.lag_frames = committed_.next_seq > slot->acked_next ? committed_.next_seq - slot->acked_next : 0;
    const ReadStart start = read_start_locked(*slot);
    for (auto it = segments_.lower_bound(start.segment); it != segments_.end(); ++it) {
      if (it->first > committed_.segment) break;
      const std::uint64_t limit = it->first == committed_.segment ? committed_.end : it->second.end;
      const std::uint64_t from = it->first == start.segment ? start.offset : kSegmentHeaderSize;
      if (limit > from) r.lag_bytes += limit - from;
    }
    s.readers.push_back(std::move(r));
  }
  return s;
}

}  // namespace pyrolog::channel::detail
