#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "event/ack.h"
#include "position_store.h"
#include "runtime/asio.h"
#include "runtime/wait_queue.h"

namespace pyrolog::files {

// The committed position of every file a source reads, moved only by acknowledgements.
//
// The source reads a file as a stream of batches, in order; each batch ends at a file offset. Batches are
// acknowledged in any order and on any thread. A stream's position moves to the end of batch N only when
// batches 0..N are all acknowledged ok, so it never passes a line the channel does not hold. A batch that
// fails (ok=false) stops the stream's position where it is for good: the lines after it are read again after
// a restart. Positions are written to the store by `persist` (the source calls it periodically and at the
// end); after `close`, an acknowledgement that moves a position writes the store itself, so acknowledgements
// that come after the source is gone are not lost.
//
// Thread-safe. Acknowledgement callbacks hold a shared_ptr to the tracker, never a reference to the source.
class PositionTracker : public std::enable_shared_from_this<PositionTracker> {
 public:
  using StreamId = std::uint64_t;

  static std::shared_ptr<PositionTracker> make(PositionStore store, std::string component);

  // A stream whose committed position starts at `start.offset`.
  StreamId add(FilePosition start);
  // Registers the next batch of `id`, which ends at `end_offset`: the callback for its AckGroup. Call in the
  // order the batches are submitted.
  AckGroup::Callback track(StreamId id, std::uint64_t end_offset);
  // The stream got to `end_offset` without a batch to send (lines dropped, only a partial line read): commits
  // in order behind the batches before it.
  void settle(StreamId id, std::uint64_t end_offset);
  // The file moved (a rename) or its fingerprint grew.
  void update(StreamId id, const std::string& path, const FileIdentity& identity);
  // No more batches: the stream is forgotten once all of its batches are acknowledged ok.
  void release(StreamId id);
  // Forgets the stream now (a spooled file that is complete and renamed).
  void forget(StreamId id);

  struct Status {
    bool exists = false;
    std::uint64_t committed = 0;
    bool all_acknowledged = false;  // every batch registered so far is acknowledged (ok or not)
    bool failed = false;            // a batch failed: the position stays where it was
  };
  Status status(StreamId id) const;
  std::vector<FilePosition> snapshot() const;

  // Writes the positions if they changed since the last write. Thread-safe.
  std::error_code persist();
  // Also write them from an acknowledgement that moves a position when this long has passed since the last
  // write (so a source stuck in a long `submit` still saves what its sinks acknowledge). 0: only `persist`.
  void persist_every(std::chrono::milliseconds interval) { interval_ms_.store(interval.count()); }
  // The source is finished with the tracker (see above).
  void close();

  // Waits until every batch of `id` registered so far is acknowledged (or the stream is gone), or until
  // `cancel` is set (then call `wake`).
  Awaitable<void> wait_acknowledged(StreamId id, const std::atomic<bool>& cancel);
  void wake();

 private:
  PositionTracker(PositionStore store, std::string component)
      : store_(std::move(store)), component_(std::move(component)) {}

  struct Acked {
    std::uint64_t end = 0;
    bool ok = false;
  };
  struct Stream {
    FilePosition position;  // `offset` is the committed position
    std::uint64_t next_assign = 0;
    std::uint64_t next_commit = 0;
    std::uint64_t outstanding = 0;         // batches registered and not yet acknowledged
    std::map<std::uint64_t, Acked> early;  // acknowledged before a batch in front of them
    bool failed = false;
    bool released = false;
  };

  void acknowledged(StreamId id, std::uint64_t seq, std::uint64_t end, bool ok);
  // With mutex_ held: applies acknowledgements in order; whether the stream may be forgotten.
  void advance(Stream& s, std::uint64_t seq, Acked ack);
  void forget_if_done(std::map<StreamId, Stream>::iterator it);

  const PositionStore store_;
  const std::string component_;

  mutable std::mutex mutex_;
  std::map<StreamId, Stream> streams_;
  StreamId next_id_ = 1;
  bool dirty_ = false;
  WaitQueue waiters_;

  std::mutex persist_mutex_;  // one writer of the store at a time
  std::atomic<bool> closed_{false};
  std::atomic<std::int64_t> interval_ms_{0};
  std::atomic<std::int64_t> last_persist_ms_{0};  // steady clock
};

}  // namespace pyrolog::files
