#include "syslog_parser.h"

namespace pyrolog::syslog {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}

void skip_one_space(std::string_view& in) {
  if (!in.empty() && in[0] == ' ') in.remove_prefix(1);
}

// `123: ` at the start: a Cisco sequence number.
std::string_view sequence_number(std::string_view& in) {
  std::size_t n = 0;
  while (n < in.size() && n < 20 && is_digit(in[n])) {
    ++n;
  }
  if (n == 0 || n + 1 >= in.size() || in[n] != ':' || in[n + 1] != ' ') return {};
  auto seq = in.substr(0, n);
  in.remove_prefix(n + 2);
  return seq;
}

// A zone name after a Cisco time (`UTC:`, `CEST:`), consumed with the space before it; empty when none.
std::string_view zone_name(std::string_view& in) {
  if (in.size() < 3 || in[0] != ' ' || !is_upper(in[1])) return {};
  std::size_t n = 1;
  while (n < in.size() && n < 7 && is_upper(in[n])) {
    ++n;
  }
  if (n >= in.size() || in[n] != ':') return {};
  const auto name = in.substr(1, n - 1);
  in.remove_prefix(n);
  return name;
}

bool hostname_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '-' ||
         c == '_' || c == ':' || c == '%';
}

// The token before the next space, taken as a hostname when it looks like one and not like a tag.
std::string_view hostname(std::string_view& in) {
  const auto sp = in.find(' ');
  if (sp == std::string_view::npos || sp == 0 || sp > 255) return {};
  const auto token = in.substr(0, sp);
  if (token.back() == ':') return {};
  for (char c : token) {
    if (!hostname_char(c)) return {};
  }
  in.remove_prefix(sp + 1);
  return token;
}

// `tag: `, `tag[pid]: ` or `tag[pid] `. Nothing is consumed when `in` does not start with a tag.
void tag(std::string_view& in, Message& out) {
  std::size_t n = 0;
  while (n < in.size() && n < 128 && in[n] != '[' && in[n] != ':' && in[n] != ' ') {
    ++n;
  }
  if (n == 0 || n >= in.size()) return;
  std::string_view name = in.substr(0, n);
  std::string_view pid;
  std::size_t end = n;
  if (in[n] == '[') {
    const auto close = in.find(']', n);
    if (close == std::string_view::npos || close - n > 129) return;
    pid = in.substr(n + 1, close - n - 1);
    end = close + 1;
    if (end < in.size() && in[end] == ':') ++end;
  } else if (in[n] == ':') {
    end = n + 1;
  } else {
    return;  // a word followed by a space: the message itself
  }
  out.appname = name;
  out.procid = pid;
  in.remove_prefix(end);
  skip_one_space(in);
}

}  // namespace

void parse_rfc3164(std::string_view in, const TimeContext& ctx, Message& out) {
  out.format = Format::rfc3164;
  out.sequence = sequence_number(in);
  std::string_view at = in;
  if (!at.empty() && (at[0] == '*' || at[0] == '.')) at.remove_prefix(1);
  const std::string_view at_start = at;
  bool hostname_follows = false;
  if (auto t = parse_iso_timestamp(at, ctx)) {
    out.timestamp = t;
  } else {
    out.timestamp = parse_bsd_timestamp(at, ctx);
  }
  if (out.timestamp) {
    in = at;
    // A zone name the time is written in (Cisco): its offset wins over the configured zone when known.
    if (const auto zone = zone_name(in); !zone.empty()) {
      if (const auto offset = timestamp::abbreviation_offset(zone)) {
        const timestamp::TimeZone fixed = timestamp::TimeZone::fixed(*offset);
        std::string_view again = at_start;
        auto t = parse_iso_timestamp(again, TimeContext{&fixed, ctx.now});
        if (!t) t = parse_bsd_timestamp(again, TimeContext{&fixed, ctx.now});
        if (t) out.timestamp = t;
      }
    }
    if (!in.empty() && in[0] == ':') {
      in.remove_prefix(1);  // Cisco: `Mar  1 00:29:42.155 UTC: %SYS-5-CONFIG_I: ...`, no hostname
    } else {
      hostname_follows = true;
    }
    skip_one_space(in);
  }
  if (hostname_follows) out.hostname = hostname(in);
  tag(in, out);
  out.message = in;
}

}  // namespace pyrolog::syslog
