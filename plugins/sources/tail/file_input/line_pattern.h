#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace pyrolog::files {

// A PCRE2 regular expression tested against single lines, compiled once (JIT when available). Bytes are
// matched as bytes, so lines that are not valid UTF-8 never make matching fail. Keeps its own match data:
// one pattern per coroutine or thread.
class LinePattern {
 public:
  // The compiled pattern, or nullopt with `error` set to PCRE2's message and the offset it points at.
  static std::optional<LinePattern> compile(const std::string& pattern, std::string& error);

  bool matches(std::string_view line) const;

 private:
  struct Compiled;
  explicit LinePattern(std::shared_ptr<Compiled> compiled) : compiled_(std::move(compiled)) {}
  std::shared_ptr<Compiled> compiled_;
};

}  // namespace pyrolog::files
