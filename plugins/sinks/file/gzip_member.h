#pragma once

#include <string>
#include <string_view>

namespace pyrolog {

// Compresses `data` into one complete gzip member appended to `out`. Concatenated members are one valid gzip
// stream (RFC 1952), so a file written a member per batch is readable up to its last whole batch even after
// a crash. Throws std::runtime_error if zlib fails (it does not for in-memory input).
void append_gzip_member(std::string& out, std::string_view data, int level);

}  // namespace pyrolog
