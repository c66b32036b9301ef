#pragma once

#include <atomic>
#include <chrono>
#include <string_view>

#include <fmt/format.h>

namespace pyrolog::log {

enum class Level { debug, info, warning, error };

void set_level(Level level);
Level level();
bool parse_level(std::string_view text, Level& out);

// Writes one line: `2026-11-21T03:43:51.123Z WARN  [component] message`. Thread-safe; one write(2) per line.
// Under systemd, when stderr is the journal (JOURNAL_STREAM) or PYROLOG_LOG_TARGET=journal, sends a journal
// entry instead: MESSAGE, PRIORITY, PYROLOG_COMPONENT, SYSLOG_IDENTIFIER=pyrolog.
void write(Level level, std::string_view component, std::string_view message);

template <class... Args>
void debug(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
  if (level() <= Level::debug) write(Level::debug, component, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void info(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
  if (level() <= Level::info) write(Level::info, component, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warn(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
  if (level() <= Level::warning)
    write(Level::warning, component, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void error(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
  write(Level::error, component, fmt::format(f, std::forward<Args>(args)...));
}

// Lets one message through per interval, and says how many were held back: a flood of bad input must not
// become a flood of log lines. Thread-safe.
class RateLimit {
 public:
  explicit RateLimit(std::chrono::milliseconds interval = std::chrono::seconds(10)) : interval_(interval) {}
  // True when this occurrence should be logged; `suppressed` is how many were held back since the last one.
  bool allow(std::uint64_t& suppressed);

 private:
  std::chrono::milliseconds interval_;
  std::atomic<std::int64_t> next_allowed_ns_{0};
  std::atomic<std::uint64_t> suppressed_{0};
};

}  // namespace pyrolog::log
