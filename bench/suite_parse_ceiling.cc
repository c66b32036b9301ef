// The parse ceiling of the benchmark suite (bench/suite/run): a bare PCRE2-JIT loop of a grok pattern's
// expanded regex over every line of a file, nothing else (no captures read, no events built).
//
//   suite_parse_ceiling PATTERN FILE      e.g. suite_parse_ceiling '%{COMBINEDAPACHELOG}' access.log
//
// The file is read into memory first (not timed); the loop is timed with the wall clock and the thread's CPU
// clock. Prints one JSON object: lines, matched, bytes, seconds, cpu_seconds. The pattern library is read
// from $PYROLOG_SOURCE_DIR/conf/patterns (a compile definition), as the agent's grok transform reads its own.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <time.h>

#include "grok_compiler.h"
#include "pcre2_handles.h"

#ifndef PYROLOG_SOURCE_DIR
#define PYROLOG_SOURCE_DIR "."
#endif

namespace {

using namespace pyrolog::grok;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

int run(const std::string& pattern, const std::string& path) {
  GrokPatternSet library;
  const auto load_errors = library.load_directory(std::string(PYROLOG_SOURCE_DIR) + "/conf/patterns");
  if (!load_errors.empty() || library.empty()) {
    std::fprintf(stderr, "cannot load %s/conf/patterns\n", PYROLOG_SOURCE_DIR);
    return 2;
  }
  CompileResult compiled = GrokCompiler(library).compile(pattern);
  if (!compiled.ok()) {
    std::fprintf(stderr, "%s\n", to_string(compiled.errors).c_str());
    return 2;
  }
  const std::string regex(compiled.program->regex());
  int error = 0;
  PCRE2_SIZE error_offset = 0;
  Pcre2CodePtr code(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex.data()), regex.size(),
                                  PCRE2_NO_AUTO_CAPTURE, &error, &error_offset, nullptr));
  if (!code || pcre2_jit_compile(code.get(), PCRE2_JIT_COMPLETE) != 0) {
    std::fprintf(stderr, "the pattern does not compile with the PCRE2 JIT\n");
    return 2;
  }
  Pcre2MatchDataPtr data(pcre2_match_data_create_from_pattern(code.get(), nullptr));

  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return 2;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  const auto wall_start = std::chrono::steady_clock::now();
  const double cpu_start = thread_cpu_seconds();
  std::size_t lines = 0;
  std::size_t matched = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    const int rc = pcre2_jit_match(code.get(), reinterpret_cast<PCRE2_SPTR>(line.data()), line.size(), 0, 0,
                                   data.get(), nullptr);
    matched += rc > 0 ? 1u : 0u;
    ++lines;
    pos = end + 1;
  }
  const double cpu = thread_cpu_seconds() - cpu_start;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::printf(
      "{\"lines\": %zu, \"matched\": %zu, \"bytes\": %zu, \"seconds\": %.6f, \"cpu_seconds\": %.6f}\n", lines,
      matched, text.size(), wall, cpu);
  return matched == lines ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: suite_parse_ceiling PATTERN FILE\n");
    return 2;
  }
  return run(argv[1], argv[2]);
}
