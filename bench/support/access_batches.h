#pragma once

// Inputs shared by the benchmarks: combined-format access lines from the demo source's generator (~200
// bytes), in batches of 256 as a source makes them, raw or after `grok %{COMBINEDAPACHELOG}`.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "event/batch.h"
#include "plugin/transform.h"

namespace pyrolog::bench {

inline constexpr std::size_t kBatchSize = 256;
inline constexpr std::size_t kLinesPerRun = 2'000'000;
inline constexpr std::size_t kDistinctParsedLines = 10'240;  // 40 batches
inline constexpr std::int64_t kIterations = (kLinesPerRun + kBatchSize - 1) / kBatchSize;

// A transform built through the plugin registry from YAML, as the agent builds it; aborts on a bad config.
std::unique_ptr<Transform> build_transform(const std::string& type, const std::string& yaml);

// 2,000,000 distinct access lines, raw, in batches.
const std::vector<Batch>& raw_batches();

// The first kDistinctParsedLines of them after grok: fields clientip, ident, auth, timestamp, verb, request,
// httpversion, response, bytes, referrer, agent. With `tail_fields`, also the `file.path` and `file.offset`
// the tail source adds (and an event timestamp), as events read from a file carry them.
const std::vector<Batch>& parsed_batches(bool tail_fields = false);

}  // namespace pyrolog::bench
