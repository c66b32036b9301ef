// The sync thread: group commit of appends, and periodic persistence of reader cursors.

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include "channel/channel_core.h"
#include "channel/directory_layout.h"
#include "channel/errors.h"
#include "channel/file_io.h"

namespace pyrolog::channel::detail {

void ChannelCore::sync_loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    const auto now = Clock::now();
    auto wake = Clock::time_point::max();
    bool data_due = stopping_ || flush_requested_;
    if (!data_due && (!pending_.empty() || !unsynced_.empty())) {
      if (options_.sync == SyncPolicy::always) {
        data_due = true;
      } else if (options_.sync == SyncPolicy::interval) {
        const auto at = last_sync_ + options_.sync_interval;
        if (now >= at || (options_.sync_bytes != 0 && bytes_since_sync_ >= options_.sync_bytes)) {
          data_due = true;
        } else {
          wake = at;
        }
      }
    }
    bool cursors_due = stopping_;
    if (!cursors_due && cursors_dirty_) {
      const auto at = last_cursor_flush_ + options_.cursor_flush_interval;
      if (now >= at) {
        cursors_due = true;
      } else {
        wake = std::min(wake, at);
      }
    }
    if (!data_due && !cursors_due) {
      if (wake == Clock::time_point::max()) {
        sync_cv_.wait(lock);
      } else {
        sync_cv_.wait_until(lock, wake);
      }
      continue;
    }
    if (data_due) sync_round(lock);
    if (cursors_due) {
      last_cursor_flush_ = Clock::now();
      lock.unlock();
      persist_dirty_cursors();
      lock.lock();
    }
    if (stopping_ && pending_.empty() && unsynced_.empty()) break;
  }
}

// Called with `lock` held; releases it around the fdatasync calls and the callbacks.
void ChannelCore::sync_round(std::unique_lock<std::mutex>& lock) {
  ++rounds_started_;
  const bool flushing = std::exchange(flush_requested_, false);
  std::vector<std::shared_ptr<SegmentWriter>> sealed;
  sealed.swap(unsynced_);
  const std::shared_ptr<SegmentWriter> active = active_;
  const Position target = written_;
  std::vector<PendingAck> acks;
  acks.swap(pending_);
  const bool sync_dir = std::exchange(dir_dirty_, false);
  bytes_since_sync_ = 0;
  const auto started = Clock::now();
  lock.unlock();

  // Older segments first: everything up to `target` must be on disk before any of it is acknowledged.
  std::error_code ec;
  std::string what;
  const auto sync_one = [&](const SegmentWriter& writer) {
    if (options_.sync_fault_for_testing) ec = options_.sync_fault_for_testing(writer.id());
    if (!ec) ec = writer.sync();
    if (ec) what = "fdatasync " + segment_file_name(writer.id());
    return !ec;
  };
  if (options_.sync == SyncPolicy::never) {
    // `never` does not track which files hold unsynced data; an explicit flush() syncs the whole filesystem.
    if (flushing && ::syncfs(dir_fd_.get()) != 0) {
      ec = errno_code(errno);
      what = "syncfs";
    }
  } else {
    for (const auto& writer : sealed) {
      if (!sync_one(*writer)) break;
    }
    if (!ec && active) sync_one(*active);
    if (!ec && sync_dir && (ec = sync_file(dir_fd_.get()))) what = "fsync channel directory";
  }

  lock.lock();
  last_sync_ = started;
  ++syncs_;
  Deferred deferred;
  if (!ec) {
    if (options_.sync != SyncPolicy::never) {
      if (committed_ != target) {
        committed_ = target;
        collect_data_callbacks_locked(deferred);
      }
      if (!acks.empty()) error_state_ = false;
    }
  } else {
    ++sync_errors_;
    record_error_locked(what, ec, deferred, true);
    if (options_.sync != SyncPolicy::never) {
      rollback_locked(acks, deferred);
    } else {
      dir_dirty_ = dir_dirty_ || sync_dir;
    }
  }
  last_round_error_ = ec;
  ++rounds_done_;
  lock.unlock();

  for (auto& a : acks) {
    if (a.done) a.done(ec, a.seq);
  }
  finish(deferred);
  state_cv_.notify_all();
  lock.lock();
}

// A failed fdatasync leaves the state of unsynced pages unknown (and a later fsync may report success without
// having written them), so everything after the committed position is thrown away: newer segments are
// deleted, the committed one is cut back, and appends continue in a fresh segment. Their appenders get the
// error. Sequence numbers are not reused.
void ChannelCore::rollback_locked(std::vector<PendingAck>& failed, Deferred& deferred) {
  for (auto it = segments_.upper_bound(committed_.segment); it != segments_.end();) {
    retained_bytes_ -= it->second.end;
    deferred.unlink_segments.push_back(it->first);
    it = segments_.erase(it);
  }
  if (auto it = segments_.find(committed_.segment);
      it != segments_.end() && it->second.end > committed_.end) {
    SegmentEntry& e = it->second;
    auto fd = open_file(dir_ / segment_file_name(e.id), O_WRONLY);
    const std::error_code ec = fd ? truncate_fd(fd->get(), committed_.end) : fd.error();
    if (ec) record_error_locked("truncate " + segment_file_name(e.id), ec, deferred, false);
    retained_bytes_ -= e.end - committed_.end;
    e.end = committed_.end;
  }
  active_.reset();
  unsynced_.clear();
  written_ = committed_;
  for (auto& p : pending_)
    failed.push_back(std::move(p));
  pending_.clear();
}

std::error_code ChannelCore::flush() {
  std::error_code ec;
  {
    std::unique_lock lock(mu_);
    if (stopping_ || closed_) return Errc::closed;
    // The next round to start begins after this call, so it covers everything appended before it.
    const std::uint64_t target = rounds_started_ + 1;
    flush_requested_ = true;
    sync_cv_.notify_all();
    state_cv_.wait(lock, [&] { return rounds_done_ >= target || closed_; });
    ec = last_round_error_;
  }
  persist_dirty_cursors();
  return ec;
}

}  // namespace pyrolog::channel::detail
