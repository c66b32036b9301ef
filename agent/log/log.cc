#include "log/log.h"

#include <cstdlib>
#include <ctime>
#include <string>
#include <unistd.h>

#include "log/journal.h"

namespace pyrolog::log {
namespace {
std::atomic<Level> g_level{Level::info};

// Decided once: systemd connected stderr to the journal (JOURNAL_STREAM names it), or PYROLOG_LOG_TARGET says
// `journal`; `stderr` there forces plain lines.
bool use_journal() {
  static const bool journal = [] {
    const char* target = std::getenv("PYROLOG_LOG_TARGET");
    if (target != nullptr && std::string_view(target) == "journal") return true;
    if (target != nullptr && std::string_view(target) == "stderr") return false;
    const char* stream = std::getenv("JOURNAL_STREAM");
    return stream != nullptr && journal_stream_matches(stream, STDERR_FILENO);
  }();
  return journal;
}

std::string_view level_tag(Level l) {
  switch (l) {
    case Level::debug:
      return "DEBUG";
    case Level::info:
      return "INFO ";
    case Level::warning:
      return "WARN ";
    case Level::error:
      return "ERROR";
  }
  return "";
}
}  // namespace

void set_level(Level l) {
  g_level.store(l, std::memory_order_relaxed);
}
Level level() {
  return g_level.load(std::memory_order_relaxed);
}

bool parse_level(std::string_view text, Level& out) {
  if (text == "debug")
    out = Level::debug;
  else if (text == "info")
    out = Level::info;
  else if (text == "warning" || text == "warn")
    out = Level::warning;
  else if (text == "error")
    out = Level::error;
  else
    return false;
  return true;
}

void write(Level l, std::string_view component, std::string_view message) {
  // The journal keeps its own timestamps; when it refuses (not running), the line goes to stderr.
  if (use_journal() && send_to_journal(l, component, message)) return;
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t secs = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::string line =
      fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z {} [{}] {}\n", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis, level_tag(l), component, message);
  // One write per line keeps lines whole between threads; a short write to stderr is not retried.
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

bool RateLimit::allow(std::uint64_t& suppressed) {
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  const std::int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  std::int64_t next = next_allowed_ns_.load(std::memory_order_relaxed);
  const std::int64_t interval_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(interval_).count();
  if (now_ns >= next &&
      next_allowed_ns_.compare_exchange_strong(next, now_ns + interval_ns, std::memory_order_relaxed)) {
    suppressed = suppressed_.exchange(0, std::memory_order_relaxed);
    return true;
  }
  suppressed_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

}  // namespace pyrolog::log
