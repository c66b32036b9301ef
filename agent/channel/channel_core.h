#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "base/unique_fd.h"
#include "channel/append_callback.h"
#include "channel/events.h"
#include "channel/options.h"
#include "channel/result.h"
#include "channel/segment_format.h"
#include "channel/segment_reader.h"
#include "channel/segment_writer.h"
#include "channel/stats.h"

// The channel's shared state. Channel and Reader are handles on it; nothing here is public API.
namespace pyrolog::channel::detail {

using Clock = std::chrono::steady_clock;

// A point in the stream of frames: the end of the data in `segment`, and the sequence number after it.
struct Position {
  std::uint64_t segment = 0;
  std::uint64_t end = 0;
  std::uint64_t next_seq = 0;
  bool operator==(const Position&) const = default;
};

struct SegmentEntry {
  std::uint64_t id = 0;
  std::uint64_t first_seq = 0;
  std::uint64_t end = 0;  // bytes of the file in use (written data; the cut point after recovery)
};

struct ReaderSlot {
  explicit ReaderSlot(std::string reader_name) : name(std::move(reader_name)) {}
  const std::string name;
  // Guarded by ChannelCore::mu_.
  std::uint64_t acked_next = 0;  // every frame before this sequence number is acknowledged
  std::uint64_t hint_segment = 0;
  std::uint64_t hint_offset = 0;
  bool dirty = false;    // acked_next not yet in the cursor file
  bool open = false;     // a Reader object holds this slot
  bool armed = false;    // a read found nothing: call on_data at the next commit
  bool removed = false;  // remove_reader'd: never write its cursor again
  std::function<void()> on_data;
  // Serialises writes of this reader's cursor file; taken before ChannelCore::mu_.
  std::mutex persist_mu;
};

// Where a reader starts (at its acknowledged position).
struct ReadStart {
  std::uint64_t segment = 0;  // 0: before the first segment
  std::uint64_t offset = kSegmentHeaderSize;
  std::uint64_t next_seq = 0;
};

// What a reader may read of one segment, as of now.
struct SegmentView {
  bool closed = false;
  bool readable = false;           // the segment exists and has committed data
  std::uint64_t limit = 0;         // committed data in it ends here
  std::uint64_t next_segment = 0;  // the next segment with committed data; 0 if none yet
};

class ChannelCore {
 public:
  static Result<std::shared_ptr<ChannelCore>> open(Options options);
  explicit ChannelCore(Options options);  // use open()
  ~ChannelCore();
  ChannelCore(const ChannelCore&) = delete;
  ChannelCore& operator=(const ChannelCore&) = delete;

  std::error_code try_append(std::span<const std::byte> payload, AppendCallback done,
                             std::uint64_t* seq_out = nullptr);
  std::error_code flush();
  void close();
  void set_space_available_callback(std::function<void()> callback);
  Stats stats() const;
  const std::vector<Event>& recovery_events() const noexcept { return recovery_events_; }
  const Options& options() const noexcept { return options_; }
  const std::filesystem::path& directory() const noexcept { return options_.directory; }

  // Reader support.
  Result<std::shared_ptr<ReaderSlot>> attach_reader(std::string_view name);
  void detach_reader(ReaderSlot& slot);
  std::error_code remove_reader(std::string_view name);
  ReadStart read_start(const ReaderSlot& slot) const;
  // Arms the slot's data callback when there is nothing to read after (segment, offset).
  SegmentView view(ReaderSlot& slot, std::uint64_t segment, std::uint64_t offset);
  bool wait_for_data(std::uint64_t segment, std::uint64_t offset, std::chrono::milliseconds timeout);
  std::error_code ack(ReaderSlot& slot, std::uint64_t seq, std::uint64_t hint_segment,
                      std::uint64_t hint_offset);
  std::error_code persist_cursor(ReaderSlot& slot);
  void set_data_callback(ReaderSlot& slot, std::function<void()> callback);
  // Counts and reports a damaged region once, however many readers run into it.
  void report_damage(std::uint64_t segment, std::uint64_t offset, std::uint64_t bytes, DamageKind kind);
  void report_read_error(std::uint64_t segment, std::error_code error);

 private:
  struct PendingAck {
    std::uint64_t seq = 0;
    AppendCallback done;
  };
  // Work collected under mu_ and done after releasing it: no callback and no unlink runs under the lock.
  struct Deferred {
    std::vector<Event> events;
    std::vector<std::function<void()>> calls;
    std::vector<std::uint64_t> unlink_segments;
  };

  std::error_code start();
  std::error_code append_locked(FrameHeader& header, std::span<const std::byte> payload, Deferred& deferred,
                                std::uint64_t& seq);
  void seal_active_locked();
  void reclaim_locked(bool recycle_active, Deferred& deferred);
  void collect_data_callbacks_locked(Deferred& deferred);
  void record_error_locked(const std::string& what, std::error_code error, Deferred& deferred,
                           bool append_path);
  ReadStart read_start_locked(const ReaderSlot& slot) const;
  bool has_data_locked(std::uint64_t segment, std::uint64_t offset) const;
  SegmentView view_locked(std::uint64_t segment, std::uint64_t offset) const;
  std::uint64_t oldest_seq_locked() const;
  void finish(Deferred& deferred);
  void persist_dirty_cursors();

  // Group commit (group_commit.cc).
  void sync_loop();
  void sync_round(std::unique_lock<std::mutex>& lock);
  void rollback_locked(std::vector<PendingAck>& failed, Deferred& deferred);

  Options options_;
  std::filesystem::path dir_;
  UniqueFd lock_fd_;
  UniqueFd dir_fd_;
  std::vector<Event> recovery_events_;
  std::mutex close_mu_;

  mutable std::mutex mu_;
  std::condition_variable sync_cv_;   // wakes the sync thread
  std::condition_variable state_cv_;  // commits, finished sync rounds, close
  std::map<std::uint64_t, SegmentEntry> segments_;
  std::shared_ptr<SegmentWriter> active_;
  std::vector<std::shared_ptr<SegmentWriter>>
      unsynced_;            // sealed segments with data the next round must sync
  bool dir_dirty_ = false;  // a segment was created since the last round
  std::uint64_t next_seq_ = 1;
  std::uint64_t next_segment_id_ = 1;
  Position written_;    // end of the data written
  Position committed_;  // end of the data acknowledged to appenders and visible to readers
  std::uint64_t retained_bytes_ = 0;
  std::vector<PendingAck> pending_;
  std::uint64_t bytes_since_sync_ = 0;  // appended since the last group commit began (for sync_bytes)
  bool flush_requested_ = false;
  std::uint64_t rounds_started_ = 0;
  std::uint64_t rounds_done_ = 0;
  std::error_code last_round_error_;
  // Never, at first: the first append after opening commits at once. (Not the clock's epoch, which is the
  // machine's boot: on a machine up for less than `sync_interval`, that would hold the first commit back.)
  Clock::time_point last_sync_ = Clock::time_point::min();
  Clock::time_point last_cursor_flush_ = Clock::time_point::min();
  bool cursors_dirty_ = false;
  std::map<std::string, std::shared_ptr<ReaderSlot>, std::less<>> readers_;
  bool space_armed_ = false;
  std::function<void()> on_space_;
  bool stopping_ = false;
  bool closed_ = false;
  std::set<std::pair<std::uint64_t, std::uint64_t>> damage_seen_;

  std::uint64_t appended_frames_ = 0;
  std::uint64_t appended_bytes_ = 0;
  std::uint64_t full_rejections_ = 0;
  std::uint64_t syncs_ = 0;
  std::uint64_t corrupt_frames_ = 0;
  std::uint64_t corrupt_bytes_ = 0;
  std::uint64_t corrupt_segment_headers_ = 0;
  std::uint64_t torn_tails_ = 0;
  std::uint64_t torn_bytes_ = 0;
  std::uint64_t append_errors_ = 0;
  std::uint64_t sync_errors_ = 0;
  std::uint64_t io_errors_ = 0;
  bool error_state_ = false;
  std::error_code last_error_;
  std::string last_error_detail_;

  std::thread sync_thread_;  // last: started when everything else exists
};

}  // namespace pyrolog::channel::detail
