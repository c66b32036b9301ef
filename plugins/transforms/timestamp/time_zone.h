#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "posix_tz_rule.h"

namespace pyrolog::timestamp {

// A time zone for times written without an offset: UTC, a fixed offset, or a zone of the system's time zone
// database (`Europe/Berlin`, read from /usr/share/zoneinfo or $TZDIR, with its daylight saving rules).
// Immutable; copies share the rules.
class TimeZone {
 public:
  TimeZone() = default;  // UTC
  static TimeZone fixed(std::int32_t offset_seconds);

  // `UTC`, `GMT`, `Z`, an offset (`+02:00`, `-0500`, `+01`), or a zone name. nullopt, with `error` set, when
  // there is no such zone.
  static std::optional<TimeZone> find(std::string_view name, std::string& error);

  // Seconds east of UTC at a UTC time.
  std::int32_t offset_at(std::int64_t utc_seconds) const;
  // The UTC time of a local wall-clock time (seconds since 1970-01-01T00:00 local). A time that does not
  // exist (skipped when clocks go forward) is taken with the offset before the change; an ambiguous one
  // (repeated when clocks go back), the first of the two.
  std::int64_t to_utc(std::int64_t local_seconds) const;

 private:
  struct Rules {
    std::vector<std::int64_t> transitions;  // UTC seconds, ascending
    std::vector<std::int32_t> offsets;      // in force from each transition on
    std::int32_t initial_offset = 0;        // before the first transition
    std::optional<PosixTzRule> footer;      // after the last one
  };
  static std::shared_ptr<const Rules> parse_tzif(std::string_view data);

  std::shared_ptr<const Rules> rules_;
  std::int32_t fixed_offset_ = 0;
};

// An offset as written in a time (`Z`, `+02:00`, `+0200`, `-05`); nullopt when `text` is not one.
std::optional<std::int32_t> parse_utc_offset(std::string_view text);

// The offset of a zone abbreviation that is not ambiguous (`UTC`, `GMT`, `EST`, `CEST`, `JST`, ...).
std::optional<std::int32_t> abbreviation_offset(std::string_view abbreviation);

}  // namespace pyrolog::timestamp
