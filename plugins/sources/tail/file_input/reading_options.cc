#include "reading_options.h"

#include <fmt/format.h>

#include "plugin/plugin_registry.h"

namespace pyrolog::files {

std::optional<MultilineRules> make_multiline_rules(const MultilineConfig& config) {
  if (!config.enabled()) return std::nullopt;
  const bool start = !config.start_pattern.empty();
  const std::string& text = start ? config.start_pattern : config.continuation_pattern;
  std::string error;
  auto pattern = LinePattern::compile(text, error);
  if (!pattern) throw ComponentConfigError(fmt::format("multiline pattern '{}': {}", text, error));
  return MultilineRules{start ? MultilineRules::Kind::start : MultilineRules::Kind::continuation,
                        std::move(*pattern), config.max_lines, config.max_bytes.bytes};
}

}  // namespace pyrolog::files
