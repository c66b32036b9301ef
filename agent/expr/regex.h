#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace pyrolog::expr {

// A PCRE2 regex for `=~`, JIT-compiled when PCRE2 has a JIT. Matching is byte-oriented (no UTF mode), so
// invalid UTF-8 in a value never makes a match fail, and bounded by a match limit. Immutable and shared
// between threads; each thread matches with a match block of its own, made on its first match.
class Regex {
 public:
  enum class Result : std::uint8_t { match, no_match, limit_exceeded, error };

  struct Error {
    std::size_t offset = 0;  // in the pattern
    std::string message;
  };

  // PCRE2's match limit (backtracking steps) for every match: a normal value needs far fewer.
  static constexpr std::uint32_t kMatchLimit = 1'000'000;

  static std::variant<Regex, Error> compile(std::string_view pattern, bool caseless);

  Result match(std::string_view subject) const;
  bool jit() const { return jit_; }

 private:
  struct Compiled;
  Regex(std::shared_ptr<const Compiled> compiled, bool jit) : compiled_(std::move(compiled)), jit_(jit) {}

  std::shared_ptr<const Compiled> compiled_;
  bool jit_ = false;
};

}  // namespace pyrolog::expr
