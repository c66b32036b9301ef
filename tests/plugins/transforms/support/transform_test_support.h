#pragma once

// Helpers for the transform tests: batches from lines, transforms built through the registry from YAML (as
// `pyrolog check` and the pipeline build them), field values as text, the outputs of a transform.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "event/batch.h"
#include "plugin/transform.h"

namespace pyrolog::test {

// A batch with one event per line, timestamp 0.
Batch make_batch(const std::vector<std::string>& lines);

// A value as text, for assertions: strings as they are; `int:42`, `float:1.5`, `bool:true`, `null`,
// `ts:<ns>`.
std::string describe(const Value& value);
// Every field of an event, by name, described; plus `message` for the raw line.
std::map<std::string, std::string> fields_of(const Batch& batch, const Event& event);
// One field described, or "<missing>".
std::string field(const Batch& batch, const Event& event, std::string_view name);

// Builds a transform of `type` from the YAML of its options (as under `transforms.<name>:`, without `type`),
// through the plugin registry. `errors` gets every problem (option errors and ComponentConfigError), one per
// line; the result is null when there is any.
std::unique_ptr<Transform> make_transform(const std::string& type, const std::string& yaml,
                                          std::string& errors, const std::string& component = "under_test");
// The same, failing the current test on any problem.
std::unique_ptr<Transform> make_transform(const std::string& type, const std::string& yaml);
// The problems of a configuration, one per line ("" when it builds).
std::string config_errors(const std::string& type, const std::string& yaml);

// What a transform emitted: (output index, batch), in order.
struct Emitted {
  std::vector<std::pair<std::size_t, Batch>> batches;
};
Emitted run(Transform& transform, Batch batch);
// For an in-place transform: runs it and returns the batch it passed on (empty when it emitted nothing).
Batch run_one(Transform& transform, Batch batch);

// The value of `pyrolog_transform_events_total` for the component and outcome.
std::uint64_t outcome_count(const std::string& component, const std::string& type,
                            const std::string& outcome);

}  // namespace pyrolog::test
