#include "position_tracker.h"

#include "log/log.h"

namespace pyrolog::files {
namespace {
std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

std::shared_ptr<PositionTracker> PositionTracker::make(PositionStore store, std::string component) {
  return std::shared_ptr<PositionTracker>(new PositionTracker(std::move(store), std::move(component)));
}

PositionTracker::StreamId PositionTracker::add(FilePosition start) {
  std::lock_guard lock(mutex_);
  const StreamId id = next_id_++;
  streams_[id].position = std::move(start);
  dirty_ = true;
  return id;
}

AckGroup::Callback PositionTracker::track(StreamId id, std::uint64_t end_offset) {
  std::uint64_t seq = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = streams_.find(id);
    if (it != streams_.end()) {
      seq = it->second.next_assign++;
      ++it->second.outstanding;
    }
  }
  return [self = shared_from_this(), id, seq, end_offset](bool ok) {
    self->acknowledged(id, seq, end_offset, ok);
  };
}

void PositionTracker::settle(StreamId id, std::uint64_t end_offset) {
  track(id, end_offset)(true);
}

void PositionTracker::acknowledged(StreamId id, std::uint64_t seq, std::uint64_t end, bool ok) {
  bool moved = false;
  {
    std::lock_guard lock(mutex_);
    auto it = streams_.find(id);
    if (it == streams_.end()) return;
    Stream& s = it->second;
    --s.outstanding;
    const std::uint64_t before = s.position.offset;
    const bool failed_before = s.failed;
    advance(s, seq, Acked{end, ok});
    if (s.failed && !failed_before) {
      log::warn(
          component_,
          "{}: a batch was not delivered; the position stays at {} and the lines after it are read again "
          "after a restart",
          s.position.path, s.position.offset);
    }
    moved = s.position.offset != before;
    if (moved) dirty_ = true;
    forget_if_done(it);
    waiters_.notify_all();
  }
  const std::int64_t interval = interval_ms_.load(std::memory_order_relaxed);
  const bool due = interval > 0 && steady_ms() - last_persist_ms_.load(std::memory_order_relaxed) >= interval;
  if (moved && (closed_.load(std::memory_order_acquire) || due)) {
    if (auto ec = persist()) log::error(component_, "cannot write positions: {}", ec.message());
  }
}

void PositionTracker::advance(Stream& s, std::uint64_t seq, Acked ack) {
  if (s.failed) return;  // the position is held for good
  if (seq != s.next_commit) {
    s.early.emplace(seq, ack);
    return;
  }
  for (;;) {
    if (!ack.ok) {
      s.failed = true;
      s.early.clear();
      return;
    }
    s.position.offset = ack.end;
    ++s.next_commit;
    auto next = s.early.find(s.next_commit);
    if (next == s.early.end()) return;
    ack = next->second;
    s.early.erase(next);
  }
}

void PositionTracker::forget_if_done(std::map<StreamId, Stream>::iterator it) {
  const Stream& s = it->second;
  // A failed stream is kept: its position is where the next run must read again.
  if (s.released && !s.failed && s.outstanding == 0) {
    streams_.erase(it);
    dirty_ = true;
  }
}

void PositionTracker::update(StreamId id, const std::string& path, const FileIdentity& identity) {
  std::lock_guard lock(mutex_);
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  if (it->second.position.path == path && it->second.position.identity == identity) return;
  it->second.position.path = path;
  it->second.position.identity = identity;
  dirty_ = true;
}

void PositionTracker::release(StreamId id) {
  std::lock_guard lock(mutex_);
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  it->second.released = true;
  forget_if_done(it);
  waiters_.notify_all();
}

void PositionTracker::forget(StreamId id) {
  std::lock_guard lock(mutex_);
  if (streams_.erase(id) > 0) dirty_ = true;
  waiters_.notify_all();
}

PositionTracker::Status PositionTracker::status(StreamId id) const {
  std::lock_guard lock(mutex_);
  auto it = streams_.find(id);
  if (it == streams_.end()) return {};
  const Stream& s = it->second;
  return Status{true, s.position.offset, s.outstanding == 0, s.failed};
}

std::vector<FilePosition> PositionTracker::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<FilePosition> out;
  out.reserve(streams_.size());
  for (const auto& [id, s] : streams_)
    out.push_back(s.position);
  return out;
}

std::error_code PositionTracker::persist() {
  std::lock_guard writer(persist_mutex_);
  last_persist_ms_.store(steady_ms(), std::memory_order_relaxed);
  std::vector<FilePosition> positions;
  {
    std::lock_guard lock(mutex_);
    if (!dirty_) return {};
    dirty_ = false;
    positions.reserve(streams_.size());
    for (const auto& [id, s] : streams_)
      positions.push_back(s.position);
  }
  auto ec = store_.save(positions);
  if (ec) {
    std::lock_guard lock(mutex_);
    dirty_ = true;  // try again next time
  }
  return ec;
}

void PositionTracker::close() {
  closed_.store(true, std::memory_order_release);
}

Awaitable<void> PositionTracker::wait_acknowledged(StreamId id, const std::atomic<bool>& cancel) {
  co_await waiters_.wait(mutex_, [this, id, &cancel] {
    if (cancel.load(std::memory_order_acquire)) return true;
    auto it = streams_.find(id);
    return it == streams_.end() || it->second.outstanding == 0;
  });
}

void PositionTracker::wake() {
  std::lock_guard lock(mutex_);
  waiters_.notify_all();
}

}  // namespace pyrolog::files
