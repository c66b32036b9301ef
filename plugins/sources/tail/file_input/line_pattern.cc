#include "line_pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <fmt/format.h>
#include <pcre2.h>

namespace pyrolog::files {

struct LinePattern::Compiled {
  Compiled(pcre2_code* c, pcre2_match_data* m) : code(c), match_data(m) {}
  ~Compiled() {
    pcre2_match_data_free(match_data);
    pcre2_code_free(code);
  }
  Compiled(const Compiled&) = delete;
  Compiled& operator=(const Compiled&) = delete;

  pcre2_code* code;
  pcre2_match_data* match_data;
};

std::optional<LinePattern> LinePattern::compile(const std::string& pattern, std::string& error) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* compiled =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0, &code, &offset, nullptr);
  if (compiled == nullptr) {
    PCRE2_UCHAR buffer[256];
    pcre2_get_error_message(code, buffer, sizeof(buffer));
    error = fmt::format("{} at offset {}", reinterpret_cast<const char*>(buffer), offset);
    return std::nullopt;
  }
  pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE);  // without JIT (unsupported CPU) matching still works
  pcre2_match_data* match_data = pcre2_match_data_create_from_pattern(compiled, nullptr);
  if (match_data == nullptr) {
    pcre2_code_free(compiled);
    error = "out of memory";
    return std::nullopt;
  }
  return LinePattern(std::make_shared<Compiled>(compiled, match_data));
}

bool LinePattern::matches(std::string_view line) const {
  const int rc = pcre2_match(compiled_->code, reinterpret_cast<PCRE2_SPTR>(line.data()), line.size(), 0, 0,
                             compiled_->match_data, nullptr);
  return rc >= 0;
}

}  // namespace pyrolog::files
