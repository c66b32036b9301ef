#include <string>

#include <gtest/gtest.h>

#include "metrics/metrics.h"
#include "transform_test_support.h"

namespace pyrolog {
namespace {

using test::make_batch;
using test::run;

Batch levels(const std::vector<std::string>& values) {
  Batch batch = make_batch(values);
  for (Event& e : batch.events())
    batch.append(e, "level", Value::string(e.raw));
  return batch;
}

std::uint64_t filtered(const std::string& component) {
  return global_metrics().counter_value(
      "pyrolog_component_discarded_events_total",
      {{"component", component}, {"kind", "transform"}, {"type", "filter"}, {"reason", "filtered"}});
}

TEST(FilterTransformTest, DropDropsWhatTheConditionSelects) {
  std::string errors;
  auto t = test::make_transform("filter", "drop: 'level == \"DEBUG\" or level =~ /^trace/i'", errors,
                                "drop_debug");
  ASSERT_TRUE(t) << errors;
  auto out = run(*t, levels({"INFO", "DEBUG", "TRACE", "ERROR"}));
  ASSERT_EQ(out.batches.size(), 1u);
  const Batch& b = out.batches[0].second;
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b.events()[0].raw, "INFO");
  EXPECT_EQ(b.events()[1].raw, "ERROR");
  EXPECT_EQ(filtered("drop_debug"), 2u);
}

TEST(FilterTransformTest, KeepKeepsWhatTheConditionSelects) {
  auto t = test::make_transform("filter", "keep: 'level in (\"ERROR\", \"FATAL\")'");
  auto out = run(*t, levels({"INFO", "ERROR", "FATAL"}));
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(out.batches[0].second.size(), 2u);
}

TEST(FilterTransformTest, ABatchWithNothingLeftIsNotPassedOn) {
  auto t = test::make_transform("filter", "keep: 'exists(nothing)'");
  EXPECT_TRUE(run(*t, levels({"a", "b"})).batches.empty());
}

TEST(FilterTransformTest, BadValuesAreNoErrors) {
  // A missing field, invalid UTF-8, a 10 MiB value and a catastrophic regex: each is just not selected.
  std::string errors;
  auto t = test::make_transform("filter", "drop: 'level =~ /^(a+)+$/ or absent > 3'", errors, "filter_bad");
  ASSERT_TRUE(t) << errors;
  auto out =
      run(*t, levels({std::string(40, 'a') + "!", "caf\xC3", std::string(10 * 1024 * 1024, 'x') + "!"}));
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(out.batches[0].second.size(), 3u);
  EXPECT_EQ(test::outcome_count("filter_bad", "filter", "regex_limit_exceeded"), 1u);  // the a...a! line
}

TEST(FilterTransformTest, ConfigErrors) {
  EXPECT_NE(test::config_errors("filter", "{}").find("set exactly one of 'drop' and 'keep'"),
            std::string::npos);
  EXPECT_NE(test::config_errors("filter", "drop: a\nkeep: b").find("set exactly one of 'drop' and 'keep'"),
            std::string::npos);
  EXPECT_EQ(
      test::config_errors("filter", "drop: 'level = 1'"),
      "test.yaml:1:7: transforms.under_test.drop: column 7: '=' is not an operator; compare with '=='\n");
  EXPECT_NE(test::config_errors("filter", "keep: 'a =~ /(/'").find("invalid regex"), std::string::npos);
}

}  // namespace
}  // namespace pyrolog
