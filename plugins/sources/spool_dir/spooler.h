#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <utility>
#include <vector>

#include "base/unique_fd.h"
#include "file_input/file_identity.h"
#include "file_input/file_reader.h"
#include "file_input/position_tracker.h"
#include "file_input/reader_metrics.h"
#include "plugin/source.h"
#include "spool_dir_config.h"
#include "spool_listing.h"

namespace pyrolog {

// The work of the spool_dir source, on its strand: take the directory's files one at a time, read each to its
// end, wait until the channel has acknowledged every line of it, then rename (or delete) it. Held by a
// shared_ptr, like the tail source's Tailer, so neither `stop` nor acknowledgements reach freed memory.
class Spooler : public std::enable_shared_from_this<Spooler> {
 public:
  explicit Spooler(const SpoolDirConfig& config);
  ~Spooler();

  void open(SourceContext& ctx);
  Awaitable<void> run(SourceContext& ctx);
  void stop();
  void close();

 private:
  using Clock = std::chrono::steady_clock;
  struct Current {
    std::string name;
    std::string path;
    UniqueFd fd;
    files::FileIdentity identity;
    struct stat picked {};  // as it was when picked up: any later change in size or time is a change
    files::PositionTracker::StreamId stream = 0;
    std::unique_ptr<files::FileReader> reader;
    std::uint64_t submitted_end = 0;
    std::uint64_t events = 0;
  };
  struct Parked {
    files::PositionTracker::StreamId stream = 0;
    files::FilePosition position;
  };

  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  Awaitable<void> sleep_for(std::chrono::milliseconds d);
  void refill();
  bool pick_next();
  Awaitable<void> read_chunk();
  Awaitable<void> finish();
  Awaitable<void> submit(Batch batch, const files::ReadCounts& counts);
  Awaitable<bool> wait_acknowledged();
  void set_aside(const std::string& why);
  void give_up(const std::string& why, std::chrono::seconds retry);
  std::string free_name(const std::string& base) const;
  bool unchanged(const struct stat& now) const;
  void persist();
  TimestampNs now_ns() const;

  const SpoolDirConfig config_;
  files::ReaderSettings settings_;
  std::optional<files::MultilineRules> multiline_;

  SourceContext* ctx_ = nullptr;
  std::string name_;
  std::optional<files::ReaderMetrics> reader_metrics_;
  Counter* completed_ = nullptr;
  Counter* changed_ = nullptr;
  Counter* failed_ = nullptr;
  Gauge* pending_ = nullptr;
  std::shared_ptr<files::PositionTracker> tracker_;

  std::optional<asio::steady_timer> wake_;
  std::atomic<bool> stopping_{false};
  std::optional<Current> current_;
  std::deque<SpoolCandidate> queue_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, Parked> parked_;
  std::map<std::string, Clock::time_point> retry_after_;  // files that failed, by name
  bool listed_once_ = false;
  std::string listing_problem_;
  std::vector<char> buffer_;
  std::string scratch_;
  Clock::time_point next_persist_{};
};

}  // namespace pyrolog
