#include "support/access_batches.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <yaml-cpp/yaml.h>

#include "access_log_generator.h"
#include "config/diagnostics.h"
#include "config/parse_context.h"
#include "plugin/plugin_registry.h"

namespace pyrolog::bench {

std::unique_ptr<Transform> build_transform(const std::string& type, const std::string& yaml) {
  const PluginDescriptor* plugin = PluginRegistry::instance().find(ComponentKind::transform, type);
  config::Diagnostics diagnostics;
  config::ParseContext ctx;
  ctx.file = "bench";
  ctx.diagnostics = &diagnostics;
  auto options =
      plugin == nullptr ? nullptr : plugin->parse(YAML::Load(yaml), ctx, "transforms.bench_" + type, {});
  if (!options) {
    std::fprintf(stderr, "cannot build %s: %s\n", type.c_str(), diagnostics.to_string().c_str());
    std::abort();
  }
  return plugin->make_transform(options.get());
}

const std::vector<Batch>& raw_batches() {
  static const std::vector<Batch> batches = [] {
    AccessLogGenerator generator(42);
    std::vector<Batch> out;
    std::string line;
    for (std::size_t i = 0; i < kLinesPerRun; ++i) {
      if (i % kBatchSize == 0) out.emplace_back();
      line.clear();
      generator.append_line(line, 1'700'000'000 + static_cast<std::time_t>(i / 1000));
      out.back().add_event(0, out.back().store(line));
    }
    return out;
  }();
  return batches;
}

namespace {
std::vector<Batch> parse(bool tail_fields) {
  auto grok = build_transform("grok", "match: ['%{COMBINEDAPACHELOG}']");
  std::vector<Batch> out;
  const auto& raw = raw_batches();
  const std::string_view path = "/var/log/nginx/access.log";
  std::int64_t offset = 0;
  for (std::size_t i = 0; i < kDistinctParsedLines / kBatchSize; ++i) {
    Batch copy = raw[i].clone();
    if (tail_fields) {
      const std::string_view stored_path = copy.store(path);
      for (Event& e : copy.events()) {
        e.timestamp = 1'763'700'000'000'000'000 + offset;
        copy.append(e, "file.path", Value::string(stored_path));
        copy.append(e, "file.offset", Value::integer(offset));
        offset += static_cast<std::int64_t>(e.raw.size()) + 1;
      }
    }
    static_cast<InPlaceTransform&>(*grok).transform(copy);
    out.push_back(std::move(copy));
  }
  return out;
}
}  // namespace

const std::vector<Batch>& parsed_batches(bool tail_fields) {
  static const std::vector<Batch> plain = parse(false);
  static const std::vector<Batch> tailed = parse(true);
  return tail_fields ? tailed : plain;
}

}  // namespace pyrolog::bench
