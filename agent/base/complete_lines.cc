#include "base/complete_lines.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace pyrolog {

std::error_code find_complete_lines_end(int fd, std::uint64_t size, std::uint64_t& end) {
  std::array<char, 64 * 1024> block;
  std::uint64_t upto = size;
  while (upto > 0) {
    const std::uint64_t from = upto - std::min<std::uint64_t>(upto, block.size());
    const std::size_t want = upto - from;
    std::size_t got = 0;
    while (got < want) {
      const ssize_t n = ::pread(fd, block.data() + got, want - got, static_cast<off_t>(from + got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return {errno, std::generic_category()};
      if (n == 0) return std::make_error_code(std::errc::io_error);  // shorter than `size`: cut meanwhile
      got += static_cast<std::size_t>(n);
    }
    if (const void* nl = ::memrchr(block.data(), '\n', want)) {
      end = from + static_cast<std::uint64_t>(static_cast<const char*>(nl) - block.data()) + 1;
      return {};
    }
    upto = from;
  }
  end = 0;
  return {};
}

std::error_code cut_half_written_record(int fd, FindCompleteEnd find, std::uint64_t& size,
                                        std::uint64_t& cut) {
  cut = 0;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return {errno, std::generic_category()};
  size = static_cast<std::uint64_t>(st.st_size);
  if (size == 0) return {};
  std::uint64_t end = size;
  if (auto ec = find(fd, size, end)) return ec;
  if (end >= size) return {};
  if (::ftruncate(fd, static_cast<off_t>(end)) != 0) return {errno, std::generic_category()};
  cut = size - end;
  size = end;
  return {};
}

}  // namespace pyrolog
