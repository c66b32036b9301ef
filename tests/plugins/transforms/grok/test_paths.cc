#include "test_paths.h"

namespace pyrolog::grok::test {

std::filesystem::path source_dir() {
  return PYROLOG_SOURCE_DIR;
}
std::filesystem::path patterns_dir() {
  return source_dir() / "conf" / "patterns";
}
std::filesystem::path corpus_dir() {
  return PYROLOG_CORPUS_DIR;
}

}  // namespace pyrolog::grok::test
