#include "multiline_config.h"

#include <fmt/format.h>

#include "line_pattern.h"

namespace pyrolog::files {
namespace {

std::optional<std::string> check_pattern(const std::string& pattern) {
  if (pattern.empty()) return std::nullopt;
  std::string error;
  if (!LinePattern::compile(pattern, error)) return fmt::format("not a valid regular expression: {}", error);
  return std::nullopt;
}

}  // namespace

const config::OptionTable<MultilineConfig>& MultilineConfig::options() {
  static const auto table = [] {
    config::OptionTable<MultilineConfig> t;
    t.add(
         "start_pattern", &MultilineConfig::start_pattern,
         "A line matching this regular expression (PCRE2) begins a new event; the lines after it that do not "
         "match are appended to it.")
        .example("^\\d{4}-\\d{2}-\\d{2}");
    t.add("continuation_pattern", &MultilineConfig::continuation_pattern,
          "A line matching this regular expression (PCRE2) is appended to the event before it; a line that "
          "does not match begins a new event. Set this or `start_pattern`, not both.")
        .example("^(\\s+at |\\s+\\.\\.\\. \\d+ more|Caused by: )");
    t.add("timeout", &MultilineConfig::timeout,
          "An event is complete when no line was added to it for this long (the last event of a file has no "
          "next line to end it).")
        .range(1, 3600.0 * 1000);
    t.add(
         "max_lines", &MultilineConfig::max_lines,
         "Most lines in one event; a longer group is ended there and the rest begins a new event (counted as "
         "`file_multiline_limited`).")
        .range(2, 1000000);
    t.add("max_bytes", &MultilineConfig::max_bytes,
          "Most bytes in one event; a line that would take it past this begins a new event (counted as "
          "`file_multiline_limited`).")
        .range(1024, 1024.0 * 1024 * 1024);
    t.check("start_pattern", [](const MultilineConfig& c) -> std::optional<std::string> {
      if (!c.start_pattern.empty() && !c.continuation_pattern.empty()) {
        return "set `start_pattern` or `continuation_pattern`, not both";
      }
      return check_pattern(c.start_pattern);
    });
    t.check("continuation_pattern",
            [](const MultilineConfig& c) { return check_pattern(c.continuation_pattern); });
    return t;
  }();
  return table;
}

}  // namespace pyrolog::files
