#include "builtin_patterns.h"

#include <cstdlib>
#include <system_error>

#ifndef PYROLOG_SOURCE_PATTERNS_DIR
#define PYROLOG_SOURCE_PATTERNS_DIR ""
#endif

namespace pyrolog::grok {

std::vector<std::filesystem::path> builtin_patterns_search_path() {
  std::vector<std::filesystem::path> out;
  if (const char* env = std::getenv("PYROLOG_PATTERNS_DIR"); env != nullptr && *env != '\0')
    out.emplace_back(env);
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec && exe.has_parent_path()) {
    out.push_back(exe.parent_path().parent_path() / "share" / "pyrolog" / "patterns");
  }
  if (const std::filesystem::path source = PYROLOG_SOURCE_PATTERNS_DIR; !source.empty())
    out.push_back(source);
  out.emplace_back("/usr/share/pyrolog/patterns");
  return out;
}

std::optional<std::filesystem::path> find_builtin_patterns_dir() {
  for (const auto& dir : builtin_patterns_search_path()) {
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) return dir;
  }
  return std::nullopt;
}

}  // namespace pyrolog::grok
