#include <string>

#include <gtest/gtest.h>

#include "config/agent_config.h"
#include "config/diagnostics.h"
#include "config/parse_context.h"
#include "plugin/plugin_registry.h"
#include "transform_test_support.h"

namespace pyrolog {
namespace {

using test::make_batch;
using test::run;

Batch statuses(const std::vector<int>& values) {
  Batch batch;
  for (int v : values) {
    Event& e = batch.add_event(0, batch.store(std::to_string(v)));
    batch.append(e, "status", Value::integer(v));
  }
  return batch;
}

std::vector<std::string> lines(const Batch& b) {
  std::vector<std::string> out;
  for (const Event& e : b.events())
    out.emplace_back(e.raw);
  return out;
}

TEST(RouteTransformTest, EveryRouteAnEventMeetsAndUnmatched) {
  std::string errors;
  auto t = test::make_transform("route",
                                "routes: {errors: 'status >= 500', server: 'status >= 400', redirects: "
                                "'status >= 300 and status < 400'}",
                                errors, "router");
  ASSERT_TRUE(t) << errors;
  // Outputs, numbered from 1 in the order the descriptor lists them: errors, redirects, server, _unmatched.
  auto out = run(*t, statuses({200, 503, 404, 301, 500}));
  std::map<std::size_t, std::vector<std::string>> by_output;
  for (auto& [output, batch] : out.batches)
    by_output[output] = lines(batch);
  EXPECT_EQ(by_output[1], (std::vector<std::string>{"503", "500"}));
  EXPECT_EQ(by_output[2], (std::vector<std::string>{"301"}));
  EXPECT_EQ(by_output[3], (std::vector<std::string>{"503", "404", "500"}));
  EXPECT_EQ(by_output[4], (std::vector<std::string>{"200"}));
  EXPECT_EQ(by_output.count(0), 0u);
  EXPECT_EQ(test::outcome_count("router", "route", "server"), 3u);
  EXPECT_EQ(test::outcome_count("router", "route", "_unmatched"), 1u);
}

TEST(RouteTransformTest, OutputsAreDeclaredForTheLoader) {
  const PluginDescriptor* plugin = PluginRegistry::instance().find(ComponentKind::transform, "route");
  ASSERT_NE(plugin, nullptr);
  ASSERT_TRUE(plugin->outputs);
  config::Diagnostics diagnostics;
  config::ParseContext ctx;
  ctx.diagnostics = &diagnostics;
  auto options = plugin->parse(YAML::Load("routes: {b: 'x', a: 'y'}"), ctx, "transforms.r", {});
  ASSERT_TRUE(options) << diagnostics.to_string();
  EXPECT_EQ(plugin->outputs(options.get()), (std::vector<std::string>{"a", "b", "_unmatched"}));
}

TEST(RouteTransformTest, EmptyOutputsAreNotEmittedAndMissingFieldsMeetNothing) {
  auto t = test::make_transform("route", "routes: {big: 'size > 10'}");
  auto out = run(*t, make_batch({"a", "caf\xC3", std::string(10 * 1024 * 1024, 'x')}));
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(out.batches[0].first, 2u);  // all unmatched
  EXPECT_EQ(out.batches[0].second.size(), 3u);
}

TEST(RouteTransformTest, RoutedBatchesShareTheAcknowledgement) {
  auto t = test::make_transform("route", "routes: {x: 'status == 1', y: 'status == 2'}");
  bool fired = false;
  {
    Batch batch = statuses({1, 2, 3});
    batch.set_ack(AckGroup::make([&](bool) { fired = true; }));
    auto out = run(*t, std::move(batch));
    EXPECT_EQ(out.batches.size(), 3u);
    EXPECT_FALSE(fired);
  }
  EXPECT_TRUE(fired);
}

TEST(RouteTransformTest, ConfigErrors) {
  EXPECT_NE(test::config_errors("route", "{}").find("missing required option 'routes'"), std::string::npos);
  EXPECT_NE(test::config_errors("route", "routes: {}").find("needs at least one route"), std::string::npos);
  EXPECT_NE(test::config_errors("route", "routes: {_unmatched: 'a'}").find("is the output of the events"),
            std::string::npos);
  EXPECT_NE(test::config_errors("route", "routes: {'a.b': 'a'}").find("route name 'a.b'"), std::string::npos);
  EXPECT_NE(test::config_errors("route", "routes: {a: 'x =='}").find("a: column 5: expected a field"),
            std::string::npos);
}

TEST(RouteTransformTest, DownstreamComponentsReadNamedOutputs) {
  auto load = [](const std::string& sink_inputs) {
    const std::string text =
        "sources:\n  in: {type: tcp, address: '127.0.0.1:5140'}\ntransforms:\n  router: {type: route, "
        "inputs: [in], routes: {errors: 'status >= 500'}}\nsinks:\n  out: {type: console, inputs: " +
        sink_inputs + "}\n";
    return load_config_text(text, "route.yaml",
                            [](const std::string&) { return std::optional<std::string>(); });
  };
  const auto ok = load("[router.errors, router._unmatched]");
  EXPECT_TRUE(ok.config.has_value()) << ok.diagnostics.to_string();
  const auto typo = load("[router.eror]");  // the loader lists the outputs the route declared
  EXPECT_FALSE(typo.config.has_value());
  EXPECT_NE(typo.diagnostics.to_string().find("'router' has no output named 'eror'"), std::string::npos)
      << typo.diagnostics.to_string();
}

}  // namespace
}  // namespace pyrolog
