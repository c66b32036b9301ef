#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "event/value.h"

namespace pyrolog::syslog {

enum class Format : std::uint8_t { none, rfc5424, rfc3164 };

// One PARAM-NAME="PARAM-VALUE" of a structured-data element. `value` is as written (escapes included) when
// `escaped` is true; `unescape_sd_value` gives the text.
struct SdParam {
  std::string_view id;
  std::string_view name;
  std::string_view value;
  bool escaped = false;
};

// A parsed syslog message: views into the line it was parsed from. Empty views are absent fields (RFC 5424's
// NILVALUE `-` included).
struct Message {
  Format format = Format::none;
  int facility = -1;  // 0..23
  int severity = -1;  // 0..7
  int version = 0;    // RFC 5424 only
  std::optional<TimestampNs> timestamp;
  std::string_view hostname;
  std::string_view appname;
  std::string_view procid;
  std::string_view msgid;
  std::string_view sequence;  // RFC 3164 from Cisco-style senders (`<189>123: ...`)
  std::string_view message;
  std::vector<SdParam> sd;                 // params in order
  std::vector<std::string_view> sd_empty;  // ids of elements without params

  void clear() {
    format = Format::none;
    facility = severity = -1;
    version = 0;
    timestamp.reset();
    hostname = appname = procid = msgid = sequence = message = {};
    sd.clear();
    sd_empty.clear();
  }
};

// `kern`, `user`, ... `local7`; `severity_name`: `emerg` ... `debug`. Empty when out of range.
std::string_view facility_name(int facility);
std::string_view severity_name(int severity);

// The text of a PARAM-VALUE: `\"`, `\\` and `\]` become `"`, `\` and `]`; any other backslash stays.
std::string unescape_sd_value(std::string_view value);

}  // namespace pyrolog::syslog
