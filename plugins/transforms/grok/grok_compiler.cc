#include "grok_compiler.h"

#include <charconv>
#include <system_error>
#include <utility>

#include "grok_expander.h"

namespace pyrolog::grok {
namespace {

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  const int length = pcre2_get_error_message(code, buffer, sizeof buffer);
  if (length < 0) return "PCRE2 error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length));
}

// Maps capture group numbers to the expansion's field groups through the name table, so that
// numbering subtleties (e.g. (?|...) branch resets) cannot misattribute a field.
bool number_groups(const pcre2_code* code, const std::vector<GroupInfo>& named,
                   std::vector<GroupInfo>& by_number) {
  std::uint32_t capture_count = 0;
  std::uint32_t name_count = 0;
  std::uint32_t entry_size = 0;
  PCRE2_SPTR table = nullptr;
  if (pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &capture_count) != 0 ||
      pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &name_count) != 0 ||
      pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size) != 0 ||
      pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table) != 0) {
    return false;
  }
  by_number.assign(capture_count, GroupInfo{});
  std::vector<bool> seen(capture_count, false);
  for (std::uint32_t i = 0; i < name_count; ++i) {
    PCRE2_SPTR entry = table + static_cast<std::size_t>(i) * entry_size;
    const std::uint32_t number = (static_cast<std::uint32_t>(entry[0]) << 8) | entry[1];
    const char* name = reinterpret_cast<const char*>(entry + 2);
    const std::string_view name_view(name);
    std::size_t index = 0;
    if (name_view.size() < 2 || name_view.front() != 'g') return false;
    auto [ptr, ec] = std::from_chars(name_view.data() + 1, name_view.data() + name_view.size(), index);
    if (ec != std::errc{} || ptr != name_view.data() + name_view.size()) return false;
    if (number == 0 || number > capture_count || index == 0 || index > named.size()) return false;
    if (seen[number - 1]) return false;
    seen[number - 1] = true;
    by_number[number - 1] = named[index - 1];
  }
  for (bool s : seen) {
    if (!s) return false;
  }
  return true;
}

}  // namespace

GrokCompiler::GrokCompiler(const GrokPatternSet& patterns, CompileOptions options)
    : patterns_(patterns), options_(options) {}

CompileResult GrokCompiler::compile(std::string_view pattern) const {
  Expansion expansion = expand_grok(pattern, patterns_, {options_.max_regex_size, options_.max_nesting});
  if (!expansion.errors.empty()) return {nullptr, std::move(expansion.errors)};

  std::uint32_t flags = PCRE2_NO_AUTO_CAPTURE;
  if (options_.utf) flags |= PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  Pcre2CodePtr code(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expansion.regex.data()),
                                  expansion.regex.size(), flags, &error_code, &error_offset, nullptr));
  if (!code) {
    CompileError error = expansion.locate(error_offset);
    error.message = "invalid regex: " + pcre2_message(error_code) + " (offset " +
                    std::to_string(error_offset) + " of the expanded regex)";
    return {nullptr, {std::move(error)}};
  }

  std::vector<GroupInfo> groups;
  if (!number_groups(code.get(), expansion.groups, groups)) {
    // Only reachable through PCRE2 constructs that create unnamed capture groups.
    CompileError error = expansion.locate(0);
    error.message = "capture groups of the expanded regex do not map to fields";
    return {nullptr, {std::move(error)}};
  }

  bool jit = false;
  if (options_.jit) jit = pcre2_jit_compile(code.get(), PCRE2_JIT_COMPLETE) == 0;

  auto program = std::make_shared<const GrokProgram>(std::string(pattern), std::move(expansion.regex),
                                                     std::move(code), jit, std::move(groups));
  return {std::move(program), {}};
}

}  // namespace pyrolog::grok
