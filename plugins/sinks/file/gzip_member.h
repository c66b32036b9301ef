#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace pyrolog {

// Compresses `data` into one complete gzip member appended to `out`. Concatenated members are one valid gzip
// stream (RFC 1952), so a file written a member per batch is readable up to its last whole batch. The
// member's header carries its own length in an extra field (subfield `Py`, 8 bytes little-endian), which
// gzip readers skip and find_complete_gzip_members_end() uses to step from member to member. Throws
// std::runtime_error if zlib fails (it does not for in-memory input).
void append_gzip_member(std::string& out, std::string_view data, int level);

// Where the last complete gzip member of a file ends, so that a member a crash left half-written can be cut
// off before the next is appended (readers would otherwise stop at it). Steps over members that carry their
// length; others (written by another program) are inflated to find their end. Sets `end` to `size`, so that
// nothing is cut, when the file does not end in a truncated gzip member: when it holds something other than
// gzip, or a member that is corrupt rather than cut short. `fd` must be open for reading.
std::error_code find_complete_gzip_members_end(int fd, std::uint64_t size, std::uint64_t& end);

}  // namespace pyrolog
