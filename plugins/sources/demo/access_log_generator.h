#pragma once

#include <cstdint>
#include <ctime>
#include <string>

namespace pyrolog {

// Deterministic, realistic web-server access lines in the combined log format (about 200 bytes each): varied
// client IPs, methods, paths with query strings, statuses, sizes, referrers and user agents. The same seed
// gives the same lines; the demo source and the benchmarks share it.
class AccessLogGenerator {
 public:
  explicit AccessLogGenerator(std::uint64_t seed = 42) : state_(seed == 0 ? 1 : seed) {}

  // Appends one line (without newline) stamped with `when` (Unix seconds).
  void append_line(std::string& out, std::time_t when);

 private:
  std::uint64_t next();
  std::uint64_t below(std::uint64_t n) { return next() % n; }

  std::uint64_t state_;
};

}  // namespace pyrolog
