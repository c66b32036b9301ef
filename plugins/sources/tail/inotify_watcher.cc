#include "inotify_watcher.h"

#include <cerrno>
#include <cstring>
#include <sys/inotify.h>
#include <unistd.h>

namespace pyrolog {
namespace {

constexpr std::uint32_t kDirMask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY |
                                   IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

int make_inotify() {
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "inotify_init1");
  return fd;
}

}  // namespace

InotifyWatcher::InotifyWatcher(const Executor& executor)
    : stream_(executor, make_inotify()), buffer_(64 * 1024) {}

std::error_code InotifyWatcher::watch(const std::string& dir) {
  if (by_dir_.contains(dir)) return {};
  const int wd = ::inotify_add_watch(stream_.native_handle(), dir.c_str(), kDirMask);
  if (wd < 0) return {errno, std::generic_category()};
  // The same directory under another name (a symbolic link) gives the same watch: keep the first name.
  if (auto it = by_wd_.find(wd); it != by_wd_.end()) return {};
  by_wd_[wd] = dir;
  by_dir_[dir] = wd;
  return {};
}

void InotifyWatcher::retain(const std::set<std::string>& keep) {
  for (auto it = by_dir_.begin(); it != by_dir_.end();) {
    if (keep.contains(it->first)) {
      ++it;
      continue;
    }
    ::inotify_rm_watch(stream_.native_handle(), it->second);
    by_wd_.erase(it->second);
    it = by_dir_.erase(it);
  }
}

WatchChanges InotifyWatcher::decode(std::span<const char> records) {
  WatchChanges changes;
  std::size_t pos = 0;
  while (pos + sizeof(inotify_event) <= records.size()) {
    inotify_event ev;
    std::memcpy(&ev, records.data() + pos, sizeof(ev));
    const char* name_start = records.data() + pos + sizeof(inotify_event);
    pos += sizeof(inotify_event) + ev.len;
    if (pos > records.size()) break;
    if ((ev.mask & IN_Q_OVERFLOW) != 0) {
      changes.overflow = true;
      changes.rescan = true;
      continue;
    }
    auto dir = by_wd_.find(ev.wd);
    if ((ev.mask & IN_IGNORED) != 0) {
      if (dir != by_wd_.end()) {
        by_dir_.erase(dir->second);
        by_wd_.erase(dir);
      }
      changes.rescan = true;
      continue;
    }
    if (dir == by_wd_.end()) continue;
    const std::string name =
        ev.len > 0 ? std::string(name_start, ::strnlen(name_start, ev.len)) : std::string();
    if ((ev.mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
                    IN_ATTRIB)) != 0) {
      changes.rescan = true;
    }
    if ((ev.mask & IN_MODIFY) != 0 && !name.empty()) {
      std::string path = dir->second == "/" ? "/" + name : dir->second + "/" + name;
      // A busy file writes many events in a row: name it once.
      if (changes.modified.empty() || changes.modified.back() != path)
        changes.modified.push_back(std::move(path));
    }
  }
  return changes;
}

Awaitable<std::optional<WatchChanges>> InotifyWatcher::next() {
  for (;;) {
    const ssize_t n = ::read(stream_.native_handle(), buffer_.data(), buffer_.size());
    if (n > 0) co_return decode(std::span<const char>(buffer_.data(), static_cast<std::size_t>(n)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) co_return std::nullopt;
    boost::system::error_code ec;
    co_await stream_.async_wait(asio::posix::stream_descriptor::wait_read,
                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return std::nullopt;
  }
}

void InotifyWatcher::cancel() {
  boost::system::error_code ec;
  stream_.cancel(ec);
}

}  // namespace pyrolog
