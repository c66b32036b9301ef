// Throughput of every transform, per line, one thread, and of the grok transform beside its ceiling: a bare
// pcre2_jit_match loop of the same expanded regex over the same lines, in the same run.
//
//   transforms_bench [--benchmark_filter=Grok]
//
// Lines: 10,000 distinct combined-format access lines from the demo source's generator (~200 bytes), in
// batches of 256 as a source makes them; every benchmark processes 2,000,000 lines (7,813 batches). Each
// batch is a clone of a prepared one (a clone copies the event table, and the field table when there are
// fields; the `Clone*` rows measure that cost, which the transform rows include). Transforms are built
// through the plugin registry from YAML, as the agent builds them. The pattern library is read from the
// source tree (PYROLOG_SOURCE_DIR, a compile definition). Figures: docs/benchmarks.md, "Transforms".

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <time.h>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "grok_compiler.h"
#include "grok_library.h"
#include "support/access_batches.h"

namespace pyrolog {
namespace {

using bench::kBatchSize;
using bench::kIterations;
using bench::parsed_batches;
using bench::raw_batches;

std::unique_ptr<Transform> build(const std::string& type, const std::string& yaml) {
  return bench::build_transform(type, yaml);
}

class Sink final : public TransformOutputs {
 public:
  void emit(Batch batch, std::size_t) override { events += batch.size(); }
  std::size_t events = 0;
};

std::vector<Batch> batches_of(const std::vector<std::string>& lines) {
  std::vector<Batch> out;
  for (std::size_t i = 0; i < lines.size(); i += kBatchSize) {
    Batch& b = out.emplace_back();
    for (std::size_t j = i; j < std::min(lines.size(), i + kBatchSize); ++j)
      b.add_event(0, b.store(lines[j]));
  }
  return out;
}

// The same requests as JSON objects and as key=value lines.
std::vector<std::string> lines_from_fields(bool json) {
  std::vector<std::string> out;
  for (const Batch& b : parsed_batches()) {
    for (const Event& e : b.events()) {
      std::string line;
      nlohmann::json object = nlohmann::json::object();
      for (const Field& f : b.fields(e)) {
        const std::string name(f.name);
        if (f.value.type() == ValueType::integer) {
          object[name] = f.value.as_integer();
          if (!json) line += name + "=" + std::to_string(f.value.as_integer()) + " ";
        } else {
          object[name] = std::string(f.value.as_string());
          if (!json) line += name + "=\"" + std::string(f.value.as_string()) + "\" ";
        }
      }
      out.push_back(json ? object.dump() : line);
    }
  }
  return out;
}

const std::vector<Batch>& json_batches() {
  static const std::vector<Batch> batches = batches_of(lines_from_fields(true));
  return batches;
}
const std::vector<Batch>& kv_batches() {
  static const std::vector<Batch> batches = batches_of(lines_from_fields(false));
  return batches;
}

std::size_t bytes_of(const Batch& b) {
  return b.raw_bytes();
}

void report(benchmark::State& state, std::size_t lines, std::size_t bytes, std::size_t out) {
  state.SetItemsProcessed(static_cast<std::int64_t>(lines));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["lines/s"] = benchmark::Counter(static_cast<double>(lines), benchmark::Counter::kIsRate);
  state.counters["ns/line"] = benchmark::Counter(static_cast<double>(lines),
                                                 benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["out%"] = 100.0 * static_cast<double>(out) / static_cast<double>(lines);
}

// Runs `transform` over clones of `input`, kIterations batches.
void run_transform(benchmark::State& state, Transform& transform, const std::vector<Batch>& input) {
  Sink sink;
  std::size_t i = 0, lines = 0, bytes = 0;
  for (auto _ : state) {
    const Batch& source = input[i];
    i = i + 1 == input.size() ? 0 : i + 1;
    lines += source.size();
    bytes += bytes_of(source);
    transform.process(source.clone(), sink);
  }
  report(state, lines, bytes, sink.events);
}

// --- grok and its ceiling ---------------------------------------------------------------------------------

double ceiling_ns_per_line = 0;  // from BM_Grok_Ceiling_BarePcre2Jit, for BM_Grok's of_ceiling

// CPU time of this thread, in nanoseconds: what both sides of the grok/ceiling ratio are measured in.
double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

std::string combined_regex() {
  std::vector<std::string> errors;
  grok::GrokLibraryOptions options;
  const grok::GrokPatternSet library = grok::load_grok_library(options, errors);
  const grok::CompileResult r = grok::GrokCompiler(library).compile("%{COMBINEDAPACHELOG}");
  if (!r.ok()) std::abort();
  return std::string(r.program->regex());
}

void BM_Grok_Ceiling_BarePcre2Jit(benchmark::State& state) {
  const std::string regex = combined_regex();
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex.data()), regex.size(),
                                   PCRE2_NO_AUTO_CAPTURE, &error, &offset, nullptr);
  if (code == nullptr || pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0) {
    state.SkipWithError("PCRE2 JIT unavailable");
    return;
  }
  pcre2_match_data* data = pcre2_match_data_create_from_pattern(code, nullptr);
  const auto& input = raw_batches();
  std::size_t i = 0, lines = 0, bytes = 0, matched = 0;
  const double start = thread_cpu_ns();
  for (auto _ : state) {
    const Batch& source = input[i];
    i = i + 1 == input.size() ? 0 : i + 1;
    for (const Event& e : source.events()) {
      const int rc = pcre2_jit_match(code, reinterpret_cast<PCRE2_SPTR>(e.raw.data()), e.raw.size(), 0, 0,
                                     data, nullptr);
      matched += rc > 0 ? 1u : 0u;
    }
    lines += source.size();
    bytes += bytes_of(source);
  }
  ceiling_ns_per_line = (thread_cpu_ns() - start) / static_cast<double>(lines);
  report(state, lines, bytes, matched);
  pcre2_match_data_free(data);
  pcre2_code_free(code);
}

void BM_Grok(benchmark::State& state) {
  auto grok = build("grok", "match: ['%{COMBINEDAPACHELOG}']");
  const double start = thread_cpu_ns();
  run_transform(state, *grok, raw_batches());
  const double ns =
      (thread_cpu_ns() - start) / (static_cast<double>(state.iterations()) * static_cast<double>(kBatchSize));
  if (ceiling_ns_per_line > 0) state.counters["of_ceiling%"] = 100.0 * ceiling_ns_per_line / ns;
}

// The failure path: no pattern matches (an unanchored syslog pattern tried at every position), every event
// tagged.
void BM_Grok_NoMatch(benchmark::State& state) {
  auto grok = build("grok", "match: ['%{SYSLOGLINE}']");
  run_transform(state, *grok, raw_batches());
}

// --- the other transforms ---------------------------------------------------------------------------------

void BM_Json(benchmark::State& state) {
  auto json = build("json", "{}");
  run_transform(state, *json, json_batches());
}

// The parser alone: nlohmann::json::accept (a SAX pass that builds nothing).
void BM_Json_Ceiling_Accept(benchmark::State& state) {
  const auto& input = json_batches();
  std::size_t i = 0, lines = 0, bytes = 0, ok = 0;
  for (auto _ : state) {
    const Batch& source = input[i];
    i = i + 1 == input.size() ? 0 : i + 1;
    for (const Event& e : source.events())
      ok += nlohmann::json::accept(e.raw.begin(), e.raw.end()) ? 1u : 0u;
    lines += source.size();
    bytes += bytes_of(source);
  }
  report(state, lines, bytes, ok);
}

void BM_Kv(benchmark::State& state) {
  auto kv = build("kv", "{}");
  run_transform(state, *kv, kv_batches());
}

void BM_Timestamp(benchmark::State& state) {
  auto ts = build("timestamp", "formats: ['%d/%b/%Y:%H:%M:%S %z']");
  run_transform(state, *ts, parsed_batches());
}

// glibc's strptime and timegm on the same field, for comparison (no offset handling: strptime's %z is
// parsed).
void BM_Timestamp_Libc_Strptime(benchmark::State& state) {
  const auto& input = parsed_batches();
  std::size_t i = 0, lines = 0, bytes = 0, ok = 0;
  std::string text;
  for (auto _ : state) {
    const Batch& source = input[i];
    i = i + 1 == input.size() ? 0 : i + 1;
    for (const Event& e : source.events()) {
      const Value* v = source.find(e, "timestamp");
      text.assign(v->as_string());
      std::tm tm{};
      if (strptime(text.c_str(), "%d/%b/%Y:%H:%M:%S %z", &tm) != nullptr) {
        benchmark::DoNotOptimize(timegm(&tm) - tm.tm_gmtoff);
        ++ok;
      }
    }
    lines += source.size();
    bytes += bytes_of(source);
  }
  report(state, lines, bytes, ok);
}

void BM_Fields(benchmark::State& state) {
  auto fields = build("fields", R"(rename: {clientip: client.ip}
set: {request_line: '{verb} {request} HTTP/{httpversion}', status: '{response}'}
convert: {httpversion: float}
remove: [ident])");
  run_transform(state, *fields, parsed_batches());
}

void BM_Filter(benchmark::State& state) {
  auto filter = build("filter", "keep: 'response >= 400 or verb == \"POST\" or request =~ /^\\/api\\//'");
  run_transform(state, *filter, parsed_batches());
}

void BM_Route(benchmark::State& state) {
  auto route = build("route",
                     "routes: {errors: 'response >= 500', large: 'bytes > 40000', api: 'request =~ "
                     "/^\\/api\\//'}");
  run_transform(state, *route, parsed_batches());
}

// What a clone of a batch costs, raw and with the 11 grok fields: part of every transform row above.
void BM_Clone_Raw(benchmark::State& state) {
  Sink sink;
  const auto& input = raw_batches();
  std::size_t i = 0, lines = 0, bytes = 0;
  for (auto _ : state) {
    const Batch& source = input[i];
    i = i + 1 == input.size() ? 0 : i + 1;
    Batch b = source.clone();
    lines += b.size();
    bytes += bytes_of(source);
    benchmark::DoNotOptimize(b.events().data());
  }
  report(state, lines, bytes, lines);
}

void BM_Clone_Parsed(benchmark::State& state) {
  const auto& input = parsed_batches();
  std::size_t i = 0, lines = 0, bytes = 0;
  for (auto _ : state) {
    const Batch& source = input[i];
    i = i + 1 == input.size() ? 0 : i + 1;
    Batch b = source.clone();
    lines += b.size();
    bytes += bytes_of(source);
    benchmark::DoNotOptimize(b.events().data());
  }
  report(state, lines, bytes, lines);
}

// A whole chain on raw lines: grok, timestamp, fields, filter.
class Chain final : public Transform {
 public:
  Chain() {
    steps_.push_back(build("grok", "match: ['%{COMBINEDAPACHELOG}']"));
    steps_.push_back(build("timestamp", "formats: ['%d/%b/%Y:%H:%M:%S %z']\nremove_field: true"));
    steps_.push_back(build("fields", "convert: {httpversion: float}\nrename: {clientip: client.ip}"));
    steps_.push_back(build("filter", "drop: 'request =~ /^\\/static\\//'"));
  }
  void process(Batch batch, TransformOutputs& out) override {
    for (auto& step : steps_)
      static_cast<InPlaceTransform&>(*step).transform(batch);
    if (!batch.empty()) out.emit(std::move(batch));
  }

 private:
  std::vector<std::unique_ptr<Transform>> steps_;
};

void BM_Chain_Grok_Timestamp_Fields_Filter(benchmark::State& state) {
  Chain chain;
  run_transform(state, chain, raw_batches());
}

BENCHMARK(BM_Grok_Ceiling_BarePcre2Jit)->Iterations(kIterations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Grok)->Iterations(kIterations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Grok_NoMatch)->Iterations(kIterations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Json_Ceiling_Accept)->Iterations(kIterations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Json)->Iterations(kIterations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Kv)->Iterations(kIterations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Timestamp_Libc_Strptime)->Iterations(kIterations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Timestamp)->Iterations(kIterations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fields)->Iterations(kIterations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Filter)->Iterations(kIterations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Route)->Iterations(kIterations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Clone_Raw)->Iterations(kIterations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Clone_Parsed)->Iterations(kIterations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Chain_Grok_Timestamp_Fields_Filter)->Iterations(kIterations)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pyrolog

BENCHMARK_MAIN();
