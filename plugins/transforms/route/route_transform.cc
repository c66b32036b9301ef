#include "route_transform.h"

#include <variant>

#include <fmt/format.h>

#include "plugin/plugin_registry.h"

namespace pyrolog {

namespace {

std::optional<std::string> check_route_name(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 128 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (!ok) return fmt::format("route name '{}': 1 to 128 letters, digits, '_' or '-'", name);
  if (name == kUnmatchedOutput) return fmt::format("'{}' is the output of the events no route selects", name);
  return std::nullopt;
}

expr::Expression compile_route(const std::string& name, const std::string& text) {
  auto compiled = expr::Expression::compile(text);
  if (auto* error = std::get_if<expr::ExprError>(&compiled)) {
    throw ComponentConfigError(fmt::format("routes.{}: {}", name, error->to_string()));
  }
  return std::get<expr::Expression>(std::move(compiled));
}

}  // namespace

const config::OptionTable<RouteTransformConfig>& RouteTransformConfig::options() {
  static const auto table = [] {
    config::OptionTable<RouteTransformConfig> t;
    t.add("routes", &RouteTransformConfig::routes,
          "Routes by name, each with the condition that selects its events: `name: condition`. Read a route "
          "as `<component>.<name>`, and the events no route selects as `<component>._unmatched`.")
        .required()
        .example("{errors: 'status >= 500', slow: 'took > 2.5'}");
    t.check("routes", [](const RouteTransformConfig& c) -> std::optional<std::string> {
      if (c.routes.empty()) return "needs at least one route";
      for (const auto& [name, text] : c.routes) {
        if (auto problem = check_route_name(name)) return problem;
        auto compiled = expr::Expression::compile(text);
        if (auto* error = std::get_if<expr::ExprError>(&compiled)) {
          return fmt::format("{}: {}", name, error->to_string());
        }
      }
      return std::nullopt;
    });
    return t;
  }();
  return table;
}

std::vector<std::string> RouteTransformConfig::outputs(const RouteTransformConfig& config) {
  std::vector<std::string> out;
  for (const auto& [name, condition] : config.routes)
    out.push_back(name);
  out.emplace_back(kUnmatchedOutput);
  return out;
}

RouteTransform::RouteTransform(const RouteTransformConfig& config)
    : metrics_(config.component_name, "route"),
      unmatched_(metrics_.outcome(std::string(kUnmatchedOutput))),
      regex_limit_exceeded_(metrics_.outcome("regex_limit_exceeded")) {
  if (config.routes.empty()) throw ComponentConfigError("routes: needs at least one route");
  for (const auto& [name, text] : config.routes) {
    if (auto problem = check_route_name(name)) throw ComponentConfigError("routes: " + *problem);
    routes_.push_back(Route{compile_route(name, text), &metrics_.outcome(name)});
  }
}

void RouteTransform::process(Batch batch, TransformOutputs& out) {
  // Which events some route selected, by position in the batch; per thread, reused.
  thread_local std::vector<std::uint8_t> selected;
  selected.assign(batch.size(), 0);
  expr::EvalStats stats;
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    Batch routed = batch.clone();
    std::size_t index = 0;
    routed.retain([&](const Event& event) {
      const bool yes = routes_[r].condition.evaluate(routed, event, &stats);
      if (yes) selected[index] = 1;
      ++index;
      return yes;
    });
    if (routed.empty()) continue;
    routes_[r].routed->add(routed.size());
    out.emit(std::move(routed), r + 1);
  }
  std::size_t index = 0;
  batch.retain([&](const Event&) { return selected[index++] == 0; });
  if (stats.regex_limit_exceeded + stats.regex_errors != 0) {
    regex_limit_exceeded_.add(stats.regex_limit_exceeded + stats.regex_errors);
  }
  if (batch.empty()) return;
  unmatched_.add(batch.size());
  out.emit(std::move(batch), routes_.size() + 1);
}

namespace {
[[maybe_unused]] const bool registered = register_transform<RouteTransformConfig, RouteTransform>(
    "route", "Sends events to different downstream components by condition.",
    "Each event goes to every route whose condition it meets, and to `_unmatched` when it meets none: "
    "downstream components read `inputs: [<component>.<route>]` or `[<component>._unmatched]`. The batches "
    "of the routes share the bytes of the input; a route or `_unmatched` that nothing reads drops its "
    "events, counted as `unrouted`. Events per route are counted in "
    "`pyrolog_transform_events_total{outcome=<route>}`. Conditions are the expression language of "
    "docs/transforms.md.",
    RouteTransformConfig::outputs);
}  // namespace

}  // namespace pyrolog
