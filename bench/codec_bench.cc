// Throughput of the encoders on parsed events, per line, one thread: the JSON encoding that the file, console
// and Kafka sinks write, and the batch codec of the durable channel (encode, decode), on access lines after
// grok with the fields the tail source adds (13 fields an event).
//
//   codec_bench [--benchmark_filter=Json]
//
// Every benchmark processes 2,000,000 lines (7,813 batches of 256), cycling through 10,240 distinct parsed
// lines. Figures: docs/benchmarks.md, "Codecs".

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "codec/batch_codec.h"
#include "codec/event_encoder.h"
#include "support/access_batches.h"

namespace pyrolog {
namespace {

using bench::kIterations;

void report(benchmark::State& state, std::size_t lines, std::size_t bytes) {
  state.SetItemsProcessed(static_cast<std::int64_t>(lines));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["ns/line"] = benchmark::Counter(static_cast<double>(lines),
                                                 benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["out_bytes/line"] = static_cast<double>(bytes) / static_cast<double>(lines);
}

void BM_EncodeJson(benchmark::State& state) {
  const auto& input = bench::parsed_batches(true);
  EventEncoder encoder(Encoding::json);
  std::string out;
  std::size_t i = 0, lines = 0, bytes = 0;
  for (auto _ : state) {
    const Batch& batch = input[i];
    i = i + 1 == input.size() ? 0 : i + 1;
    out.clear();
    for (const Event& e : batch.events())
      encoder.append_line(out, batch, e);
    benchmark::DoNotOptimize(out.data());
    lines += batch.size();
    bytes += out.size();
  }
  report(state, lines, bytes);
}

void BM_EncodeBatch(benchmark::State& state) {
  const auto& input = bench::parsed_batches(true);
  const auto compression = static_cast<FrameCompression>(state.range(0));
  ByteBuffer out;  // kept between frames, as the disk channel keeps its buffers
  std::size_t i = 0, lines = 0, bytes = 0;
  for (auto _ : state) {
    const Batch& batch = input[i];
    i = i + 1 == input.size() ? 0 : i + 1;
    encode_batch(batch, compression, out);
    benchmark::DoNotOptimize(out.data());
    lines += batch.size();
    bytes += out.size();
  }
  report(state, lines, bytes);
}

void BM_DecodeBatch(benchmark::State& state) {
  const auto& input = bench::parsed_batches(true);
  const auto compression = static_cast<FrameCompression>(state.range(0));
  std::vector<std::string> frames;
  for (const Batch& b : input)
    encode_batch(b, compression, frames.emplace_back());
  std::size_t i = 0, lines = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& frame = frames[i];
    i = i + 1 == frames.size() ? 0 : i + 1;
    auto buffer = std::make_unique<char[]>(frame.size());
    std::memcpy(buffer.get(), frame.data(), frame.size());
    DecodeError error;
    auto batch = decode_batch(std::move(buffer), frame.size(), error);
    if (!batch) {
      state.SkipWithError(error.message.c_str());
      return;
    }
    lines += batch->size();
    bytes += frame.size();
  }
  report(state, lines, bytes);
}

BENCHMARK(BM_EncodeJson)->Iterations(kIterations)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EncodeBatch)
    ->Arg(static_cast<int>(FrameCompression::none))
    ->Arg(static_cast<int>(FrameCompression::lz4))
    ->Iterations(kIterations)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeBatch)
    ->Arg(static_cast<int>(FrameCompression::none))
    ->Arg(static_cast<int>(FrameCompression::lz4))
    ->Iterations(kIterations)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pyrolog

BENCHMARK_MAIN();
