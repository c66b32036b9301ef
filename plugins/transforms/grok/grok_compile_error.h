#pragma once

// A problem found while compiling a grok pattern, located in the pattern text it was found in.

#include <cstddef>
#include <string>
#include <vector>

namespace pyrolog::grok {

struct CompileError {
  // Which pattern text the offset refers to: "grok pattern '<text>'" for the pattern being
  // compiled, or "pattern 'NAME' (<origin>)" for a library pattern reached through %{NAME}.
  std::string where;
  std::size_t offset = 0;  // byte offset in that pattern text
  std::string message;

  // "<where> at offset <offset>: <message>"
  std::string to_string() const;
  friend bool operator==(const CompileError&, const CompileError&) = default;
};

// One error per line.
std::string to_string(const std::vector<CompileError>& errors);

}  // namespace pyrolog::grok
