#include "rolling_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

#include <fmt/format.h>

namespace pyrolog {
namespace {
std::error_code last_error() {
  return {errno, std::generic_category()};
}

std::string utc_stamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}
}  // namespace

std::pair<std::string, int> RollingFile::stamp_and_suffix(const std::filesystem::path& rolled) const {
  const std::string name = rolled.filename().string().substr(path_.filename().string().size() + 1);
  const auto dash = name.find('-');
  const int n = dash == std::string::npos ? 0 : std::atoi(name.c_str() + dash + 1);
  return {name.substr(0, 16), n};
}

RollingFile::RollingFile(std::filesystem::path path, RollingFilePolicy policy)
    : path_(std::move(path)), policy_(policy) {}

RollingFile::~RollingFile() {
  close();
}

std::error_code RollingFile::open() {
  std::error_code ec;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ec);
  if (ec) return ec;
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return last_error();
  // A crash can leave a record half-written (its batch was not acknowledged, so it comes again).
  std::uint64_t cut = 0;
  if (auto ec_cut = cut_half_written_record(fd_, policy_.find_complete_end, size_, cut)) {
    ::close(fd_);
    fd_ = -1;
    return ec_cut;
  }
  cut_at_open_ += cut;
  opened_at_ = std::chrono::steady_clock::now();
  return {};
}

bool RollingFile::cut_back() {
  if (::ftruncate(fd_, static_cast<off_t>(batch_start_)) != 0) return false;
  size_ = batch_start_;
  return true;
}

std::error_code RollingFile::abandon_batch(std::error_code ec) {
  // All or nothing: cut off what part of this batch made it, so a retry starts clean. Then let go of the
  // file: the retry opens the path again, which helps when the file was deleted or its disk replaced.
  cut_back();
  ::close(fd_);
  fd_ = -1;
  return ec;
}

std::error_code RollingFile::write_all(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return abandon_batch(last_error());
    data.remove_prefix(static_cast<std::size_t>(n));
    size_ += static_cast<std::uint64_t>(n);
  }
  return {};
}

std::error_code RollingFile::begin_batch(std::uint64_t expected) {
  if (fd_ < 0) {
    if (auto ec = open()) return ec;
  }
  const bool too_big = policy_.roll_bytes > 0 && size_ > 0 && size_ + expected > policy_.roll_bytes;
  std::error_code ec = too_big ? roll() : roll_if_due();
  batch_start_ = size_;
  return ec;
}

std::error_code RollingFile::write_part(std::string_view data) {
  if (fd_ < 0) return std::make_error_code(std::errc::bad_file_descriptor);
  return write_all(data);
}

std::error_code RollingFile::end_batch() {
  if (fd_ < 0 || !policy_.sync || ::fdatasync(fd_) == 0) return {};
  return abandon_batch(last_error());  // not synced counts as not written: the retry writes it once
}

bool RollingFile::part_passes_limit(std::uint64_t more) const {
  return policy_.roll_bytes > 0 && batch_start_ > 0 && size_ + more > policy_.roll_bytes;
}

std::error_code RollingFile::restart_batch() {
  if (fd_ < 0) return std::make_error_code(std::errc::bad_file_descriptor);
  if (!cut_back()) return abandon_batch(last_error());
  if (auto ec = roll()) return ec;
  batch_start_ = size_;
  return {};
}

std::error_code RollingFile::append(std::string_view data) {
  if (auto ec = begin_batch(data.size())) return ec;
  if (auto ec = write_part(data)) return ec;
  return end_batch();
}

std::error_code RollingFile::roll_if_due() {
  if (fd_ < 0 || policy_.roll_interval.count() == 0 || size_ == 0) return {};
  if (std::chrono::steady_clock::now() - opened_at_ < policy_.roll_interval) return {};
  return roll();
}

std::error_code RollingFile::roll() {
  if (auto ec = close()) return ec;
  // Within one second, suffixes count up past the highest in use: a name that retention freed is not reused,
  // or the newest file would sort as the oldest.
  const std::string stamp = utc_stamp();
  const std::string base = path_.string() + "." + stamp;
  int highest = -1;
  for (const auto& rolled : rolled_files()) {
    const auto [rolled_stamp, n] = stamp_and_suffix(rolled);
    if (rolled_stamp == stamp) highest = std::max(highest, n);
  }
  const std::string target = highest < 0 ? base : fmt::format("{}-{}", base, highest + 1);
  if (::rename(path_.c_str(), target.c_str()) != 0) {
    const auto ec = last_error();
    open();  // keep writing to the active file rather than stopping
    return ec;
  }
  enforce_retention();
  return open();
}

std::vector<std::filesystem::path> RollingFile::rolled_files() const {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  const auto dir = path_.has_parent_path() ? path_.parent_path() : std::filesystem::path(".");
  const std::string prefix = path_.filename().string() + ".";
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    // `name.20261121T034351Z` or `name.20261121T034351Z-2`
    if (name.size() >= prefix.size() + 16 && name.compare(0, prefix.size(), prefix) == 0 &&
        name[prefix.size() + 8] == 'T' && name[prefix.size() + 15] == 'Z') {
      out.push_back(entry.path());
    }
  }
  // Oldest first: by the stamp, then by the `-N` suffix (none counts as 0).
  std::sort(out.begin(), out.end(),
            [&](const auto& a, const auto& b) { return stamp_and_suffix(a) < stamp_and_suffix(b); });
  return out;
}

void RollingFile::enforce_retention() {
  if (policy_.max_files == 0) return;
  auto files = rolled_files();
  while (files.size() > policy_.max_files) {
    std::error_code ec;
    std::filesystem::remove(files.front(), ec);
    files.erase(files.begin());
  }
}

std::error_code RollingFile::close() {
  if (fd_ < 0) return {};
  std::error_code result;
  if (policy_.sync && ::fdatasync(fd_) != 0) result = last_error();
  if (::close(fd_) != 0 && !result) result = last_error();
  fd_ = -1;
  return result;
}

}  // namespace pyrolog
