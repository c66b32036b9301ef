#include "host_port.h"

#include <charconv>

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>

namespace pyrolog {

std::optional<HostPort> split_host_port(const std::string& address) {
  std::string host;
  std::string port;
  if (!address.empty() && address.front() == '[') {
    const auto close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':')
      return std::nullopt;
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
  } else {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || address.find(':') != colon) return std::nullopt;
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (host.empty() || port.empty() || ec != std::errc() || end != port.data() + port.size() ||
      value > 65535) {
    return std::nullopt;
  }
  return HostPort{host, static_cast<std::uint16_t>(value)};
}

std::optional<std::string> check_tcp_address(const std::string& address) {
  auto hp = split_host_port(address);
  if (!hp) return fmt::format("expected host:port (or [IPv6]:port), got '{}'", address);
  boost::system::error_code ec;
  boost::asio::ip::make_address(hp->host, ec);
  if (ec && hp->host != "localhost") return fmt::format("'{}' is not an IP address", hp->host);
  return std::nullopt;
}

}  // namespace pyrolog
