#include "syslog_parser.h"

namespace pyrolog::syslog {

bool parse_pri(std::string_view& in, Message& out) {
  if (in.size() < 3 || in[0] != '<') return false;
  int value = 0;
  std::size_t i = 1;
  while (i < in.size() && i <= 3 && in[i] >= '0' && in[i] <= '9') {
    value = value * 10 + (in[i] - '0');
    ++i;
  }
  if (i == 1 || i >= in.size() || in[i] != '>' || value > 191) return false;
  out.facility = value / 8;
  out.severity = value % 8;
  in.remove_prefix(i + 1);
  return true;
}

bool parse_syslog(std::string_view line, const TimeContext& ctx, Message& out) {
  out.clear();
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == '\0')) {
    line.remove_suffix(1);
  }
  std::string_view rest = line;
  if (parse_pri(rest, out)) {
    if (rest.size() >= 2 && rest[0] == '1' && rest[1] == ' ') {
      if (parse_rfc5424(rest, ctx, out)) return true;
    } else {
      parse_rfc3164(rest, ctx, out);
      return true;
    }
  }
  out.clear();
  out.message = line;
  return false;
}

}  // namespace pyrolog::syslog
