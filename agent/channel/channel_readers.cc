// The channel's side of its readers: registration, read positions and views of committed data,
// acknowledgements, cursor persistence, and damage reports.

#include <algorithm>

#include "channel/channel_core.h"
#include "channel/cursor_store.h"
#include "channel/directory_layout.h"
#include "channel/errors.h"

namespace pyrolog::channel::detail {

Result<std::shared_ptr<ReaderSlot>> ChannelCore::attach_reader(std::string_view name) {
  if (!is_valid_reader_name(name)) return Errc::invalid_argument;
  std::shared_ptr<ReaderSlot> slot;
  {
    std::lock_guard lock(mu_);
    if (stopping_ || closed_) return Errc::closed;
    auto it = readers_.find(name);
    if (it == readers_.end()) {
      slot = std::make_shared<ReaderSlot>(std::string(name));
      slot->acked_next = oldest_seq_locked();
      slot->dirty = true;  // written below, so that the reader is known after a restart
      readers_.emplace(slot->name, slot);
    } else {
      slot = it->second;
    }
    if (slot->open) return Errc::reader_busy;
    slot->open = true;
  }
  persist_cursor(*slot);  // a failure is recorded and retried in the background
  return slot;
}

void ChannelCore::detach_reader(ReaderSlot& slot) {
  {
    std::lock_guard lock(mu_);
    slot.open = false;
    slot.armed = false;
    slot.on_data = nullptr;
    if (closed_) return;
  }
  persist_cursor(slot);
}

std::error_code ChannelCore::remove_reader(std::string_view name) {
  std::shared_ptr<ReaderSlot> slot;
  Deferred deferred;
  {
    std::lock_guard lock(mu_);
    if (closed_) return Errc::closed;
    auto it = readers_.find(name);
    if (it == readers_.end()) return Errc::no_such_reader;
    slot = it->second;
    if (slot->open) return Errc::reader_busy;
    slot->removed = true;
    readers_.erase(it);
    reclaim_locked(space_armed_, deferred);
  }
  std::error_code ec;
  {
    std::lock_guard persist_lock(slot->persist_mu);
    ec = remove_cursor(dir_, slot->name);
  }
  finish(deferred);
  return ec;
}

ReadStart ChannelCore::read_start(const ReaderSlot& slot) const {
  std::lock_guard lock(mu_);
  return read_start_locked(slot);
}

ReadStart ChannelCore::read_start_locked(const ReaderSlot& slot) const {
  ReadStart start;
  start.next_seq = slot.acked_next;
  // The last segment whose first frame is at or before the acknowledged position (else the oldest one).
  const SegmentEntry* chosen = nullptr;
  for (const auto& [id, e] : segments_) {
    if (chosen != nullptr && e.first_seq > slot.acked_next) break;
    chosen = &e;
  }
  if (chosen != nullptr) {
    start.segment = chosen->id;
    if (slot.hint_segment == chosen->id && slot.hint_offset >= kSegmentHeaderSize &&
        slot.hint_offset <= chosen->end) {
      start.offset = slot.hint_offset;
    }
  }
  return start;
}

SegmentView ChannelCore::view_locked(std::uint64_t segment, std::uint64_t offset) const {
  (void)offset;
  SegmentView v;
  v.closed = closed_;
  if (segment != 0 && segment <= committed_.segment) {
    if (auto it = segments_.find(segment); it != segments_.end()) {
      v.readable = true;
      v.limit = segment == committed_.segment ? committed_.end : it->second.end;
    }
  }
  if (auto next = segments_.upper_bound(segment);
      next != segments_.end() && next->first <= committed_.segment) {
    v.next_segment = next->first;
  }
  return v;
}

bool ChannelCore::has_data_locked(std::uint64_t segment, std::uint64_t offset) const {
  const SegmentView v = view_locked(segment, offset);
  return (v.readable && offset < v.limit) || v.next_segment != 0;
}

SegmentView ChannelCore::view(ReaderSlot& slot, std::uint64_t segment, std::uint64_t offset) {
  std::lock_guard lock(mu_);
  const SegmentView v = view_locked(segment, offset);
  if (!v.closed && !((v.readable && offset < v.limit) || v.next_segment != 0)) slot.armed = true;
  return v;
}

bool ChannelCore::wait_for_data(std::uint64_t segment, std::uint64_t offset,
                                std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return state_cv_.wait_for(lock, timeout, [&] { return closed_ || has_data_locked(segment, offset); });
}

std::error_code ChannelCore::ack(ReaderSlot& slot, std::uint64_t seq, std::uint64_t hint_segment,
                                 std::uint64_t hint_offset) {
  Deferred deferred;
  {
    std::lock_guard lock(mu_);
    if (closed_) return Errc::closed;
    if (seq < slot.acked_next) return {};
    slot.acked_next = seq + 1;
    slot.hint_segment = hint_segment;
    slot.hint_offset = hint_offset;
    slot.dirty = true;
    if (!cursors_dirty_) {
      cursors_dirty_ = true;
      sync_cv_.notify_one();
    }
    reclaim_locked(space_armed_, deferred);
  }
  finish(deferred);
  return {};
}

std::error_code ChannelCore::persist_cursor(ReaderSlot& slot) {
  std::lock_guard persist_lock(slot.persist_mu);
  Cursor cursor;
  {
    std::lock_guard lock(mu_);
    if (slot.removed || !slot.dirty) return {};
    cursor = {slot.acked_next, slot.hint_segment, slot.hint_offset};
    slot.dirty = false;
  }
  auto ec = store_cursor(dir_, slot.name, cursor);
  if (ec) {
    Deferred deferred;
    {
      std::lock_guard lock(mu_);
      slot.dirty = true;
      cursors_dirty_ = true;
      record_error_locked("write cursor " + cursor_file_name(slot.name), ec, deferred, false);
    }
    finish(deferred);
  }
  return ec;
}

void ChannelCore::persist_dirty_cursors() {
  std::vector<std::shared_ptr<ReaderSlot>> slots;
  {
    std::lock_guard lock(mu_);
    cursors_dirty_ = false;
    // Every reader, not only the dirty ones: a cursor another thread took (dirty cleared) may still be being
    // written, and persist_cursor waits for that write (persist_mu) before it returns. So when this returns,
    // every ack made before the call is on disk: what flush() promises.
    for (const auto& [name, slot] : readers_)
      slots.push_back(slot);
  }
  for (const auto& slot : slots)
    persist_cursor(*slot);
}

void ChannelCore::set_data_callback(ReaderSlot& slot, std::function<void()> callback) {
  std::lock_guard lock(mu_);
  slot.on_data = std::move(callback);
}

void ChannelCore::report_damage(std::uint64_t segment, std::uint64_t offset, std::uint64_t bytes,
                                DamageKind kind) {
  Deferred deferred;
  {
    std::lock_guard lock(mu_);
    if (!damage_seen_.emplace(segment, offset).second) return;
    ++corrupt_frames_;
    corrupt_bytes_ += bytes;
    const std::string file = segment_file_name(segment);
    deferred.events.push_back({Severity::warning,
                               EventKind::corrupt_frame_skipped,
                               file,
                               segment,
                               offset,
                               bytes,
                               {},
                               "segment " + file + " offset " + std::to_string(offset) + ": " +
                                   std::string(to_string(kind)) + ", skipping " + std::to_string(bytes) +
                                   " bytes"});
  }
  finish(deferred);
}

void ChannelCore::report_read_error(std::uint64_t segment, std::error_code error) {
  Deferred deferred;
  {
    std::lock_guard lock(mu_);
    record_error_locked("read " + segment_file_name(segment), error, deferred, false);
  }
  finish(deferred);
}

}  // namespace pyrolog::channel::detail
