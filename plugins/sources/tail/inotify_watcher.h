#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "runtime/asio.h"
// After asio.h (see there).
#include <boost/asio/posix/stream_descriptor.hpp>

namespace pyrolog {

// What a batch of inotify events means to the tail source.
struct WatchChanges {
  bool overflow = false;  // the kernel's queue overflowed: events were lost
  bool rescan = false;    // entries appeared, disappeared or moved: the globs must be walked again
  std::vector<std::string> modified;  // files written to (or truncated), by path
};

// Watches directories (not files) with inotify: a directory watch reports writes to every file in it, so the
// number of watches is the number of directories, however many files they hold. Events only say where to
// look; the tail source's periodic scan stays the safety net for what inotify cannot see (files renamed out
// of the watched directories, network file systems, a full queue).
class InotifyWatcher {
 public:
  // Throws std::system_error when inotify cannot be set up (the caller then relies on its scans).
  explicit InotifyWatcher(const Executor& executor);

  // Watches `dir`; an error (no permission, the per-user limit reached) is returned, not thrown.
  std::error_code watch(const std::string& dir);
  // Stops watching every directory not in `keep`.
  void retain(const std::set<std::string>& keep);
  std::size_t watched() const { return by_wd_.size(); }

  // The next batch of events, or nullopt once cancelled or failed.
  Awaitable<std::optional<WatchChanges>> next();
  void cancel();

  // Decodes raw inotify records (exposed for tests).
  WatchChanges decode(std::span<const char> records);

 private:
  asio::posix::stream_descriptor stream_;
  std::unordered_map<int, std::string> by_wd_;
  std::unordered_map<std::string, int> by_dir_;
  std::vector<char> buffer_;
};

}  // namespace pyrolog
