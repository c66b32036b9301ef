#include "listen_address.h"

#include <fmt/format.h>

#include "host_port.h"

namespace pyrolog::syslog {

std::string_view transport_name(Transport t) {
  switch (t) {
    case Transport::udp:
      return "udp";
    case Transport::tcp:
      return "tcp";
    case Transport::tls:
      return "tls";
    case Transport::unix_stream:
      return "unix";
    case Transport::unix_datagram:
      return "unixgram";
  }
  return "";
}

std::string ListenAddress::to_string() const {
  if (transport == Transport::unix_stream || transport == Transport::unix_datagram) {
    return fmt::format("{}://{}", transport_name(transport), path);
  }
  if (host.find(':') != std::string::npos)
    return fmt::format("{}://[{}]:{}", transport_name(transport), host, port);
  return fmt::format("{}://{}:{}", transport_name(transport), host, port);
}

std::variant<ListenAddress, std::string> parse_listen_address(const std::string& text) {
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string::npos) {
    return fmt::format(
        "expected udp://host:port, tcp://host:port, tls://host:port, unix:///path or unixgram:///path, got "
        "'{}'",
        text);
  }
  const std::string scheme = text.substr(0, scheme_end);
  const std::string rest = text.substr(scheme_end + 3);
  ListenAddress out;
  if (scheme == "unix" || scheme == "unixgram") {
    out.transport = scheme == "unix" ? Transport::unix_stream : Transport::unix_datagram;
    if (rest.empty() || rest.front() != '/') return fmt::format("'{}': expected an absolute path", text);
    if (rest.size() >= 108) return fmt::format("'{}': a Unix socket path has at most 107 bytes", text);
    out.path = rest;
    return out;
  }
  if (scheme == "udp") {
    out.transport = Transport::udp;
  } else if (scheme == "tcp") {
    out.transport = Transport::tcp;
  } else if (scheme == "tls") {
    out.transport = Transport::tls;
  } else {
    return fmt::format("'{}': unknown scheme '{}' (udp, tcp, tls, unix, unixgram)", text, scheme);
  }
  if (auto problem = check_tcp_address(rest)) return fmt::format("'{}': {}", text, *problem);
  const auto hp = split_host_port(rest);
  out.host = hp->host == "localhost" ? "127.0.0.1" : hp->host;
  out.port = hp->port;
  return out;
}

}  // namespace pyrolog::syslog
