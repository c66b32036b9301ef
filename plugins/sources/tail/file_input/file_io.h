#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/stat.h>
#include <system_error>

#include "base/unique_fd.h"

namespace pyrolog::files {

// Opens `path` for reading (close-on-exec, non-blocking for FIFOs that slip through).
UniqueFd open_for_reading(const std::string& path, std::error_code& ec);

// pread(2) that retries on EINTR: the bytes read (0 at the end of the file), or -1 with `ec` set.
std::ptrdiff_t read_at(int fd, char* buffer, std::size_t size, std::uint64_t offset, std::error_code& ec);

std::error_code stat_fd(int fd, struct stat& st);

// The offset just past the last newline before `size` (looking back at most `window` bytes), or `size` when
// there is none: where reading "from the end" starts without beginning inside a line.
std::uint64_t end_of_last_line(int fd, std::uint64_t size, std::size_t window = 64 * 1024);

}  // namespace pyrolog::files
