#include "offset_tracker.h"

#include <algorithm>

namespace pyrolog {

void OffsetTracker::assign(const std::vector<kafka::TopicPartition>& partitions) {
  std::lock_guard lock(mutex_);
  for (const auto& tp : partitions)
    partitions_[tp] = Partition{};
}

void OffsetTracker::revoke(const std::vector<kafka::TopicPartition>& partitions) {
  std::lock_guard lock(mutex_);
  for (const auto& tp : partitions)
    partitions_.erase(tp);
  changed_.notify_all();
}

void OffsetTracker::revoke_all() {
  std::lock_guard lock(mutex_);
  partitions_.clear();
  changed_.notify_all();
}

bool OffsetTracker::owns(const kafka::TopicPartition& tp) const {
  std::lock_guard lock(mutex_);
  return partitions_.contains(tp);
}

std::uint64_t OffsetTracker::add(const std::vector<Range>& ranges) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_batch_++;
  std::vector<kafka::TopicPartition> parts;
  for (const auto& r : ranges) {
    auto it = partitions_.find(r.tp);
    if (it == partitions_.end()) continue;
    it->second.entries.push_back({id, r.next_offset, State::pending});
    parts.push_back(r.tp);
  }
  if (!parts.empty()) batches_.emplace(id, std::move(parts));
  return id;
}

void OffsetTracker::complete(std::uint64_t batch, bool ok) {
  std::lock_guard lock(mutex_);
  auto b = batches_.find(batch);
  if (b == batches_.end()) return;
  for (const auto& tp : b->second) {
    auto p = partitions_.find(tp);
    if (p == partitions_.end()) continue;  // revoked meanwhile
    Partition& part = p->second;
    auto e = std::lower_bound(part.entries.begin(), part.entries.end(), batch,
                              [](const Entry& entry, std::uint64_t id) { return entry.batch < id; });
    if (e == part.entries.end() || e->batch != batch) continue;  // the partition was assigned afresh
    e->state = ok ? State::acknowledged : State::failed;
    while (!part.entries.empty() && part.entries.front().state != State::pending) {
      if (part.entries.front().state == State::failed) {
        part.blocked = true;
        break;
      }
      part.committable = part.entries.front().next_offset;
      part.entries.pop_front();
    }
  }
  batches_.erase(b);
  changed_.notify_all();
}

std::vector<kafka::PartitionOffset> OffsetTracker::take_committable(
    const std::vector<kafka::TopicPartition>& partitions) {
  std::lock_guard lock(mutex_);
  std::vector<kafka::PartitionOffset> out;
  auto take = [&](const kafka::TopicPartition& tp, Partition& p) {
    if (p.committable > p.committed) {
      out.push_back({tp, p.committable});
      p.committed = p.committable;
    }
  };
  if (partitions.empty()) {
    for (auto& [tp, p] : partitions_)
      take(tp, p);
  } else {
    for (const auto& tp : partitions) {
      if (auto it = partitions_.find(tp); it != partitions_.end()) take(tp, it->second);
    }
  }
  return out;
}

void OffsetTracker::commit_failed(const kafka::PartitionOffset& offset) {
  std::lock_guard lock(mutex_);
  auto it = partitions_.find(offset.tp);
  if (it != partitions_.end() && it->second.committed == offset.offset) it->second.committed = -1;
}

bool OffsetTracker::idle(const std::vector<kafka::TopicPartition>& partitions) const {
  auto waiting = [](const Partition& p) {
    return std::any_of(p.entries.begin(), p.entries.end(),
                       [](const Entry& e) { return e.state == State::pending; });
  };
  if (partitions.empty()) {
    return std::none_of(partitions_.begin(), partitions_.end(),
                        [&](const auto& kv) { return waiting(kv.second); });
  }
  return std::none_of(partitions.begin(), partitions.end(), [&](const kafka::TopicPartition& tp) {
    auto it = partitions_.find(tp);
    return it != partitions_.end() && waiting(it->second);
  });
}

bool OffsetTracker::wait_acknowledged(const std::vector<kafka::TopicPartition>& partitions,
                                      std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return idle(partitions); });
}

std::size_t OffsetTracker::pending_batches() const {
  std::lock_guard lock(mutex_);
  return batches_.size();
}

bool OffsetTracker::blocked(const kafka::TopicPartition& tp) const {
  std::lock_guard lock(mutex_);
  auto it = partitions_.find(tp);
  return it != partitions_.end() && it->second.blocked;
}

}  // namespace pyrolog
