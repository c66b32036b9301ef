#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pyrolog {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};

// Splits `host:port` or `[v6]:port`; nullopt when malformed.
std::optional<HostPort> split_host_port(const std::string& address);
// A message when `address` is not a valid listen address, nullopt when it is.
std::optional<std::string> check_tcp_address(const std::string& address);

}  // namespace pyrolog
