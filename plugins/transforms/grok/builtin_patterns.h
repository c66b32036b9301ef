#pragma once

// Where the built-in grok pattern library (conf/patterns in the source tree) is found at run time.

#include <filesystem>
#include <optional>
#include <vector>

namespace pyrolog::grok {

// The directories searched, in order; the first that exists is the library:
//   1. $PYROLOG_PATTERNS_DIR, when set (an explicit choice; also for tests and unusual layouts);
//   2. <prefix>/share/pyrolog/patterns, for the running binary installed as <prefix>/bin/pyrolog;
//   3. <source tree>/conf/patterns, compiled in: a development build run from its build directory;
//   4. /usr/share/pyrolog/patterns, where the Debian package installs it.
std::vector<std::filesystem::path> builtin_patterns_search_path();

// The first directory of the search path that exists, or nullopt.
std::optional<std::filesystem::path> find_builtin_patterns_dir();

}  // namespace pyrolog::grok
