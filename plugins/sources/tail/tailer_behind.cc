// How many bytes of the followed files are not read yet, for `pyrolog_tail_behind_bytes` and its per-file
// series.
#include <sys/stat.h>

#include "file_input/file_io.h"
#include "tailer.h"

namespace pyrolog {

namespace {

std::uint64_t behind(const struct stat& st, std::uint64_t offset) {
  const auto size = static_cast<std::uint64_t>(st.st_size);
  return size > offset ? size - offset : 0;  // a file truncated below the offset is read again soon
}

}  // namespace

Awaitable<void> Tailer::behind_loop(std::shared_ptr<Tailer> /*keeps it alive*/) {
  constexpr auto kInterval = std::chrono::seconds(1);
  behind_timer_.emplace(co_await asio::this_coro::executor);
  while (!stopping()) {
    update_behind();
    behind_timer_->expires_after(kInterval);
    boost::system::error_code ec;
    co_await behind_timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  behind_series_.clear();  // the per-file series go with the source; the total keeps its last value
}

void Tailer::update_behind() {
  std::map<std::string, std::uint64_t> open_files;  // by path; a rotated file and its successor add up
  std::uint64_t total = 0;
  for (const auto& [id, fp] : files_) {
    const TailedFile& f = *fp;
    if (!f.reader) continue;
    struct stat st {};
    if (f.fd) {
      if (files::stat_fd(f.fd.get(), st)) continue;
      const std::uint64_t bytes = behind(st, f.reader->offset());
      open_files[f.path] += bytes;
      total += bytes;
    } else if (f.waiting_for_slot && f.state == TailedFile::State::following) {
      // Closed and waiting for a descriptor (max_open_files): what it holds is exactly the backlog. Counted
      // in the total only, so the per-file series stay within max_open_files.
      if (::stat(f.path.c_str(), &st) != 0 || !f.identity.same_inode(files::identity_of(st))) continue;
      total += behind(st, f.reader->offset());
    }
  }
  for (auto it = behind_series_.begin(); it != behind_series_.end();) {
    it = open_files.contains(it->first) ? std::next(it) : behind_series_.erase(it);
  }
  for (const auto& [path, bytes] : open_files) {
    auto it = behind_series_.find(path);
    if (it == behind_series_.end())
      it = behind_series_.emplace(path, metrics_->file_behind_bytes(path)).first;
    it->second.set(static_cast<std::int64_t>(bytes));
  }
  metrics_->behind_bytes.set(static_cast<std::int64_t>(total));
}

}  // namespace pyrolog
