// Grok matcher throughput on the combined access-log format, next to a bare PCRE2-JIT loop over
// the same expanded regex (the ceiling: what the match alone costs, without the capture table).
//
//   grok_bench --benchmark_filter=Combined
//
// Lines come from a small deterministic generator of realistic combined-format lines (~200 bytes).
// The pattern library is read from $PYROLOG_SOURCE_DIR/conf/patterns: build with the compile
// definition PYROLOG_SOURCE_DIR="<source tree>" (or run from the source tree). Link with
// pyrolog_grok_engine and benchmark::benchmark.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "grok_compiler.h"
#include "grok_matcher.h"

#ifndef PYROLOG_SOURCE_DIR
#define PYROLOG_SOURCE_DIR "."
#endif

namespace {

using namespace pyrolog::grok;

// xorshift64*: deterministic on every platform (unlike the std distributions).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 2685821657736338717ULL;
  }
  std::size_t below(std::size_t n) { return next() % n; }
  template <typename T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[below(N)];
  }

 private:
  std::uint64_t state_;
};

std::vector<std::string> combined_lines(std::size_t count) {
  static const char* const kMethods[] = {"GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "HEAD"};
  static const char* const kPaths[] = {"/",
                                       "/index.html",
                                       "/api/v1/items",
                                       "/api/v1/users/profile",
                                       "/static/js/app.min.js",
                                       "/static/css/site.css",
                                       "/images/logo-large.png",
                                       "/search",
                                       "/login",
                                       "/cart/checkout"};
  static const char* const kQueries[] = {"",
                                         "",
                                         "",
                                         "?q=grok+patterns&page=2",
                                         "?id=42",
                                         "?utm_source=newsletter&utm_medium=email",
                                         "?session=3f2a9c1e"};
  static const int kStatuses[] = {200, 200, 200, 200, 200, 304, 301, 404, 500, 201};
  static const char* const kReferrers[] = {"-", "https://www.example.com/",
                                           "https://www.google.com/search?q=example",
                                           "https://shop.example.com/cart", "-"};
  static const char* const kAgents[] = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
      "Safari/537.36",
      "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Mobile/15E148",
      "curl/8.4.0", "Googlebot/2.1 (+http://www.google.com/bot.html)"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  static const char* const kUsers[] = {"-", "-", "-", "-", "frank", "jane@example.com"};

  Rng rng(0x9e3779b97f4a7c15ULL);
  std::vector<std::string> lines;
  lines.reserve(count);
  char buffer[1024];
  for (std::size_t i = 0; i < count; ++i) {
    const int n =
        std::snprintf(buffer, sizeof buffer,
                      "%zu.%zu.%zu.%zu - %s [%02zu/%s/2024:%02zu:%02zu:%02zu +0000] \"%s %s%s HTTP/1.1\" %d "
                      "%zu \"%s\" \"%s\"",
                      rng.below(223) + 1, rng.below(256), rng.below(256), rng.below(256), rng.pick(kUsers),
                      rng.below(28) + 1, rng.pick(kMonths), rng.below(24), rng.below(60), rng.below(60),
                      rng.pick(kMethods), rng.pick(kPaths), rng.pick(kQueries), rng.pick(kStatuses),
                      rng.below(50000), rng.pick(kReferrers), rng.pick(kAgents));
    lines.emplace_back(buffer, static_cast<std::size_t>(n));
  }
  return lines;
}

const std::vector<std::string>& lines() {
  static const std::vector<std::string> generated = combined_lines(10000);
  return generated;
}

const GrokPatternSet& library() {
  static const GrokPatternSet set = [] {
    GrokPatternSet s;
    const auto errors = s.load_directory(std::string(PYROLOG_SOURCE_DIR) + "/conf/patterns");
    if (!errors.empty() || s.empty()) {
      std::fprintf(stderr, "cannot load conf/patterns from %s\n", PYROLOG_SOURCE_DIR);
      std::abort();
    }
    return s;
  }();
  return set;
}

std::shared_ptr<const GrokProgram> program(const std::string& pattern) {
  CompileResult r = GrokCompiler(library()).compile(pattern);
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", to_string(r.errors).c_str());
    std::abort();
  }
  return r.program;
}

void report(benchmark::State& state, std::size_t matched, std::size_t bytes) {
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["lines/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["matched%"] = 100.0 * static_cast<double>(matched) / static_cast<double>(state.iterations());
}

// The grok matcher: match plus the capture list (12 fields), as the transform will use it.
void grok_matcher(benchmark::State& state, const std::string& pattern) {
  const GrokMatcher matcher(program(pattern));
  MatchScratch scratch;
  const auto& input = lines();
  std::size_t i = 0, matched = 0, bytes = 0, fields = 0;
  for (auto _ : state) {
    const std::string& line = input[i];
    i = i + 1 == input.size() ? 0 : i + 1;
    const MatchResult r = matcher.match(line, scratch);
    matched += r.matched() ? 1u : 0u;
    fields += r.captures.size();
    bytes += line.size();
    benchmark::DoNotOptimize(r.captures.data());
  }
  report(state, matched, bytes);
  state.counters["fields/line"] = static_cast<double>(fields) / static_cast<double>(state.iterations());
}

// The ceiling: pcre2_jit_match of the same expanded regex, nothing else.
void bare_pcre2_jit(benchmark::State& state, const std::string& pattern) {
  const auto prog = program(pattern);
  const std::string regex(prog->regex());
  int error = 0;
  PCRE2_SIZE offset = 0;
  Pcre2CodePtr code(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex.data()), regex.size(),
                                  PCRE2_NO_AUTO_CAPTURE, &error, &offset, nullptr));
  if (!code || pcre2_jit_compile(code.get(), PCRE2_JIT_COMPLETE) != 0) {
    state.SkipWithError("PCRE2 JIT unavailable");
    return;
  }
  Pcre2MatchDataPtr data(pcre2_match_data_create_from_pattern(code.get(), nullptr));
  const auto& input = lines();
  std::size_t i = 0, matched = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& line = input[i];
    i = i + 1 == input.size() ? 0 : i + 1;
    const int rc = pcre2_jit_match(code.get(), reinterpret_cast<PCRE2_SPTR>(line.data()), line.size(), 0, 0,
                                   data.get(), nullptr);
    matched += rc > 0 ? 1u : 0u;
    bytes += line.size();
    benchmark::DoNotOptimize(rc);
  }
  report(state, matched, bytes);
}

void BM_Combined_Grok(benchmark::State& state) {
  grok_matcher(state, "%{COMBINEDAPACHELOG}");
}
void BM_Combined_BarePcre2Jit(benchmark::State& state) {
  bare_pcre2_jit(state, "%{COMBINEDAPACHELOG}");
}
void BM_CombinedAnchored_Grok(benchmark::State& state) {
  grok_matcher(state, "^%{COMBINEDAPACHELOG}$");
}
void BM_CombinedAnchored_BarePcre2Jit(benchmark::State& state) {
  bare_pcre2_jit(state, "^%{COMBINEDAPACHELOG}$");
}
// The failure path: the same lines against a syslog pattern they do not match.
void BM_NoMatch_Grok(benchmark::State& state) {
  grok_matcher(state, "%{SYSLOGLINE}");
}

BENCHMARK(BM_Combined_Grok);
BENCHMARK(BM_Combined_BarePcre2Jit);
BENCHMARK(BM_CombinedAnchored_Grok);
BENCHMARK(BM_CombinedAnchored_BarePcre2Jit);
BENCHMARK(BM_NoMatch_Grok);

}  // namespace

BENCHMARK_MAIN();
