#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace pyrolog::systemd {

// The sd_notify(3) protocol, through libsystemd: a no-op unless systemd (or a test) set NOTIFY_SOCKET.
// Thread-safe.
void notify(std::string_view state);

// True when NOTIFY_SOCKET is set: someone listens for READY=1 and friends.
bool notify_socket_set();

// How often to send WATCHDOG=1 (half of WATCHDOG_USEC, per sd_watchdog_enabled(3)), or nullopt when no
// watchdog is asked for.
std::optional<std::chrono::microseconds> watchdog_ping_interval();

}  // namespace pyrolog::systemd
