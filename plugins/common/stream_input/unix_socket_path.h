#pragma once

#include <string>

namespace pyrolog::stream_input {

// Before binding a Unix socket at `path`: removes a socket left there by an earlier run; throws when
// something else (a regular file, a directory) is in the way.
void clear_stale_socket(const std::string& path);
// After binding: sets the socket file's permissions (`socket_mode`); throws when it cannot.
void set_socket_mode(const std::string& path, unsigned mode);

}  // namespace pyrolog::stream_input
