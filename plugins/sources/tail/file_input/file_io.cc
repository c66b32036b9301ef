#include "file_io.h"

#include <cerrno>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <vector>

namespace pyrolog::files {

UniqueFd open_for_reading(const std::string& path, std::error_code& ec) {
  for (;;) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd >= 0) {
      ec.clear();
      return UniqueFd(fd);
    }
    if (errno == EINTR) continue;
    ec = std::error_code(errno, std::generic_category());
    return {};
  }
}

std::ptrdiff_t read_at(int fd, char* buffer, std::size_t size, std::uint64_t offset, std::error_code& ec) {
  for (;;) {
    const ssize_t n = ::pread(fd, buffer, size, static_cast<off_t>(offset));
    if (n >= 0) {
      ec.clear();
      return n;
    }
    if (errno == EINTR) continue;
    ec = std::error_code(errno, std::generic_category());
    return -1;
  }
}

std::error_code stat_fd(int fd, struct stat& st) {
  if (::fstat(fd, &st) != 0) return {errno, std::generic_category()};
  return {};
}

std::uint64_t end_of_last_line(int fd, std::uint64_t size, std::size_t window) {
  const std::uint64_t from = size > window ? size - window : 0;
  std::vector<char> buffer(size - from);
  std::error_code ec;
  const std::ptrdiff_t n = read_at(fd, buffer.data(), buffer.size(), from, ec);
  if (n <= 0) return size;
  const void* nl = ::memrchr(buffer.data(), '\n', static_cast<std::size_t>(n));
  if (nl == nullptr) return size;
  return from + static_cast<std::uint64_t>(static_cast<const char*>(nl) - buffer.data()) + 1;
}

}  // namespace pyrolog::files
