#include "time_zone.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <utility>

namespace pyrolog::timestamp {
namespace {

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}
std::uint64_t be64(const unsigned char* p) {
  return (std::uint64_t{be32(p)} << 32) | be32(p + 4);
}

bool valid_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 200 || name.front() == '/' || name.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '+' || c == '/';
  });
}

}  // namespace

std::optional<std::int32_t> parse_utc_offset(std::string_view t) {
  if (t == "Z" || t == "z") return 0;
  if (t.size() < 3 || (t[0] != '+' && t[0] != '-')) return std::nullopt;
  const int sign = t[0] == '-' ? -1 : 1;
  auto digit = [&](std::size_t i) { return i < t.size() && t[i] >= '0' && t[i] <= '9'; };
  if (!digit(1) || !digit(2)) return std::nullopt;
  const int hours = (t[1] - '0') * 10 + (t[2] - '0');
  int minutes = 0;
  std::size_t i = 3;
  if (i < t.size() && t[i] == ':') ++i;
  if (i < t.size()) {
    if (!digit(i) || !digit(i + 1) || i + 2 != t.size()) return std::nullopt;
    minutes = (t[i] - '0') * 10 + (t[i + 1] - '0');
  }
  if (hours > 23 || minutes > 59) return std::nullopt;
  return sign * (hours * 3600 + minutes * 60);
}

std::optional<std::int32_t> abbreviation_offset(std::string_view a) {
  // Only abbreviations with one common meaning (not IST, which is India, Ireland or Israel).
  static constexpr std::pair<std::string_view, std::int32_t> kZones[] = {
      {"UTC", 0},      {"GMT", 0},      {"UT", 0},       {"Z", 0},         {"WET", 0},       {"WEST", 3600},
      {"BST", 3600},   {"CET", 3600},   {"CEST", 7200},  {"MET", 3600},    {"MEST", 7200},   {"EET", 7200},
      {"EEST", 10800}, {"MSK", 10800},  {"JST", 32400},  {"KST", 32400},   {"AEST", 36000},  {"AEDT", 39600},
      {"NZST", 43200}, {"NZDT", 46800}, {"HST", -36000}, {"AKST", -32400}, {"AKDT", -28800}, {"PST", -28800},
      {"PDT", -25200}, {"MST", -25200}, {"MDT", -21600}, {"CST", -21600},  {"CDT", -18000},  {"EST", -18000},
      {"EDT", -14400},
  };
  for (const auto& [name, offset] : kZones) {
    if (name == a) return offset;
  }
  return std::nullopt;
}

TimeZone TimeZone::fixed(std::int32_t offset_seconds) {
  TimeZone z;
  z.fixed_offset_ = offset_seconds;
  return z;
}

std::optional<TimeZone> TimeZone::find(std::string_view name, std::string& error) {
  if (name == "UTC" || name == "GMT" || name == "Z" || name == "Etc/UTC") return TimeZone();
  if (auto offset = parse_utc_offset(name)) return fixed(*offset);
  if (!valid_zone_name(name)) {
    error = "expected UTC, an offset such as +02:00, or a time zone name such as Europe/Berlin";
    return std::nullopt;
  }
  const char* dir = std::getenv("TZDIR");
  const std::string path =
      std::string(dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo") + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "unknown time zone (no " + path + ")";
    return std::nullopt;
  }
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto rules = parse_tzif(data);
  if (!rules) {
    error = path + " is not a valid time zone file";
    return std::nullopt;
  }
  TimeZone z;
  z.rules_ = std::move(rules);
  return z;
}

std::shared_ptr<const TimeZone::Rules> TimeZone::parse_tzif(std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t n = data.size();
  struct Header {
    std::uint32_t isut, isstd, leap, time, type, chars;
  };
  auto header = [&](std::size_t at, Header& h) {
    if (at + 44 > n || data.substr(at, 4) != "TZif") return false;
    h = {be32(p + at + 20), be32(p + at + 24), be32(p + at + 28),
         be32(p + at + 32), be32(p + at + 36), be32(p + at + 40)};
    return h.type > 0 && h.time < 100000 && h.type < 256 && h.chars < 100000 && h.leap < 100000;
  };
  Header h{};
  if (!header(0, h)) return nullptr;
  const char version = data[4];
  std::size_t at = 44;
  std::size_t time_size = 4;
  if (version >= '2') {
    at += std::size_t{h.time} * 5 + std::size_t{h.type} * 6 + h.chars + std::size_t{h.leap} * 8 + h.isstd +
          h.isut;
    if (!header(at, h)) return nullptr;
    at += 44;
    time_size = 8;
  }
  const std::size_t block = std::size_t{h.time} * (time_size + 1) + std::size_t{h.type} * 6 + h.chars +
                            std::size_t{h.leap} * (time_size + 4) + h.isstd + h.isut;
  if (at + block > n) return nullptr;
  auto rules = std::make_shared<Rules>();
  const unsigned char* times = p + at;
  const unsigned char* indices = times + std::size_t{h.time} * time_size;
  const unsigned char* types = indices + h.time;
  std::vector<std::int32_t> type_offsets(h.type);
  for (std::uint32_t i = 0; i < h.type; ++i)
    type_offsets[i] = static_cast<std::int32_t>(be32(types + 6 * i));
  for (std::uint32_t i = 0; i < h.time; ++i) {
    const std::int64_t t = time_size == 8 ? static_cast<std::int64_t>(be64(times + 8 * i))
                                          : static_cast<std::int32_t>(be32(times + 4 * i));
    if (indices[i] >= h.type) return nullptr;
    if (!rules->transitions.empty() && t <= rules->transitions.back()) continue;
    rules->transitions.push_back(t);
    rules->offsets.push_back(type_offsets[indices[i]]);
  }
  rules->initial_offset = type_offsets[0];
  if (time_size == 8) {
    const std::size_t footer = at + block;
    if (footer < n && data[footer] == '\n') {
      const std::size_t end = data.find('\n', footer + 1);
      if (end != std::string_view::npos)
        rules->footer = PosixTzRule::parse(data.substr(footer + 1, end - footer - 1));
    }
  }
  return rules;
}

std::int32_t TimeZone::offset_at(std::int64_t utc_seconds) const {
  if (!rules_) return fixed_offset_;
  const auto& t = rules_->transitions;
  if (t.empty() || utc_seconds < t.front()) {
    if (t.empty() && rules_->footer) return rules_->footer->offset_at(utc_seconds);
    return rules_->initial_offset;
  }
  if (utc_seconds >= t.back() && rules_->footer) return rules_->footer->offset_at(utc_seconds);
  const auto it = std::upper_bound(t.begin(), t.end(), utc_seconds);
  return rules_->offsets[static_cast<std::size_t>(it - t.begin()) - 1];
}

std::int64_t TimeZone::to_utc(std::int64_t local_seconds) const {
  if (!rules_) return local_seconds - fixed_offset_;
  // The offsets in force a day either side bracket every real transition; take the earlier reading that is
  // consistent, else (a skipped time) the offset before the change.
  const std::int32_t before = offset_at(local_seconds - 86400);
  const std::int32_t after = offset_at(local_seconds + 86400);
  const std::int64_t with_before = local_seconds - before;
  if (offset_at(with_before) == before) return with_before;
  const std::int64_t with_after = local_seconds - after;
  if (offset_at(with_after) == after) return with_after;
  return with_before;
}

}  // namespace pyrolog::timestamp
