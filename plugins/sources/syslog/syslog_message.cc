#include "syslog_message.h"

#include <array>

namespace pyrolog::syslog {

std::string_view facility_name(int facility) {
  static constexpr std::array<std::string_view, 24> kNames = {
      "kern",   "user",   "mail",     "daemon", "auth",   "syslog",   "lpr",     "news",
      "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "security", "console", "solaris-cron",
      "local0", "local1", "local2",   "local3", "local4", "local5",   "local6",  "local7"};
  if (facility < 0 || facility >= static_cast<int>(kNames.size())) return {};
  return kNames[static_cast<std::size_t>(facility)];
}

std::string_view severity_name(int severity) {
  static constexpr std::array<std::string_view, 8> kNames = {"emerg",   "alert",  "crit", "err",
                                                             "warning", "notice", "info", "debug"};
  if (severity < 0 || severity >= static_cast<int>(kNames.size())) return {};
  return kNames[static_cast<std::size_t>(severity)];
}

std::string unescape_sd_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\\' && i + 1 < value.size() &&
        (value[i + 1] == '"' || value[i + 1] == '\\' || value[i + 1] == ']')) {
      out.push_back(value[++i]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace pyrolog::syslog
