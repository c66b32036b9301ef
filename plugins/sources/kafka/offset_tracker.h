#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "kafka_consumer.h"

namespace pyrolog {

// Which offsets the Kafka source may commit: for each partition, the end of the longest run of batches, in
// the order they were read, whose AckGroups said `ok`. A batch that failed (ok=false: the channel did not
// store it) stops the partition there for good: nothing past it is committed, so it is read again after a
// restart or a rebalance. Thread-safe: `complete` comes from whatever thread released the AckGroup.
class OffsetTracker {
 public:
  // What one batch read from one partition: offsets below `next_offset`.
  struct Range {
    kafka::TopicPartition tp;
    std::int64_t next_offset = 0;
  };

  // Partitions given to this consumer: tracked from now on. A partition tracked before starts afresh.
  void assign(const std::vector<kafka::TopicPartition>& partitions);
  // Partitions taken away: no longer tracked; acknowledgements of their batches that come later are ignored.
  void revoke(const std::vector<kafka::TopicPartition>& partitions);
  void revoke_all();
  bool owns(const kafka::TopicPartition& tp) const;

  // A batch about to be submitted; returns its id for `complete`. Ranges of partitions not owned are ignored.
  std::uint64_t add(const std::vector<Range>& ranges);
  // The batch's AckGroup fired.
  void complete(std::uint64_t batch, bool ok);

  // Offsets to commit now (advanced since they were last taken), for `partitions` or, when empty, all. They
  // count as committed; `commit_failed` gives them back.
  std::vector<kafka::PartitionOffset> take_committable(
      const std::vector<kafka::TopicPartition>& partitions = {});
  void commit_failed(const kafka::PartitionOffset& offset);

  // Waits until no batch of `partitions` (empty: any) is waiting for its acknowledgement, or `timeout`
  // passes. True when none waits.
  bool wait_acknowledged(const std::vector<kafka::TopicPartition>& partitions,
                         std::chrono::milliseconds timeout);
  std::size_t pending_batches() const;
  // True when a failed batch holds a partition back (for logs and tests).
  bool blocked(const kafka::TopicPartition& tp) const;

 private:
  enum class State : std::uint8_t { pending, acknowledged, failed };
  struct Entry {
    std::uint64_t batch = 0;
    std::int64_t next_offset = 0;
    State state = State::pending;
  };
  struct Partition {
    std::deque<Entry> entries;      // in batch order
    std::int64_t committable = -1;  // end of the acknowledged run
    std::int64_t committed = -1;    // what was last taken for committing
    bool blocked = false;
  };

  bool idle(const std::vector<kafka::TopicPartition>& partitions) const;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<kafka::TopicPartition, Partition> partitions_;
  std::unordered_map<std::uint64_t, std::vector<kafka::TopicPartition>> batches_;
  std::uint64_t next_batch_ = 0;
};

}  // namespace pyrolog
