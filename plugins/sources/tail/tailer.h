#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "file_discovery.h"
#include "file_input/file_reader.h"
#include "file_input/position_tracker.h"
#include "file_input/reader_metrics.h"
#include "inotify_watcher.h"
#include "log/log.h"
#include "plugin/source.h"
#include "sibling_search.h"
#include "tail_config.h"
#include "tail_metrics.h"
#include "tailed_file.h"

namespace pyrolog {

// The work of the tail source, on its strand: find files, watch them, read them in turn, follow them through
// rotations and truncations, and hand batches to the pipeline with acknowledgements that move positions.
//
// Everything here runs on the source's strand (the main loop and the inotify coroutine); acknowledgements
// come from other threads and only touch the PositionTracker. Held by a shared_ptr, so a `stop` posted from
// another thread never reaches freed memory.
class Tailer : public std::enable_shared_from_this<Tailer> {
 public:
  explicit Tailer(const TailConfig& config);
  ~Tailer();

  void open(SourceContext& ctx);
  Awaitable<void> run(SourceContext& ctx);
  // Any thread.
  void stop();
  // After the source is done: positions of acknowledgements still to come are written when they come.
  void close();

 private:
  enum class OpenResult { opened, unavailable, replaced };

  // tailer.cc: the loop
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void notify();
  Awaitable<void> sleep_until(TailClock::time_point deadline);
  Awaitable<void> watch_loop(std::shared_ptr<Tailer> keep_alive);
  void persist_positions();

  // tailer_scan.cc: finding files and following them through renames
  void scan(bool initial);
  void report_problems(const Discovery& d);
  void update_watches(const Discovery& d);
  TailedFile* claim_or_add(const FoundFile& found, bool initial, const std::set<std::uint64_t>& seen);
  void renamed_to(TailedFile& f, const std::string& path);
  void save_identity(TailedFile& f);
  void path_lost(TailedFile& f, const char* why);
  void start_draining(TailedFile& f, const char* why);
  void recover_parked();
  enum class Look { renamed, renamed_or_copied, copied };
  std::optional<MovedFile> find_moved(const std::string& near_path, const files::FileIdentity& identity,
                                      std::uint64_t min_size, Look look, std::error_code& list_error);
  TailedFile& add_file(std::string path, files::FileIdentity identity,
                       files::PositionTracker::StreamId stream, std::uint64_t offset);

  // tailer_read.cc: reading and submitting
  TailedFile* pop_ready();
  void mark_ready(TailedFile& f);
  // The file is open and has bytes past what was read (a stat, not a read).
  static bool has_unread_bytes(const TailedFile& f);
  Awaitable<void> read_some(TailedFile& f);
  OpenResult open_file(TailedFile& f);
  bool make_room();
  void close_fd(TailedFile& f);
  void wake_waiting();
  Awaitable<void> replaced(TailedFile& f, const std::string& why);
  Awaitable<void> submit(TailedFile& f, Batch batch, const files::ReadCounts& counts);
  Awaitable<void> housekeeping(TailClock::time_point now);
  Awaitable<void> release(std::uint64_t id, const char* why);
  void forget_file(TailedFile& f);
  TimestampNs now_ns() const;

  // tailer_behind.cc: how far behind the files are, once a second, on the strand
  Awaitable<void> behind_loop(std::shared_ptr<Tailer> keep_alive);
  void update_behind();

  const TailConfig config_;
  files::ReaderSettings settings_;
  std::optional<files::MultilineRules> multiline_;
  DiscoveryRules rules_;

  SourceContext* ctx_ = nullptr;
  std::string name_;
  std::unique_ptr<TailMetrics> metrics_;
  std::optional<files::ReaderMetrics> reader_metrics_;
  std::shared_ptr<files::PositionTracker> tracker_;
  bool first_start_ = false;

  std::optional<asio::steady_timer> wake_;
  bool notified_ = false;
  std::atomic<bool> stopping_{false};
  std::optional<InotifyWatcher> watcher_;
  bool watcher_running_ = false;
  bool rescan_wanted_ = false;

  std::map<std::uint64_t, std::unique_ptr<TailedFile>> files_;
  std::unordered_map<std::string, std::uint64_t> by_path_;                     // following files by path
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t> by_inode_;  // every file by (dev, ino)
  struct Parked {
    files::PositionTracker::StreamId stream = 0;
    files::FilePosition position;
  };
  // Saved positions not yet matched to a file, by (dev, ino).
  std::map<std::pair<std::uint64_t, std::uint64_t>, Parked> parked_;
  std::deque<std::uint64_t> ready_;
  std::vector<std::uint64_t> to_release_;
  std::uint64_t next_file_id_ = 1;
  std::size_t open_fds_ = 0;
  std::size_t max_open_files_ = 0;

  std::vector<char> buffer_;
  std::string scratch_;
  std::map<std::string, std::string> problems_;       // path -> message last logged
  std::map<std::string, ScopedGauge> behind_series_;  // per path of an open file
  std::optional<asio::steady_timer> behind_timer_;
  TailClock::time_point next_scan_{};
  TailClock::time_point next_rescan_allowed_{};
  TailClock::time_point next_housekeeping_{};
  TailClock::time_point next_persist_{};
  log::RateLimit read_errors_log_{std::chrono::seconds(10)};
  log::RateLimit overflow_log_{std::chrono::seconds(10)};
};

}  // namespace pyrolog
