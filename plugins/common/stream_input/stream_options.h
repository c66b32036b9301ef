#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "base/units.h"
#include "config/option_table.h"
#include "stream_framer.h"

namespace pyrolog::stream_input {

// The `tls` section of a stream source: what TLS listeners serve with.
struct TlsConfig {
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
  bool verify_client = false;
  Duration handshake_timeout{std::chrono::seconds(10)};

  static const config::OptionTable<TlsConfig>& options();
};

// The options every stream source declares alike, on a config with members of these names: `framing`,
// `max_connections`, `max_connections_per_peer`, `idle_timeout`, `read_buffer_bytes`, `tls`. One declaration,
// so the sources and their generated reference pages cannot drift apart.
template <class C>
void add_framing_option(config::OptionTable<C>& t) {
  t.add("framing", &C::framing,
        "How a connection's bytes are cut into messages: `newline` takes lines, `octet_counting` takes RFC "
        "6587 octet-counted frames (`LEN SP MSG`; a frame without a valid length is counted and skipped to "
        "the next LF), `auto` looks at each frame (a digit starts an octet count, anything else a line). "
        "`octet_counted` is another name for `octet_counting`.")
      .template choices<Framing>({{"auto", Framing::automatic},
                                  {"octet_counting", Framing::octet_counting},
                                  {"octet_counted", Framing::octet_counting},
                                  {"newline", Framing::newline}});
}

template <class C>
void add_connection_options(config::OptionTable<C>& t) {
  t.add("max_connections", &C::max_connections,
        "Most stream connections open at once over all listeners; one over the limit is closed at once and "
        "counted.")
      .range(1, 1000000);
  t.add("max_connections_per_peer", &C::max_connections_per_peer,
        "Most TCP connections open at once from one peer address; 0: no limit besides `max_connections`.")
      .range(0, 1000000);
  t.add("idle_timeout", &C::idle_timeout,
        "A stream connection that sends nothing for this long is closed (what it sent is kept; never while "
        "the source waits for room in the channel). 0: never.")
      .range(0, 7 * 24 * 3600.0 * 1000);
  t.add("read_buffer_bytes", &C::read_buffer_bytes,
        "Bytes read from a stream connection at a time; each read becomes one batch.")
      .range(4096, 16.0 * 1024 * 1024);
}

// A message when TLS listeners cannot be served with `tls` (no certificate or key), nullopt when they can.
std::optional<std::string> check_tls_files(const TlsConfig& tls);

}  // namespace pyrolog::stream_input
