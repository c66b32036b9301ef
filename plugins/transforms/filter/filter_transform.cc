#include "filter_transform.h"

#include <variant>

#include <fmt/format.h>

#include "plugin/plugin_registry.h"

namespace pyrolog {

namespace {

std::optional<std::string> check_condition(const std::string& text) {
  auto compiled = expr::Expression::compile(text);
  if (auto* error = std::get_if<expr::ExprError>(&compiled)) return error->to_string();
  return std::nullopt;
}

expr::Expression compile_condition(const FilterTransformConfig& c) {
  const bool keep = !c.keep.empty();
  if (keep == !c.drop.empty()) throw ComponentConfigError("set exactly one of 'drop' and 'keep'");
  auto compiled = expr::Expression::compile(keep ? c.keep : c.drop);
  if (auto* error = std::get_if<expr::ExprError>(&compiled)) {
    throw ComponentConfigError(fmt::format("{}: {}", keep ? "keep" : "drop", error->to_string()));
  }
  return std::get<expr::Expression>(std::move(compiled));
}

}  // namespace

const config::OptionTable<FilterTransformConfig>& FilterTransformConfig::options() {
  static const auto table = [] {
    config::OptionTable<FilterTransformConfig> t;
    t.add("drop", &FilterTransformConfig::drop, "Condition that selects the events to drop; the rest pass.")
        .example("'level == \"DEBUG\" or path =~ /^\\/health/'");
    t.add("keep", &FilterTransformConfig::keep,
          "Condition that selects the events to keep; the rest are dropped.")
        .example("'status >= 500'");
    t.check([](const FilterTransformConfig& c) -> std::optional<std::string> {
      if (c.drop.empty() == c.keep.empty()) return "set exactly one of 'drop' and 'keep'";
      return std::nullopt;
    });
    t.check("drop", [](const FilterTransformConfig& c) -> std::optional<std::string> {
      if (c.drop.empty()) return std::nullopt;
      return check_condition(c.drop);
    });
    t.check("keep", [](const FilterTransformConfig& c) -> std::optional<std::string> {
      if (c.keep.empty()) return std::nullopt;
      return check_condition(c.keep);
    });
    return t;
  }();
  return table;
}

FilterTransform::FilterTransform(const FilterTransformConfig& config)
    : condition_(compile_condition(config)),
      keep_matching_(!config.keep.empty()),
      metrics_(config.component_name, "filter"),
      dropped_(metrics_.dropped("filtered")),
      kept_(metrics_.outcome("kept")),
      regex_limit_exceeded_(metrics_.outcome("regex_limit_exceeded")) {}

void FilterTransform::transform(Batch& batch) {
  const std::size_t before = batch.size();
  expr::EvalStats stats;
  batch.retain(
      [&](const Event& event) { return condition_.evaluate(batch, event, &stats) == keep_matching_; });
  const std::size_t after = batch.size();
  if (after != 0) kept_.add(after);
  if (before != after) dropped_.add(before - after);
  if (stats.regex_limit_exceeded + stats.regex_errors != 0) {
    regex_limit_exceeded_.add(stats.regex_limit_exceeded + stats.regex_errors);
  }
}

namespace {
[[maybe_unused]] const bool registered = register_transform<FilterTransformConfig, FilterTransform>(
    "filter", "Drops events by a condition.",
    "Set `drop` to drop the events a condition selects, or `keep` to keep only those. Conditions are the "
    "expression language of docs/transforms.md: comparisons, `and`, `or`, `not`, regex matches (`=~ "
    "/.../`), `in (...)` and `exists(field)`. A dropped event is counted in "
    "`pyrolog_component_discarded_events_total{reason=\"filtered\"}`; a regex that runs out of its match "
    "limit on a value counts as not matching, and is counted as `regex_limit_exceeded`.");
}  // namespace

}  // namespace pyrolog
