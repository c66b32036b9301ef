// Reading files in turn, and handing their lines to the pipeline.
#include <fcntl.h>

#include <fmt/format.h>

#include "file_input/file_io.h"
#include "tailer.h"

namespace pyrolog {

TimestampNs Tailer::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Tailer::mark_ready(TailedFile& f) {
  f.ready = true;
  if (!f.queued) {
    f.queued = true;
    ready_.push_back(f.id);
  }
}

TailedFile* Tailer::pop_ready() {
  while (!ready_.empty()) {
    const std::uint64_t id = ready_.front();
    ready_.pop_front();
    auto it = files_.find(id);
    if (it == files_.end()) continue;
    TailedFile& f = *it->second;
    f.queued = false;
    if (f.ready) return &f;
  }
  return nullptr;
}

Awaitable<void> Tailer::read_some(TailedFile& f) {
  f.ready = false;
  if (!f.fd) {
    if (f.state == TailedFile::State::draining) co_return;  // gone for good: about to be released
    switch (open_file(f)) {
      case OpenResult::opened:
        break;
      case OpenResult::unavailable:
        co_return;
      case OpenResult::replaced:
        co_await replaced(f, "its first bytes changed while it was closed");
        co_return;
    }
  }
  // A regular file's bytes go straight into the batch (as many as it has past the offset), so its lines
  // become events without a copy. A file that is not regular is read into the buffer.
  Batch batch;
  struct stat st {};
  bool stat_ok = !files::stat_fd(f.fd.get(), st);
  const std::uint64_t file_size = stat_ok && S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0;
  files::Chunk chunk;
  std::error_code ec;
  const std::ptrdiff_t n = f.reader->read(f.fd.get(), file_size, batch, buffer_, chunk, ec);
  if (n < 0) {
    metrics_->errors.add();
    f.at_end = true;
    std::uint64_t suppressed = 0;
    if (read_errors_log_.allow(suppressed)) log::error(name_, "{}: read failed: {}", f.path, ec.message());
    co_return;
  }
  if (n == 0) {
    f.at_end = true;
    // The size taken before the read still holds when it said there was nothing to read; a file that had
    // bytes then and none now changed in between, and is looked at again.
    if (!stat_ok || static_cast<std::uint64_t>(st.st_size) > f.reader->offset())
      stat_ok = !files::stat_fd(f.fd.get(), st);
    if (stat_ok) {
      if (static_cast<std::uint64_t>(st.st_size) < f.reader->offset()) {
        co_await replaced(f, fmt::format("truncated to {} bytes", st.st_size));
      } else if (st.st_nlink == 0 && f.state == TailedFile::State::following) {
        path_lost(f, "it was deleted");
      }
    }
    co_return;
  }
  // The bytes are used only once the file's first bytes are checked: a file truncated and written again past
  // the offset between two reads must not hand over the middle of its new content as if it were the old one.
  const files::FileIdentity before = f.identity;
  if (!files::verify_and_extend(f.fd.get(), f.identity, config_.fingerprint_bytes, scratch_, ec)) {
    if (ec) {
      metrics_->errors.add();
      log::error(name_, "{}: read failed: {}", f.path, ec.message());
      co_return;
    }
    co_await replaced(f, "its first bytes changed (truncated and written again)");
    co_return;
  }
  if (f.identity != before) save_identity(f);
  const auto bytes = static_cast<std::size_t>(n);
  f.last_data = TailClock::now();
  f.at_end = bytes < buffer_.size();
  f.ready = !f.at_end;
  metrics_->received_bytes.add(bytes);
  // Reads of a file make batches of about the same size: room for as many events as the last one had, so
  // that the pools grow once, not in steps.
  batch.reserve(f.last_batch_events);
  batch.reserve_fields(files::kFieldsPerEvent * f.last_batch_events);
  files::BatchTarget target(batch, f.path, now_ns(), config_.invalid_utf8);
  f.reader->consume(chunk, target);
  f.last_batch_events = batch.size();
  co_await submit(f, std::move(batch), target.counts());
  if (f.ready) mark_ready(f);
}

Tailer::OpenResult Tailer::open_file(TailedFile& f) {
  if (open_fds_ >= max_open_files_ && !make_room()) {
    f.waiting_for_slot = true;
    return OpenResult::unavailable;
  }
  std::error_code ec;
  UniqueFd fd = files::open_for_reading(f.path, ec);
  const std::string key = "open:" + f.path;
  if (!fd) {
    if (ec == std::errc::no_such_file_or_directory) {
      rescan_wanted_ = true;  // the scan finds out where it went
      return OpenResult::unavailable;
    }
    auto it = problems_.find(key);
    if (it == problems_.end() || it->second != ec.message()) {
      problems_[key] = ec.message();
      metrics_->errors.add();
      log::error(name_, "{}: cannot open: {}; trying again when it changes", f.path, ec.message());
    }
    return OpenResult::unavailable;
  }
  if (problems_.erase(key) > 0) log::info(name_, "{}: can be opened again", f.path);
  struct stat st {};
  if (files::stat_fd(fd.get(), st) || !f.identity.same_inode(files::identity_of(st))) {
    rescan_wanted_ = true;  // another file has its name now: the scan sorts it out
    return OpenResult::unavailable;
  }
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  f.fd = std::move(fd);
  f.waiting_for_slot = false;
  ++open_fds_;
  metrics_->files_open.set(static_cast<std::int64_t>(open_fds_));
  if (f.identity.fingerprint_bytes > 0) {
    files::FileIdentity id = f.identity;
    if (!files::verify_and_extend(f.fd.get(), id, config_.fingerprint_bytes, scratch_, ec)) {
      if (!ec) return OpenResult::replaced;  // the inode came back with other content, or was rewritten
      close_fd(f);
      return OpenResult::unavailable;
    }
    if (id != f.identity) {
      f.identity = id;
      save_identity(f);
    }
  }
  return OpenResult::opened;
}

bool Tailer::make_room() {
  TailedFile* victim = nullptr;
  for (auto& [id, g] : files_) {
    if (!g->fd || g->state != TailedFile::State::following || !g->at_end || g->ready) continue;
    if (victim == nullptr || g->last_data < victim->last_data) victim = g.get();
  }
  if (victim == nullptr) return false;
  close_fd(*victim);
  return true;
}

void Tailer::close_fd(TailedFile& f) {
  if (!f.fd) return;
  f.fd.reset();
  --open_fds_;
  metrics_->files_open.set(static_cast<std::int64_t>(open_fds_));
}

void Tailer::wake_waiting() {
  for (auto& [id, f] : files_) {
    if (f->waiting_for_slot) {
      f->waiting_for_slot = false;
      mark_ready(*f);
    }
  }
}

Awaitable<void> Tailer::replaced(TailedFile& f, const std::string& why) {
  metrics_->truncations.add();
  log::info(name_, "{}: {}; reading it again from the start", f.path, why);
  // What was not read of the old content may be in a copy beside the file (copytruncate): read it there.
  std::error_code ec;
  std::optional<MovedFile> copy;
  if (f.identity.fingerprint_bytes > 0)
    copy = find_moved(f.path, f.identity, f.reader->offset(), Look::copied, ec);
  if (copy) {
    TailedFile& d = add_file(copy->path, copy->identity, f.stream, 0);
    d.reader = std::move(f.reader);
    d.submitted_end = f.submitted_end;
    d.fd = std::move(copy->fd);
    ++open_fds_;
    d.state = TailedFile::State::draining;
    save_identity(d);
    metrics_->copies.add();
    log::info(name_, "{}: a copy of {}'s old content; reading its rest from offset {}", d.path, f.path,
              d.reader->offset());
    mark_ready(d);
  } else {
    // The rest of the old content is gone. What is held of it (a last line, a group) is emitted.
    Batch batch;
    files::BatchTarget target(batch, f.path, now_ns(), config_.invalid_utf8);
    f.reader->flush(target);
    co_await submit(f, std::move(batch), target.counts());
    tracker_->release(f.stream);
  }
  // The new content, from its start, as a stream of its own.
  f.identity.fingerprint_bytes = 0;
  f.identity.fingerprint = 0;
  f.stream = tracker_->add(files::FilePosition{f.path, f.identity, 0});
  f.reader = std::make_unique<files::FileReader>(settings_, 0);
  f.submitted_end = 0;
  f.at_end = false;
  f.last_data = TailClock::now();
  mark_ready(f);
}

Awaitable<void> Tailer::submit(TailedFile& f, Batch batch, const files::ReadCounts& counts) {
  reader_metrics_->add(counts);
  const std::uint64_t end = f.reader->settled_offset();
  if (batch.empty()) {
    if (end != f.submitted_end) {
      tracker_->settle(f.stream, end);
      f.submitted_end = end;
    }
    co_return;
  }
  metrics_->received_events.add(batch.size());
  batch.set_ack(AckGroup::make(tracker_->track(f.stream, end)));
  f.submitted_end = end;
  co_await ctx_->submit(std::move(batch));
}

Awaitable<void> Tailer::housekeeping(TailClock::time_point now) {
  std::vector<std::uint64_t> flush_lines, flush_groups, done;
  for (auto& [id, fp] : files_) {
    TailedFile& f = *fp;
    const auto idle = now - f.last_data;
    if (f.state == TailedFile::State::draining) {
      // Nothing tells when a file renamed out of sight grows: look, and look once more before letting it go
      // (the last look may be older than what its writer appended before it moved on).
      if (f.at_end && idle >= config_.rotate_wait && !has_unread_bytes(f)) {
        done.push_back(id);
      } else if (f.fd) {
        mark_ready(f);
      }
      continue;
    }
    if (!f.fd) continue;
    if (config_.partial_line_timeout.count() > 0 && f.at_end && f.reader->holds_line() &&
        idle >= config_.partial_line_timeout) {
      flush_lines.push_back(id);
    } else if (multiline_ && f.reader->holds_group() && idle >= config_.multiline.timeout) {
      flush_groups.push_back(id);
    }
    if (config_.idle_timeout.count() > 0 && f.at_end && !f.ready && idle >= config_.idle_timeout) {
      log::debug(name_, "{}: closed after {} without new data", f.path,
                 format_duration(config_.idle_timeout));
      close_fd(f);
    }
  }
  for (const std::uint64_t id : flush_lines) {
    auto it = files_.find(id);
    if (it == files_.end()) continue;
    TailedFile& f = *it->second;
    Batch batch;
    files::BatchTarget target(batch, f.path, now_ns(), config_.invalid_utf8);
    f.reader->flush_line(target);
    co_await submit(f, std::move(batch), target.counts());
  }
  for (const std::uint64_t id : flush_groups) {
    auto it = files_.find(id);
    if (it == files_.end()) continue;
    TailedFile& f = *it->second;
    Batch batch;
    files::BatchTarget target(batch, f.path, now_ns(), config_.invalid_utf8);
    f.reader->flush_group(target);
    co_await submit(f, std::move(batch), target.counts());
  }
  for (const std::uint64_t id : done)
    co_await release(id, "read to its end");
  wake_waiting();
  metrics_->files_followed.set(static_cast<std::int64_t>(files_.size()));
}

bool Tailer::has_unread_bytes(const TailedFile& f) {
  struct stat st {};
  return f.fd && !files::stat_fd(f.fd.get(), st) && S_ISREG(st.st_mode) &&
         static_cast<std::uint64_t>(st.st_size) > f.reader->offset();
}

Awaitable<void> Tailer::release(std::uint64_t id, const char* why) {
  auto it = files_.find(id);
  if (it == files_.end()) co_return;
  TailedFile& f = *it->second;
  if (f.state != TailedFile::State::draining) co_return;  // found again under a matched name meanwhile
  Batch batch;
  files::BatchTarget target(batch, f.path, now_ns(), config_.invalid_utf8);
  f.reader->flush(target);
  co_await submit(f, std::move(batch), target.counts());
  tracker_->release(f.stream);
  metrics_->released.add();
  log::info(name_, "{}: {}; released at offset {}", f.path, why, f.reader->offset());
  forget_file(f);
}

void Tailer::forget_file(TailedFile& f) {
  close_fd(f);
  if (auto it = by_path_.find(f.path); it != by_path_.end() && it->second == f.id) by_path_.erase(it);
  const auto key = std::make_pair(f.identity.dev, f.identity.ino);
  if (auto it = by_inode_.find(key); it != by_inode_.end() && it->second == f.id) by_inode_.erase(it);
  files_.erase(f.id);
}

}  // namespace pyrolog
