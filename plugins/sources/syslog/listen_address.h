#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace pyrolog::syslog {

enum class Transport : std::uint8_t { udp, tcp, tls, unix_stream, unix_datagram };

// One listener of a syslog source, written as a URL:
//   udp://127.0.0.1:514   tcp://[::1]:601   tls://0.0.0.0:6514   unix:///run/pyrolog/log.sock (stream)
//   unixgram:///dev/log
struct ListenAddress {
  Transport transport = Transport::udp;
  std::string host;  // udp, tcp
  std::uint16_t port = 0;
  std::string path;  // unix sockets

  std::string to_string() const;
};

// The address, or a message saying what is wrong with `text`.
std::variant<ListenAddress, std::string> parse_listen_address(const std::string& text);

std::string_view transport_name(Transport t);

}  // namespace pyrolog::syslog
