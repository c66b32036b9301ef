#include "transform_test_support.h"

#include <sstream>

#include <gtest/gtest.h>

#include "config/diagnostics.h"
#include "config/parse_context.h"
#include "metrics/metrics.h"
#include "plugin/plugin_registry.h"

namespace pyrolog::test {

Batch make_batch(const std::vector<std::string>& lines) {
  Batch batch;
  for (const auto& line : lines)
    batch.add_event(0, batch.store(line));
  return batch;
}

std::string describe(const Value& v) {
  switch (v.type()) {
    case ValueType::null:
      return "null";
    case ValueType::string:
      return std::string(v.as_string());
    case ValueType::integer:
      return "int:" + std::to_string(v.as_integer());
    case ValueType::floating: {
      std::ostringstream out;
      out << v.as_floating();
      return "float:" + out.str();
    }
    case ValueType::boolean:
      return v.as_boolean() ? "bool:true" : "bool:false";
    case ValueType::timestamp:
      return "ts:" + std::to_string(v.as_timestamp());
  }
  return "?";
}

std::map<std::string, std::string> fields_of(const Batch& batch, const Event& event) {
  std::map<std::string, std::string> out;
  for (const Field& f : batch.fields(event))
    out[std::string(f.name)] = describe(f.value);
  out["message"] = std::string(event.raw);
  return out;
}

std::string field(const Batch& batch, const Event& event, std::string_view name) {
  if (name == "message") return std::string(event.raw);
  const Value* v = batch.find(event, name);
  return v == nullptr ? "<missing>" : describe(*v);
}

std::unique_ptr<Transform> make_transform(const std::string& type, const std::string& yaml,
                                          std::string& errors, const std::string& component) {
  errors.clear();
  const PluginDescriptor* plugin = PluginRegistry::instance().find(ComponentKind::transform, type);
  if (plugin == nullptr) {
    errors = "no transform type " + type;
    return nullptr;
  }
  config::Diagnostics diagnostics;
  config::ParseContext ctx;
  ctx.file = "test.yaml";
  ctx.diagnostics = &diagnostics;
  YAML::Node node;
  try {
    node = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    errors = std::string("invalid YAML in the test: ") + e.what();
    return nullptr;
  }
  auto options = plugin->parse(node, ctx, "transforms." + component, {"type", "inputs"});
  if (!diagnostics.empty() || !options) {
    errors = diagnostics.to_string();
    return nullptr;
  }
  try {
    return plugin->make_transform(options.get());
  } catch (const ComponentConfigError& e) {
    errors = e.what();
    return nullptr;
  }
}

std::unique_ptr<Transform> make_transform(const std::string& type, const std::string& yaml) {
  std::string errors;
  auto t = make_transform(type, yaml, errors);
  EXPECT_TRUE(errors.empty()) << errors;
  return t;
}

std::string config_errors(const std::string& type, const std::string& yaml) {
  std::string errors;
  make_transform(type, yaml, errors);
  return errors;
}

namespace {
class Collector final : public TransformOutputs {
 public:
  explicit Collector(Emitted& out) : out_(out) {}
  void emit(Batch batch, std::size_t output) override { out_.batches.emplace_back(output, std::move(batch)); }

 private:
  Emitted& out_;
};
}  // namespace

Emitted run(Transform& transform, Batch batch) {
  Emitted out;
  Collector collector(out);
  transform.process(std::move(batch), collector);
  return out;
}

Batch run_one(Transform& transform, Batch batch) {
  Emitted out = run(transform, std::move(batch));
  EXPECT_LE(out.batches.size(), 1u);
  if (out.batches.empty()) return Batch();
  EXPECT_EQ(out.batches.front().first, 0u);
  return std::move(out.batches.front().second);
}

std::uint64_t outcome_count(const std::string& component, const std::string& type,
                            const std::string& outcome) {
  return global_metrics().counter_value(
      "pyrolog_transform_events_total",
      {{"component", component}, {"kind", "transform"}, {"type", type}, {"outcome", outcome}});
}

}  // namespace pyrolog::test
