#include "wake_pipe.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

#include <fmt/format.h>

namespace pyrolog::kafka {

WakePipe::WakePipe() {
  std::array<int, 2> fds{-1, -1};
  if (::pipe2(fds.data(), O_NONBLOCK | O_CLOEXEC) != 0) {
    throw std::runtime_error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  }
  read_ = UniqueFd(fds[0]);
  write_ = UniqueFd(fds[1]);
}

void WakePipe::drain() const {
  std::array<char, 64> sink{};
  while (::read(read_.get(), sink.data(), sink.size()) > 0) {
  }
}

}  // namespace pyrolog::kafka
