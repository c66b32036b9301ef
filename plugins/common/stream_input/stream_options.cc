#include "stream_options.h"

namespace pyrolog::stream_input {

const config::OptionTable<TlsConfig>& TlsConfig::options() {
  static const auto table = [] {
    config::OptionTable<TlsConfig> t;
    t.add("cert_file", &TlsConfig::cert_file,
          "PEM file with the server's certificate (and its chain); needed by TLS listeners.");
    t.add("key_file", &TlsConfig::key_file, "PEM file with the certificate's private key.");
    t.add("ca_file", &TlsConfig::ca_file,
          "PEM file with the CA certificates client certificates are checked against.");
    t.add("verify_client", &TlsConfig::verify_client,
          "Require a client certificate signed by a CA of `ca_file`; a client without one fails the "
          "handshake.");
    t.add("handshake_timeout", &TlsConfig::handshake_timeout,
          "A connection that has not completed its TLS handshake after this long is closed and counted.")
        .range(1, 3600.0 * 1000);
    t.check("verify_client", [](const TlsConfig& c) -> std::optional<std::string> {
      if (c.verify_client && c.ca_file.empty()) return "needs `ca_file`";
      return std::nullopt;
    });
    return t;
  }();
  return table;
}

std::optional<std::string> check_tls_files(const TlsConfig& tls) {
  if (tls.cert_file.empty() || tls.key_file.empty()) return "needs `tls.cert_file` and `tls.key_file`";
  return std::nullopt;
}

}  // namespace pyrolog::stream_input
