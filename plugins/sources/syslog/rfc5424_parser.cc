#include "syslog_parser.h"

namespace pyrolog::syslog {
namespace {

// A header field up to the next space; `-` is the NILVALUE (empty). False when there is no space after it.
bool header_field(std::string_view& in, std::string_view& field) {
  const auto sp = in.find(' ');
  if (sp == std::string_view::npos || sp == 0) return false;
  field = in.substr(0, sp);
  if (field == "-") field = {};
  in.remove_prefix(sp + 1);
  return true;
}

// SD-NAME: printable US-ASCII except `=`, space, `]` and `"`.
std::string_view sd_name(std::string_view& in) {
  std::size_t n = 0;
  while (n < in.size()) {
    const char c = in[n];
    if (c <= 32 || c >= 127 || c == '=' || c == ']' || c == '"') break;
    ++n;
  }
  auto name = in.substr(0, n);
  in.remove_prefix(n);
  return name;
}

// One or more SD-ELEMENTs.
bool structured_data(std::string_view& in, Message& out) {
  if (in.empty() || in[0] != '[') return false;
  while (!in.empty() && in[0] == '[') {
    in.remove_prefix(1);
    const auto id = sd_name(in);
    if (id.empty()) return false;
    bool has_params = false;
    for (;;) {
      if (in.empty()) return false;  // unterminated element
      if (in[0] == ']') {
        in.remove_prefix(1);
        break;
      }
      if (in[0] != ' ') return false;
      in.remove_prefix(1);
      const auto name = sd_name(in);
      if (name.empty() || in.size() < 2 || in[0] != '=' || in[1] != '"') return false;
      in.remove_prefix(2);
      std::size_t i = 0;
      bool escaped = false;
      while (i < in.size() && in[i] != '"') {
        if (in[i] == '\\' && i + 1 < in.size()) {
          escaped = true;
          ++i;
        }
        ++i;
      }
      if (i >= in.size()) return false;  // unterminated value
      out.sd.push_back(SdParam{id, name, in.substr(0, i), escaped});
      has_params = true;
      in.remove_prefix(i + 1);
    }
    if (!has_params) out.sd_empty.push_back(id);
  }
  return true;
}

}  // namespace

bool parse_rfc5424(std::string_view in, const TimeContext& ctx, Message& out) {
  // VERSION: 1 to 2 digits, not starting with 0.
  std::size_t v = 0;
  int version = 0;
  while (v < in.size() && v < 3 && in[v] >= '0' && in[v] <= '9') {
    version = version * 10 + (in[v] - '0');
    ++v;
  }
  if (v == 0 || v > 2 || version == 0 || v >= in.size() || in[v] != ' ') return false;
  out.version = version;
  in.remove_prefix(v + 1);
  if (in.size() >= 2 && in[0] == '-' && in[1] == ' ') {
    in.remove_prefix(2);
  } else {
    out.timestamp = parse_iso_timestamp(in, ctx);
    if (!out.timestamp || in.empty() || in[0] != ' ') return false;
    in.remove_prefix(1);
  }
  if (!header_field(in, out.hostname) || !header_field(in, out.appname) || !header_field(in, out.procid) ||
      !header_field(in, out.msgid)) {
    return false;
  }
  if (!in.empty() && in[0] == '-') {
    in.remove_prefix(1);
  } else if (!structured_data(in, out)) {
    return false;
  }
  if (!in.empty()) {
    if (in[0] != ' ') return false;
    in.remove_prefix(1);
  }
  if (in.size() >= 3 && in.substr(0, 3) == "\xEF\xBB\xBF") in.remove_prefix(3);
  out.message = in;
  out.format = Format::rfc5424;
  return true;
}

}  // namespace pyrolog::syslog
