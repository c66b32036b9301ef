#pragma once

// Locations the grok tests read from (set by CMake; see CMakeLists.txt).

#include <filesystem>

namespace pyrolog::grok::test {

std::filesystem::path source_dir();    // the Pyrolog source tree
std::filesystem::path patterns_dir();  // conf/patterns: the built-in pattern library
std::filesystem::path corpus_dir();    // the shared test corpora (loghub/...)

}  // namespace pyrolog::grok::test
