#include "unix_socket_path.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace pyrolog::stream_input {

void clear_stale_socket(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;
  if (!S_ISSOCK(st.st_mode)) {
    throw std::runtime_error(fmt::format("cannot listen on {}: it exists and is not a socket", path));
  }
  ::unlink(path.c_str());
}

void set_socket_mode(const std::string& path, unsigned mode) {
  if (::chmod(path.c_str(), mode) != 0) {
    throw std::runtime_error(fmt::format("cannot set the mode of {}: {}", path, std::strerror(errno)));
  }
}

}  // namespace pyrolog::stream_input
