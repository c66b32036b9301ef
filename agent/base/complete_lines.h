#pragma once

#include <cstdint>
#include <system_error>

namespace pyrolog {

// Where the last complete line of a file ends: just past its last '\n', or 0 when it has none. What comes
// after is a line left half-written, by a crash in the middle of an append; the caller cuts it off before
// appending, so that the next line does not run on from it. Reads `fd` (open for reading) backwards from
// `size` in blocks, as far as the last '\n'.
std::error_code find_complete_lines_end(int fd, std::uint64_t size, std::uint64_t& end);

}  // namespace pyrolog
