#include "runtime/systemd_notify.h"

#include <cstdlib>
#include <string>

#include <systemd/sd-daemon.h>

namespace pyrolog::systemd {

void notify(std::string_view state) {
  const std::string text(state);
  // A failure (no socket, a full socket buffer) is not the agent's problem: systemd notices what it misses.
  (void)sd_notify(0, text.c_str());
}

bool notify_socket_set() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  return socket != nullptr && *socket != '\0';
}

std::optional<std::chrono::microseconds> watchdog_ping_interval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec / 2);
}

}  // namespace pyrolog::systemd
