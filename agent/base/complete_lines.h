#pragma once

#include <cstdint>
#include <system_error>

namespace pyrolog {

// Where the last complete line of a file ends: just past its last '\n', or 0 when it has none. What comes
// after is a line left half-written, by a crash in the middle of an append; the caller cuts it off before
// appending, so that the next line does not run on from it. Reads `fd` (open for reading) backwards from
// `size` in blocks, as far as the last '\n'.
std::error_code find_complete_lines_end(int fd, std::uint64_t size, std::uint64_t& end);

// Where the last complete record of a file ends: find_complete_lines_end, or another framing's.
using FindCompleteEnd = std::error_code (*)(int fd, std::uint64_t size, std::uint64_t& end);

// Cuts off what follows the last complete record of the file open at `fd` (for reading and writing), as
// `find` says: a record a crash left half-written, so that the next append does not run on from it. `size`
// gets the file's size after, `cut` the bytes cut off (0 for a file that ends in a whole record).
std::error_code cut_half_written_record(int fd, FindCompleteEnd find, std::uint64_t& size,
                                        std::uint64_t& cut);

}  // namespace pyrolog
