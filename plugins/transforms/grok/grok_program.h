#pragma once

// A compiled grok pattern: the expanded PCRE2 regex (JIT-compiled when possible) and the table
// that maps its capture groups to field names and types. Immutable, so one program can be shared
// by any number of matchers and threads.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "grok_capture.h"
#include "pcre2_handles.h"

namespace pyrolog::grok {

struct GroupInfo {
  std::string field;  // dotted field name
  FieldType type = FieldType::kString;
  std::uint32_t field_index = 0;  // index into GrokProgram::fields()
};

class GrokProgram {
 public:
  // groups[i] describes capture group number i + 1 of code.
  GrokProgram(std::string pattern, std::string regex, Pcre2CodePtr code, bool jit,
              std::vector<GroupInfo> groups);

  GrokProgram(const GrokProgram&) = delete;
  GrokProgram& operator=(const GrokProgram&) = delete;

  const pcre2_code* code() const noexcept { return code_.get(); }
  bool jit() const noexcept { return jit_; }
  std::string_view pattern() const noexcept { return pattern_; }  // as written
  std::string_view regex() const noexcept { return regex_; }      // expanded
  std::uint32_t capture_count() const noexcept { return static_cast<std::uint32_t>(groups_.size()); }
  // Group number n (1-based) is groups()[n - 1].
  std::span<const GroupInfo> groups() const noexcept { return groups_; }
  // Distinct field names, in order of first appearance.
  std::span<const std::string> fields() const noexcept { return fields_; }

 private:
  std::string pattern_;
  std::string regex_;
  Pcre2CodePtr code_;
  bool jit_ = false;
  std::vector<GroupInfo> groups_;
  std::vector<std::string> fields_;
};

}  // namespace pyrolog::grok
