#include "expr/regex.h"

#include <utility>

#include <pcre2.h>

namespace pyrolog::expr {

struct Regex::Compiled {
  pcre2_code* code = nullptr;
  pcre2_match_context* context = nullptr;

  Compiled() = default;
  Compiled(const Compiled&) = delete;
  Compiled& operator=(const Compiled&) = delete;
  ~Compiled() {
    pcre2_match_context_free(context);
    pcre2_code_free(code);
  }
};

namespace {

// One match block per thread, shared by every regex: a match needs only the overall match (one pair).
class ThreadMatchData {
 public:
  ThreadMatchData() : data_(pcre2_match_data_create(1, nullptr)) {}
  ThreadMatchData(const ThreadMatchData&) = delete;
  ThreadMatchData& operator=(const ThreadMatchData&) = delete;
  ~ThreadMatchData() { pcre2_match_data_free(data_); }
  pcre2_match_data* get() const { return data_; }

 private:
  pcre2_match_data* data_;
};

bool jit_available() {
  static const bool available = [] {
    std::uint32_t jit = 0;
    return pcre2_config(PCRE2_CONFIG_JIT, &jit) >= 0 && jit != 0;
  }();
  return available;
}

}  // namespace

std::variant<Regex, Regex::Error> Regex::compile(std::string_view pattern, bool caseless) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  const std::uint32_t options = PCRE2_NO_AUTO_CAPTURE | (caseless ? PCRE2_CASELESS : 0u);
  auto compiled = std::make_shared<Compiled>();
  compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &code,
                                 &offset, nullptr);
  if (compiled->code == nullptr) {
    PCRE2_UCHAR buffer[256];
    const int n = pcre2_get_error_message(code, buffer, sizeof buffer);
    std::string message =
        n > 0 ? std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n))
              : "invalid regex";
    return Error{offset, std::move(message)};
  }
  compiled->context = pcre2_match_context_create(nullptr);
  if (compiled->context == nullptr) return Error{0, "out of memory"};
  pcre2_set_match_limit(compiled->context, kMatchLimit);
  pcre2_set_depth_limit(compiled->context, kMatchLimit);
  const bool jit = jit_available() && pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE) == 0;
  return Regex(std::move(compiled), jit);
}

Regex::Result Regex::match(std::string_view subject) const {
  thread_local ThreadMatchData data;
  if (data.get() == nullptr) return Result::error;
  // PCRE2 rejects a null subject even when it is empty.
  const auto* text = reinterpret_cast<PCRE2_SPTR>(subject.data() != nullptr ? subject.data() : "");
  const int rc =
      jit_ ? pcre2_jit_match(compiled_->code, text, subject.size(), 0, 0, data.get(), compiled_->context)
           : pcre2_match(compiled_->code, text, subject.size(), 0, 0, data.get(), compiled_->context);
  if (rc >= 0) return Result::match;  // 0: matched, with more groups than the block holds
  switch (rc) {
    case PCRE2_ERROR_NOMATCH:
      return Result::no_match;
    case PCRE2_ERROR_MATCHLIMIT:
    case PCRE2_ERROR_DEPTHLIMIT:
    case PCRE2_ERROR_HEAPLIMIT:
    case PCRE2_ERROR_JIT_STACKLIMIT:
      return Result::limit_exceeded;
    default:
      return Result::error;
  }
}

}  // namespace pyrolog::expr
